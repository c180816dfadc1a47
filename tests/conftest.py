import json
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tools"))  # repository tooling (annotate, datacard) is not in the wheel
SAMPLES = REPO / "data" / "samples"
WEB = REPO / "data" / "sources" / "web_notices.jsonl"


def seed_texts() -> dict[str, str]:
    return {p.stem: p.read_text("utf-8") for p in sorted(SAMPLES.glob("*.txt"))}


def web_records() -> list[dict]:
    return [json.loads(line) for line in WEB.read_text("utf-8").splitlines()]


@pytest.fixture(scope="session")
def seeds() -> dict[str, str]:
    return seed_texts()


@pytest.fixture(scope="session")
def all_texts() -> dict[str, str]:
    texts = seed_texts()
    texts.update({r["id"]: r["text"] for r in web_records()})
    return texts
