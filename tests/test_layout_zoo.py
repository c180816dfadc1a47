"""The layout zoo: every notice the project holds, read by a careful reader (tests/layout_zoo.jsonl).

Each line gives the reader's title, issuer, inspector, inspection period, feedback date,
document date, number of titled sections and of problem headings. Where the library still
reads a field differently, the line lists it under ``known_misses``: those are asserted to be
misses still (so a fix shows up and the table is updated), every other field to be right.
``python bench/bench_reading.py`` prints the accuracy over the whole zoo.
"""
import json
import sys

import pytest

import notice_nlp

from conftest import REPO

sys.path.insert(0, str(REPO / "bench"))
from bench_reading import compare, notice_texts, reading  # noqa: E402

ZOO = [json.loads(line) for line in (REPO / "tests" / "layout_zoo.jsonl").read_text("utf-8").splitlines()]
TEXTS = notice_texts()


def test_the_zoo_covers_every_notice_the_project_holds():
    assert sorted(case["id"] for case in ZOO) == sorted(TEXTS)


@pytest.mark.parametrize("case", ZOO, ids=lambda case: case["id"])
def test_reading_matches_the_reader(case):
    verdicts = compare(case, reading(notice_nlp.tag(TEXTS[case["id"]], model="keywords")))
    misses = sorted(field for field, verdict in verdicts.items() if verdict != "right")
    assert misses == case["known_misses"], f"{case['id']}: now wrong {set(misses) - set(case['known_misses'])}, " \
                                            f"now right {set(case['known_misses']) - set(misses)}"
