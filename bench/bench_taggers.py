"""Throughput of the rule taggers (detect_status + extract_dates + extract_counts).

Runs the three functions together over every sentence of the seed notices
(text split naively at 。；！？) and prints sentences per second.

    python bench/bench_taggers.py [--seeds DIR] [--repeat N]

Each timed pass starts with the internal caches cleared, so repeated passes
measure the same cold work a fresh document gets, not cache hits. Within a
pass the three functions share one sentence's date scan (extract_counts and
detect_status need the dates too), as they do in the pipeline; the second
figure turns that sharing off.
"""
from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from notice_nlp.tagging import counts, dates  # noqa: E402
from notice_nlp.tagging.counts import extract_counts  # noqa: E402
from notice_nlp.tagging.dates import extract_dates  # noqa: E402
from notice_nlp.tagging.status import detect_status  # noqa: E402

DEFAULT_SEEDS = Path(__file__).resolve().parents[1] / "data" / "samples"


def load_sentences(seed_dir: Path) -> list[str]:
    sentences = []
    for path in sorted(seed_dir.glob("*.txt")):
        text = path.read_text("utf-8")
        sentences += [s.strip() for s in re.split(r"(?<=[。；！？])", text) if s.strip()]
    return sentences


def clear_caches() -> None:
    """Drop per-text caches (the tables stay loaded, as in a long-running process)."""
    if hasattr(dates._spans, "cache_clear"):
        dates._spans.cache_clear()
    counts._chinese_value.cache_clear()


def one_pass(sentences: list[str]) -> float:
    clear_caches()
    start = time.perf_counter()
    for s in sentences:
        detect_status(s)
        extract_dates(s, "2025-06-30")
        extract_counts(s)
    return time.perf_counter() - start


def without_shared_dates(fn):
    """Run ``fn`` with the per-sentence date cache bypassed."""
    cached = dates._spans
    dates._spans = cached.__wrapped__
    try:
        return fn()
    finally:
        dates._spans = cached


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=Path, default=DEFAULT_SEEDS)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    sentences = load_sentences(args.seeds)
    if not sentences:
        sys.exit(f"no sentences found under {args.seeds}")
    one_pass(sentences)  # warm-up: loads and compiles the rule tables once
    best = min(one_pass(sentences) for _ in range(args.repeat))
    chars = sum(map(len, sentences))
    print(f"{len(sentences)} sentences ({chars} chars) from {args.seeds}; "
          f"best of {args.repeat} passes: {best * 1000:.1f} ms")
    print(f"throughput: {len(sentences) / best:,.0f} sentences/s (status + dates + counts)")
    unshared = without_shared_dates(lambda: min(one_pass(sentences) for _ in range(args.repeat)))
    print(f"without the shared date scan: {len(sentences) / unshared:,.0f} sentences/s")


if __name__ == "__main__":
    main()
