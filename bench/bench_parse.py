"""Parse time without the model: normalise + structure + sentence split, per seed.

    .venv/bin/python bench/bench_parse.py [--runs 20] [--target-ms 50]

Times ``notice_nlp.text.normalize.normalise`` then ``notice_nlp.text.structure.build_document``
(which splits the measure text into sentences) on each sample in data/samples,
after one warm-up run (rule tables compiled, caches filled); prints the median of
--runs runs in ms, and whether it is within the target. No meta extraction, no
classifier, no date/count taggers. Only prints figures; not a test.
"""
from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from notice_nlp.text.normalize import normalise
from notice_nlp.text.structure import build_document

REPO = Path(__file__).resolve().parents[1]
SAMPLES = sorted((REPO / "data" / "samples").glob("*.txt"))


def parse(raw: str):
    norm = normalise(raw)
    return build_document(norm.text, {})


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--target-ms", type=float, default=50.0)
    args = ap.parse_args()
    print(f"parse time (normalise + structure + sentence split), median of {args.runs} runs, "
          f"target <= {args.target_ms:g} ms")
    worst = 0.0
    for path in SAMPLES:
        raw = path.read_text("utf-8")
        doc = parse(raw)  # warm-up
        times = []
        for _ in range(args.runs):
            t0 = time.perf_counter()
            parse(raw)
            times.append((time.perf_counter() - t0) * 1000)
        median = statistics.median(times)
        worst = max(worst, median)
        print(f"  {path.stem}: {median:7.2f} ms  ({len(raw):>6} chars, {len(doc.sections):>2} sections, "
              f"{len(doc.issues):>2} issues, {len(doc.sentences):>3} sentences)  "
              f"{'ok' if median <= args.target_ms else 'OVER TARGET'}")
    print(f"  worst median: {worst:.2f} ms -> {'within' if worst <= args.target_ms else 'over'} target")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
