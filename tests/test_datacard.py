"""The data card's figures come from the files: python -m notice_nlp.datacard."""
import json
from collections import Counter

from notice_nlp import datacard
from notice_nlp.dataset import LABELED, load_records


def _write(path, rows):
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")


def test_card_counts_follow_the_files(tmp_path):
    rows = load_records(LABELED)[:7]
    for i, row in enumerate(rows):
        row["doc_id"] = f"doc{i % 3}"
    _write(tmp_path / "labeled.jsonl", rows)
    (tmp_path / "splits.json").write_text(json.dumps({"train": ["doc0", "doc1"], "dev": [], "test": ["doc2"]}))
    card = datacard.card_tables(tmp_path)
    assert f"**{len(rows)} real sentences** from **3 documents**, and 0 written" in card
    assert f"| test | 1 | {sum(r['doc_id'] == 'doc2' for r in rows)} |" in card
    top, n = Counter(r["category"] for r in rows).most_common(1)[0]
    assert f"| {top} | {n} |" in card
    assert "agreement" not in card  # no second annotation in this folder


def test_written_sentences_are_counted_apart(tmp_path):
    rows = load_records(LABELED)[:4]
    _write(tmp_path / "labeled.jsonl", rows)
    _write(tmp_path / "written.jsonl", [{**r, "source": "written", "doc_id": "written"} for r in rows[:2]])
    card = datacard.card_tables(tmp_path)
    assert "and 2 written sentences for training only" in card
    assert "| written (`written.jsonl`) | – | 2 | training only |" in card


def test_agreement_needs_the_repository_tooling(tmp_path):
    rows = load_records(LABELED)[:2]
    _write(tmp_path / "labeled.jsonl", rows)
    (tmp_path / "annotation2").mkdir()
    _write(tmp_path / "annotation2" / "x.jsonl", rows)
    assert "left out" in datacard.card_tables(tmp_path)


def test_missing_labeled_file_is_a_clear_error(tmp_path, capsys):
    assert datacard.main(["--data", str(tmp_path)]) == 2
    assert "labeled.jsonl" in capsys.readouterr().err
