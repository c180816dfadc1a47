"""due and overdue (issue 17, item 3): the latest date a sentence commits to, and whether it has passed."""
import datetime as dt
import json

import pytest

import notice_nlp
from notice_nlp.tagging.due import due_of, is_overdue, last_day

from conftest import SAMPLES

DEADLINE_JULY = [{"type": "deadline", "value": "../2025-07-31"}]


@pytest.mark.parametrize("dates, status, as_of, due, overdue", [
    (DEADLINE_JULY, "planned", "2025-07-15", "2025-07-31", False),      # 7月底前, before the deadline
    (DEADLINE_JULY, "planned", "2025-07-31", "2025-07-31", False),      # on its last day: not yet overdue
    (DEADLINE_JULY, "planned", "2025-08-01", "2025-07-31", True),       # the day after
    (DEADLINE_JULY, "in_progress", "2025-08-01", "2025-07-31", True),
    (DEADLINE_JULY, "completed", "2030-01-01", "2025-07-31", False),    # completed is never overdue
    ([], "planned", "2030-01-01", None, False),                         # no date: no due
    ([{"type": "deadline", "value": "../2025-12-31"}, {"type": "deadline", "value": "../2025-06-30"}],
     "planned", "2025-09-01", "2025-12-31", False),                     # the latest deadline counts
    ([{"type": "deadline", "value": "../XXXX-06-30"}], "planned", "2030-01-01", None, False),  # unknown year
    ([{"type": "month", "value": "2025-06"}], "planned", "2025-06-30", "2025-06", False),  # a month: its last day
    ([{"type": "month", "value": "2025-06"}], "planned", "2025-07-01", "2025-06", True),
    ([{"type": "month", "value": "2025-06"}], "unfinished", "2025-07-01", "2025-06", True),
    ([{"type": "year", "value": "2025"}], "planned", "2025-12-31", "2025", False),
    ([{"type": "part", "value": "2026-H1"}], "planned", "2026-07-01", "2026-06", True),
    ([{"type": "part", "value": "2025-Q1/2025-Q3"}], "planned", "2025-09-30", "2025-09", False),
    ([{"type": "range", "value": "2024-04/2024-07"}], "planned", "2024-08-01", "2024-07", True),
    ([{"type": "range", "value": "2024/2027"}], "planned", "2026-01-01", "2027", False),
    # dates of work done, under way or routine say when, not by when
    ([{"type": "month", "value": "2023-11"}], "in_progress", "2025-01-01", None, False),
    ([{"type": "month", "value": "2023-11"}], "ongoing", "2025-01-01", None, False),
    ([{"type": "date", "value": "2025-03-28"}], "none", "2025-06-01", None, False),
    ([{"type": "frequency", "value": "P1M"}, {"type": "relative", "value": "2025-09-29"}],
     "planned", "2030-01-01", None, False),
])
def test_due_and_overdue(dates, status, as_of, due, overdue):
    assert due_of(dates, status) == due
    assert is_overdue(due_of(dates, status), status, as_of) is overdue
    assert is_overdue(due_of(dates, status), status, dt.date.fromisoformat(as_of)) is overdue


def test_last_day_of_each_precision():
    assert last_day("2024-02") == dt.date(2024, 2, 29)
    assert last_day("2025") == dt.date(2025, 12, 31)
    assert last_day("2025-07-31") == dt.date(2025, 7, 31)


NOTICE = "一、整改情况\n（一）关于制度不健全的问题\n计划7月底前完成制度修订。\n已于6月底前完成诊室改造。\n2025年3月，成立整改领导小组。"


@pytest.mark.parametrize("as_of, overdue", [("2025-07-01", False), ("2025-08-01", True)])
def test_tagged_sentences_and_issues(as_of, overdue):
    doc = notice_nlp.tag(NOTICE, doc_date="2025-06-30", model="keywords", as_of=as_of)
    planned, done, dated = [s for m in doc.to_dict()["sections"][0]["issues"][0]["measures"] for s in m["sentences"]]
    assert (planned["status"], planned["due"], planned["overdue"]) == ("planned", "2025-07-31", overdue)
    assert (done["status"], done["due"], done["overdue"]) == ("completed", "2025-06-30", False)
    assert (dated["due"], dated["overdue"]) == (None, False)
    issue = doc.to_dict()["sections"][0]["issues"][0]
    assert (issue["due"], issue["overdue"]) == ("2025-07-31", overdue)
    out = doc.to_dict()
    assert out["as_of"] == as_of and out["summary"]["sentences_overdue"] == int(overdue)
    assert out["summary"]["issues_overdue"] == int(overdue)


