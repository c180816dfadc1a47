"""The bundled labeled sample set (issue: labeled data)."""
import json

import pytest

import subprocess
import sys

from annotate import DATA, NOT_A_MEASURE, check_record, document_sentences, source_documents
from notice_nlp.dataset import LABELED, load_splits
from notice_nlp.taxonomy import categories

from conftest import REPO

WRITTEN = DATA / "written.jsonl"
RESERVED_CHECK = REPO.parent / "shared" / "reserved" / "check.py"


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
    # documents are disjoint across splits (above), so every sentence is in exactly one split
    # as long as its document is in some split
    assert all(r["doc_id"] in docs for r in records)


@pytest.mark.parametrize("doc", source_documents(), ids=lambda d: d["doc_id"])
def test_labeled_sentences_are_the_pipelines_sentences(doc):
    labeled = [json.loads(line) for line in LABELED.read_text("utf-8").splitlines()]
    mine = [(r["id"], r["text"]) for r in labeled if r["doc_id"] == doc["doc_id"]]
    annotated = DATA / "annotation" / f"{doc['doc_id']}.jsonl"
    not_measures = {row["text"] for row in map(json.loads, annotated.read_text("utf-8").splitlines())
                    if row["category"] == NOT_A_MEASURE}
    # a DROP row may hold the text from before a splitter fix (a run-in label since stripped)
    assert mine == [(s["id"], s["text"]) for s in document_sentences(doc)
                    if not any(t.endswith(s["text"]) or t.startswith(s["text"]) for t in not_measures)]


@pytest.fixture(scope="module")
def written():
    datasets = pytest.importorskip("datasets")
    return [dict(row) for row in datasets.load_dataset("json", data_files=str(WRITTEN), split="train")]


def test_written_sentences_load_with_datasets_and_are_valid(written):
    assert len(written) >= 1000
    for rec in written:
        copy = json.loads(json.dumps(rec, default=str))
        assert check_record(copy) == [], rec["id"]
        assert rec["source"] == "written" and rec["doc_id"] == "written"
    assert len({r["id"] for r in written}) == len(written)


def test_no_written_sentence_is_in_dev_or_test(written, records):
    splits = load_splits()
    assert "written" not in {d for name in ("train", "dev", "test") for d in splits[name]}
    real_texts = {r["text"] for r in records}
    assert not real_texts & {r["text"] for r in written}
    assert not any(r.get("source") == "written" for r in records)


@pytest.mark.skipif(not RESERVED_CHECK.is_file(), reason="../shared is not beside the repository")
def test_reserved_check_passes_on_every_data_file():
    files = sorted(p for p in DATA.rglob("*") if p.suffix in (".jsonl", ".txt", ".json"))
    assert LABELED in files and WRITTEN in files
    result = subprocess.run([sys.executable, str(RESERVED_CHECK), *map(str, files)], capture_output=True, text=True)
    assert result.returncode == 0, f"reserved text found: {result.stdout[:300]}"
