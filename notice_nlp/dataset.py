"""The labeled sample set: loading, the document-level split manifest, assembly.

``data/labeled.jsonl`` holds one measure sentence per line (docs/annotation.md, "Record formats");
``data/splits.json`` assigns whole documents to train/dev/test.
"""
from __future__ import annotations

import json
from pathlib import Path

from .errors import NoticeError

DATA = Path(__file__).resolve().parents[1] / "data"
LABELED = DATA / "labeled.jsonl"
SPLITS = DATA / "splits.json"


def load_records(path: str | Path = LABELED) -> list[dict]:
    path = Path(path)
    if not path.is_file():
        raise NoticeError(f"{path}: no such labeled-data file (JSONL, one sentence per line; "
                          "see docs/annotation.md)")
    records = []
    for n, line in enumerate(path.read_text("utf-8").splitlines(), 1):
        if line.strip():
            try:
                records.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise NoticeError(f"{path}:{n}: not valid JSON ({exc.msg})") from exc
    return records


def load_splits(path: str | Path = SPLITS) -> dict[str, list[str]]:
    return json.loads(Path(path).read_text("utf-8"))


def split_records(records: list[dict], split: str, splits: dict[str, list[str]] | None = None) -> list[dict]:
    """Records of whole documents of one split."""
    docs = set((splits or load_splits())[split])
    return [r for r in records if r["doc_id"] in docs]


# --- building the bundled set -------------------------------------------------------

TEST_DOCS_MIN = 12
DEV_DOCS = 7


def make_splits(records: list[dict], documents: list[dict], seed: int = 20261124) -> dict[str, list[str]]:
    """Whole documents to train/dev/test, seeded.

    Test: one seed notice plus web notices drawn institution by institution
    (an institution never straddles splits) until it holds ≥ 12 documents, every
    sector and every category; dev: another seed and the next few; train: the rest.
    """
    import random

    doc_cats = {}
    for r in records:
        doc_cats.setdefault(r["doc_id"], set()).add(r["category"])
    all_cats = set().union(*doc_cats.values())
    seeds = sorted(d["doc_id"] for d in documents if d["doc_id"].startswith("seed"))
    groups: dict[str, list[dict]] = {}
    for d in documents:
        if not d["doc_id"].startswith("seed") and d["doc_id"] in doc_cats:
            groups.setdefault(d["institution"] or d["doc_id"], []).append(d)
    for attempt in range(1000):
        rng = random.Random(seed + attempt)
        order = sorted(groups)
        rng.shuffle(order)
        # one institution of every sector first, then others until the web part is full
        by_sector: dict[str, str] = {}
        for name in order:
            by_sector.setdefault(groups[name][0]["sector"], name)
        picked = list(by_sector.values())
        for name in order:
            if sum(len(groups[n]) for n in picked) >= TEST_DOCS_MIN:
                break
            if name not in picked:
                picked.append(name)
        test_seed, dev_seed = rng.sample(seeds, 2)
        test = [test_seed] + [d["doc_id"] for name in picked for d in groups[name]]
        if set().union(*(doc_cats[d] for d in test)) >= all_cats:
            rest = [name for name in order if name not in picked]
            dev = [dev_seed] + [d["doc_id"] for name in rest[:DEV_DOCS] for d in groups[name]]
            train = [d for d in doc_cats if d not in test and d not in dev]
            return {"seed": seed + attempt, "train": sorted(train), "dev": sorted(dev), "test": sorted(test)}
    raise NoticeError("no split found with every category in test; label more documents")


def extend_splits(splits: dict, records: list[dict], documents: list[dict], seed: int = 20261202) -> dict:
    """Documents already in ``splits`` stay where they are; new ones are drawn institution by
    institution (seeded): a quarter of the institutions to test, a sixth to dev, the rest to train."""
    import random

    placed = {d for name in ("train", "dev", "test") for d in splits[name]}
    labeled = {r["doc_id"] for r in records}
    groups: dict[str, list[str]] = {}
    for d in documents:
        if d["doc_id"] in labeled and d["doc_id"] not in placed:
            groups.setdefault(d["institution"] or d["doc_id"], []).append(d["doc_id"])
    order = sorted(groups)
    random.Random(seed).shuffle(order)
    out = {name: list(splits[name]) for name in ("train", "dev", "test")}
    for k, name in enumerate(order):
        share = k / max(len(order), 1)
        out["test" if share < 0.25 else "dev" if share < 0.42 else "train"] += groups[name]
    return {"seed": splits.get("seed"), "extension_seed": seed, **{k: sorted(v) for k, v in out.items()}}
