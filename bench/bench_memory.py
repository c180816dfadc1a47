"""Peak memory and time of tagging the largest document the pipeline allows.

    .venv/bin/python bench/bench_memory.py [--chars 2000000] [--model keywords] [--seed FILE]

Builds a synthetic notice of just under ``--chars`` characters (the default is
the pipeline's own limit, DEFAULT_MAX_CHARS) from a seed notice: its title and
preamble once, its sections repeated, its closing once. A fresh child process
then tags it with ``tag_file`` and reports its own peak RSS (ru_maxrss) before
and after, and the time; the parent reports RUSAGE_CHILDREN ru_maxrss too. A
second child checks that one character more is refused (DocumentTooLarge)
before any heavy work: its time and peak RSS should be near the import cost.
Only prints figures; not a test.
"""
from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from notice_nlp.text.reader import DEFAULT_MAX_CHARS  # noqa: E402

DEFAULT_SEED = REPO / "data" / "samples" / "seed000.txt"


def build_notice(seed: str, chars: int) -> str:
    """Title + preamble once, the sections repeated, the closing once: at most ``chars``."""
    lines = seed.splitlines(keepends=True)
    first = next(i for i, line in enumerate(lines) if line.lstrip("# ").startswith("一、"))
    last = next((i for i, line in enumerate(lines) if i > first and line.startswith("欢迎")), len(lines))
    head, body, tail = "".join(lines[:first]), "".join(lines[first:last]), "".join(lines[last:])
    room = chars - len(head) - len(tail)
    repeats, rest = divmod(room, len(body))
    # the remainder: whole lines of one more copy of the body, so no sentence is cut
    partial, size = [], 0
    for line in lines[first:last]:
        if size + len(line) > rest:
            break
        partial.append(line)
        size += len(line)
    text = head + body * repeats + "".join(partial) + tail
    assert len(text) <= chars
    return text


def _maxrss_mb(who=resource.RUSAGE_SELF) -> float:
    kb = resource.getrusage(who).ru_maxrss  # KiB on Linux (bytes on macOS)
    return kb / (1024 * 1024) if sys.platform == "darwin" else kb / 1024


def child(path: str, model: str | None, max_chars: int) -> None:
    """Runs in a fresh process: tag one file, print one JSON line of figures."""
    started = time.perf_counter()
    import notice_nlp
    from notice_nlp.classifier.classify import load_classifier
    from notice_nlp.errors import DocumentTooLarge

    notice_nlp.tag("一、整改情况\n成立领导小组。", model=model)  # imports, rule tables, the classifier
    ready = time.perf_counter()
    before = _maxrss_mb()
    out = {"classifier": type(load_classifier(model).classifier).__name__,
           "import_and_warmup_s": round(ready - started, 2), "rss_before_mb": round(before, 1)}
    try:
        doc = notice_nlp.tag_file(path, model=model, max_chars=max_chars)
        out.update(outcome="Document", chars=len(doc.text), sentences=len(doc.sentences),
                   issues=len(doc.issues), warnings=doc.warnings)
    except DocumentTooLarge as exc:
        out.update(outcome="DocumentTooLarge", message=str(exc)[-110:])
    out["tag_s"] = round(time.perf_counter() - ready, 2)
    out["peak_rss_mb"] = round(_maxrss_mb(), 1)
    print(json.dumps(out, ensure_ascii=False))


def run_child(path: Path, model: str | None, max_chars: int) -> dict:
    cmd = [sys.executable, __file__, "--child", str(path), "--max-chars", str(max_chars),
           "--model", model or "default"]
    result = subprocess.run(cmd, capture_output=True, text=True, cwd=REPO, check=True)
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    figures["children_maxrss_mb"] = round(_maxrss_mb(resource.RUSAGE_CHILDREN), 1)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chars", type=int, default=DEFAULT_MAX_CHARS, help="the size limit to test")
    parser.add_argument("--model", default="default",
                        help="classifier: 'default' (tag()'s own, the bundled model), 'keywords' or a model folder")
    parser.add_argument("--seed", type=Path, default=DEFAULT_SEED)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--max-chars", type=int, default=DEFAULT_MAX_CHARS, help=argparse.SUPPRESS)
    args = parser.parse_args()
    model = None if args.model == "default" else args.model
    if args.child:
        child(args.child, model, args.max_chars)
        return

    text = build_notice(args.seed.read_text("utf-8"), args.chars)
    with tempfile.TemporaryDirectory() as tmp:
        at_limit = Path(tmp) / "largest.txt"
        at_limit.write_text(text, "utf-8")
        over = Path(tmp) / "over.txt"
        over.write_text(text + "。" * (args.chars + 1 - len(text)), "utf-8")
        print(f"synthetic notice: {len(text):,} characters ({at_limit.stat().st_size:,} bytes UTF-8), "
              f"limit {args.chars:,}, seed {args.seed.name}")
        for label, path in (("at the limit", at_limit), ("one character over", over)):
            figures = run_child(path, model, args.chars)
            print(f"{label}: " + json.dumps(figures, ensure_ascii=False))
            if figures["outcome"] == "Document":
                print(f"  peak RSS {figures['peak_rss_mb']:.0f} MB (after import+warm-up "
                      f"{figures['rss_before_mb']:.0f} MB), {figures['tag_s']:.1f} s, "
                      f"{figures['sentences']:,} sentences, "
                      f"{figures['chars'] / max(figures['tag_s'], 1e-9):,.0f} chars/s")


if __name__ == "__main__":
    main()