def test_an_issue_marked_completed_is_not_overdue():
    doc = notice_nlp.tag(NOTICE + "\n以上问题已整改完成。", doc_date="2025-06-30", model="keywords",
                         as_of="2025-08-01")
    issue = doc.issues[0]
    assert issue.status == "completed" and issue.due == "2025-07-31" and not issue.overdue("2025-08-01")


def test_as_of_defaults_to_today_and_a_bad_one_is_refused():
    doc = notice_nlp.tag(NOTICE, doc_date="2025-06-30", model="keywords")
    assert doc.to_dict()["as_of"] == dt.date.today().isoformat()
    with pytest.raises(notice_nlp.NoticeError, match="YYYY-MM-DD"):
        notice_nlp.tag(NOTICE, model="keywords", as_of="2025-07")
    with pytest.raises(notice_nlp.NoticeError, match="YYYY-MM-DD"):
        list(notice_nlp.pipe([NOTICE], model="keywords", as_of="next week"))


def test_pipe_sets_as_of_on_every_document():
    items = [(NOTICE, {"doc_date": "2025-06-30"})] * 2
    docs = list(notice_nlp.pipe(items, model="keywords", as_of=dt.date(2025, 8, 1)))
    assert [d.to_dict()["as_of"] for d in docs] == ["2025-08-01", "2025-08-01"]
    assert all(d.summary()["sentences_overdue"] == 1 for d in docs)


def _cli(*args):
    import subprocess
    import sys
    return subprocess.run([sys.executable, "-m", "notice_nlp", *args], capture_output=True, text=True,
                          encoding="utf-8")


def test_cli_as_of_in_json_csv_and_xlsx(tmp_path):
    pd = pytest.importorskip("pandas")
    notice = tmp_path / "n.txt"
    notice.write_text(NOTICE + "\n\n中共某某医院委员会\n2025年6月30日", "utf-8")  # signed: the year of 7月底前
    for as_of, overdue in (("2025-07-01", False), ("2025-08-01", True)):
        for fmt in ("json", "csv", "xlsx"):
            out = tmp_path / f"{as_of}.{fmt}"
            result = _cli("tag", str(notice), "-o", str(out), "--model", "keywords", "--as-of", as_of)
            assert result.returncode == 0, result.stderr
            if fmt == "json":
                doc = json.loads(out.read_text("utf-8"))["documents"][0]
                assert doc["as_of"] == as_of and doc["summary"]["sentences_overdue"] == int(overdue)
                continue
            table = (pd.read_csv(out, encoding="utf-8-sig") if fmt == "csv"
                     else pd.read_excel(out, sheet_name="sentences"))
            row = table[table["text"].str.startswith("计划")].iloc[0]
            assert (str(row["due"]), bool(row["overdue"])) == ("2025-07-31", overdue)
            if fmt == "xlsx":
                issues = pd.read_excel(out, sheet_name="issues")
                assert bool(issues["overdue"].iloc[0]) is overdue
                assert pd.read_excel(out, sheet_name="documents")["as_of"].iloc[0] == as_of
    assert _cli("tag", str(notice), "--as-of", "31/07/2025", "--model", "keywords").returncode == 2


def test_samples_carry_due_on_deadline_sentences():
    doc = notice_nlp.tag_file(SAMPLES / "seed003.txt", model="keywords", as_of="2000-01-01")
    deadlines = [s for s in doc.sentences if any(d["type"] == "deadline" and "XXXX" not in d["value"]
                                                 for d in s.dates)]
    assert deadlines and all(s.due for s in deadlines)
    assert not any(s.overdue("2000-01-01") for s in doc.sentences)  # nothing is due before 2000


def test_html_view_marks_overdue_sentences():
    from notice_nlp.output.view import render_html
    late = notice_nlp.tag(NOTICE, doc_date="2025-06-30", model="keywords", as_of="2025-08-01").to_dict()
    early = notice_nlp.tag(NOTICE, doc_date="2025-06-30", model="keywords", as_of="2025-07-01").to_dict()
    assert render_html([late]).count('class="overdue"') == 2  # the sentence and its issue in the outline
    assert 'data-due="2025-07-31"' in render_html([early]) and 'class="overdue"' not in render_html([early])
