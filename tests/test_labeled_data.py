"""The bundled labeled sample set (issue: labeled data)."""
import json

import pytest

from notice_nlp.annotate import check_record, document_sentences, source_documents
from notice_nlp.dataset import LABELED, load_splits
from notice_nlp.taxonomy import categories


@pytest.fixture(scope="module")
def records():
    datasets = pytest.importorskip("datasets")
    ds = datasets.load_dataset("json", data_files=str(LABELED), split="train")
    return [dict(row) for row in ds]


def test_loads_offline_with_datasets_and_is_valid(records):
    assert len(records) > 900
    for rec in records:
        copy = json.loads(json.dumps(rec, default=str))  # datasets parses doc_date as a datetime
        assert check_record(copy) == [], rec["id"]
        for span in rec["dates"] + rec["counts"]:
            assert rec["text"][span["start"]:span["end"]] == span["text"]
    assert len({r["id"] for r in records}) == len(records)


def test_splits_are_by_document(records):
    splits = load_splits()
    docs = [d for name in ("train", "dev", "test") for d in splits[name]]
    assert len(docs) == len(set(docs)) == len({r["doc_id"] for r in records})
    assert len(splits["test"]) >= 12 and any(d.startswith("seed") for d in splits["test"])
    test_cats = {r["category"] for r in records if r["doc_id"] in splits["test"]}
    assert test_cats == set(categories())
    split_of_doc = {d: name for name in ("train", "dev", "test") for d in splits[name]}
    ids_by_split = {name: {r["id"] for r in records if split_of_doc[r["doc_id"]] == name}
                    for name in ("train", "dev", "test")}
    assert sum(map(len, ids_by_split.values())) == len(records)  # every sentence in exactly one split


@pytest.mark.parametrize("doc", source_documents(), ids=lambda d: d["doc_id"])
def test_labeled_sentences_are_the_pipelines_sentences(doc):
    labeled = [json.loads(line) for line in LABELED.read_text("utf-8").splitlines()]
    mine = [(r["id"], r["text"]) for r in labeled if r["doc_id"] == doc["doc_id"]]
    assert mine == [(s["id"], s["text"]) for s in document_sentences(doc)]
