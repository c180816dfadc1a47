"""Batch tagging through the CLI with --jobs 1 and --jobs 2, and through ``notice_nlp.pipe``.

    .venv/bin/python bench/bench_jobs.py [--model DIR] [--n 20]

Writes the 4 sample notices plus web notices (data/sources/web_notices.jsonl)
to a temporary folder, N in all, runs ``notice-nlp tag FOLDER -o out.jsonl``
with each --jobs value in a fresh process (model loading included, as a user
sees it) and prints the wall times and the speed-up; then the same files through
``notice_nlp.pipe(paths, n_process=N)`` in a fresh Python process (import and
model loading included), so the library API and the CLI can be compared. Only prints figures.
"""
from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SAMPLES = sorted((REPO / "data" / "samples").glob("*.txt"))
WEB = REPO / "data" / "sources" / "web_notices.jsonl"


def write_notices(folder: Path, n: int) -> int:
    """The samples, then web notices until there are n files; returns the character count."""
    for path in SAMPLES[:n]:
        shutil.copy(path, folder / path.name)
    for line in WEB.read_text("utf-8").splitlines()[: max(0, n - len(SAMPLES))]:
        record = json.loads(line)
        (folder / f"{record['id']}.txt").write_text(record["text"], "utf-8")
    return sum(len(p.read_text("utf-8")) for p in folder.glob("*.txt"))


def run_tag(folder: Path, out: Path, jobs: int, model: str | None) -> float:
    cmd = [sys.executable, "-m", "notice_nlp", "tag", str(folder), "-o", str(out), "--jobs", str(jobs), "--quiet"]
    if model:
        cmd += ["--model", model]
    started = time.perf_counter()
    proc = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if proc.returncode != 0:
        sys.exit(f"--jobs {jobs} failed (exit {proc.returncode}):\n{proc.stderr[-2000:]}")
    return seconds


PIPE_SCRIPT = """
import sys, time, pathlib
started = time.perf_counter()
import notice_nlp
paths = sorted(pathlib.Path(sys.argv[1]).glob("*.txt"))
model = None if sys.argv[3] == "bundled" else sys.argv[3]
docs = list(notice_nlp.pipe(paths, n_process=int(sys.argv[2]), batch_size=1, model=model))
assert docs and all(isinstance(d, notice_nlp.Document) for d in docs), docs[:1]
print(time.perf_counter() - started)
"""


def run_pipe(folder: Path, n_process: int, model: str | None) -> float:
    """Wall time of ``notice_nlp.pipe`` over the folder in a fresh process (import included)."""
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", PIPE_SCRIPT, str(folder), str(n_process), model or "bundled"],
                          cwd=REPO, capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit(f"pipe n_process={n_process} failed:\n{proc.stderr[-2000:]}")
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", help="model folder or 'keywords' (default: the bundled model)")
    parser.add_argument("--n", type=int, default=20, help="notices to tag (default 20)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder, tmp = Path(tmp) / "notices", Path(tmp)
        folder.mkdir()
        chars = write_notices(folder, args.n)
        files = len(list(folder.glob("*.txt")))
        times = {jobs: run_tag(folder, tmp / f"jobs{jobs}.jsonl", jobs, args.model) for jobs in (1, 2)}
        piped = {n: run_pipe(folder, n, args.model) for n in (1, 2)}
        same = (tmp / "jobs1.jsonl").read_bytes() == (tmp / "jobs2.jsonl").read_bytes()
        sentences = sum(json.loads(line)["summary"]["sentences"]
                        for line in (tmp / "jobs1.jsonl").read_text("utf-8").splitlines())
    print(f"{files} notices, {chars} characters, {sentences} sentences; model: {args.model or 'bundled'}")
    for jobs, seconds in times.items():
        print(f"--jobs {jobs}: {seconds:.2f} s wall ({sentences / seconds:.1f} sentences/s)")
    print(f"speed-up --jobs 2 vs --jobs 1: {times[1] / times[2]:.2f}x; outputs identical: {'yes' if same else 'NO'}")
    for n, seconds in piped.items():
        print(f"notice_nlp.pipe(n_process={n}): {seconds:.2f} s wall ({sentences / seconds:.1f} sentences/s; "
              f"CLI --jobs {n}: {times[n]:.2f} s)")


if __name__ == "__main__":
    main()
