"""notice_nlp.pipe: many notices from Python, in order, bad items as error records."""
import pytest

import notice_nlp
from notice_nlp.errors import NoticeTypeError

from conftest import SAMPLES

GOOD = "一、整改情况\n成立整改工作领导小组。\n2025年3月完成整改5项。"


def _items(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    return [SAMPLES / "seed002.txt", GOOD, empty, (GOOD, {"doc_date": "2025-06-30", "source": "memo-7"}),
            b"bytes are not text", tmp_path / "missing.docx"]


def test_pipe_mixes_texts_paths_and_records_in_input_order(tmp_path):
    out = list(notice_nlp.pipe(_items(tmp_path), model="keywords", batch_size=2))
    kinds = [type(o).__name__ for o in out]
    assert kinds == ["Document", "Document", "ErrorRecord", "Document", "ErrorRecord", "ErrorRecord"]
    assert out[0].source == str(SAMPLES / "seed002.txt") and out[0].sentences
    assert out[3].source == "memo-7" and out[3].meta["doc_date"] == "2025-06-30"
    assert [o.error for o in out if isinstance(o, notice_nlp.ErrorRecord)] == \
        ["EmptyDocument", "NoticeTypeError", "NoticeFileNotFound"]
    assert out[2].to_dict()["source"] == str(tmp_path / "empty.txt")


def test_pipe_in_two_processes_gives_the_same_documents(tmp_path):
    items = _items(tmp_path) + [SAMPLES / "seed003.txt"]
    one = [o.to_dict() for o in notice_nlp.pipe(items, model="keywords")]
    two = [o.to_dict() for o in notice_nlp.pipe(iter(items), model="keywords", n_process=2, batch_size=1)]
    assert one == two


def test_pipe_is_lazy_and_checks_its_arguments():
    consumed = []

    def texts():
        for n in range(3):
            consumed.append(n)
            yield GOOD

    results = notice_nlp.pipe(texts(), model="keywords", batch_size=1)
    next(results)
    assert consumed == [0]
    with pytest.raises(NoticeTypeError):
        notice_nlp.pipe([GOOD], n_process=0)
