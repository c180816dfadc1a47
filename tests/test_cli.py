"""The command line, run as a user would (subprocess)."""
import json
import subprocess
import sys

import pytest

import notice_nlp
from conftest import REPO, SAMPLES


def run(*args, cwd=REPO):
    return subprocess.run([sys.executable, "-m", "notice_nlp", *args], capture_output=True, text=True,
                          cwd=cwd, timeout=300)


def test_tag_folder_to_jsonl(tmp_path):
    out = tmp_path / "out.jsonl"
    result = run("tag", str(SAMPLES), "-o", str(out), "--model", "keywords")
    assert result.returncode == 0, result.stderr
    docs = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert [d["source"] for d in docs] == [str(p) for p in sorted(SAMPLES.glob("*.txt"))]


def test_bad_file_in_the_middle_is_reported_and_the_batch_goes_on(tmp_path):
    good1, bad, good2 = tmp_path / "a.txt", tmp_path / "b.txt", tmp_path / "c.txt"
    good1.write_text("一、整改情况\n成立领导小组。", "utf-8")
    bad.write_bytes(b"")
    good2.write_text("一、整改情况\n召开专题会议。", "utf-8")
    result = run("tag", str(good1), str(bad), str(good2), "--model", "keywords")
    assert result.returncode == 1
    out = json.loads(result.stdout)
    assert [d["source"] for d in out["documents"]] == [str(good1), str(good2)]
    assert out["errors"][0]["source"] == str(bad) and out["errors"][0]["error"] == "EmptyDocument"
    assert "no text" in result.stderr


def test_glob_and_missing_input(tmp_path):
    (tmp_path / "x.txt").write_text("一、整改情况\n成立领导小组。", "utf-8")
    result = run("tag", str(tmp_path / "*.txt"), str(tmp_path / "missing.txt"), "--model", "keywords")
    assert result.returncode == 1
    assert len(json.loads(result.stdout)["documents"]) == 1


def test_bad_usage_exits_2():
    assert run().returncode == 2
    assert run("tag").returncode == 2
    assert run("tag", "x.txt", "--format", "pdf").returncode == 2


# --- formats, batches and exit codes ------------------------------------------


SENTENCE_COLUMNS = [
    "source", "title", "issuer", "doc_date", "section_index", "section_title",
    "issue_index", "issue_group", "issue_title", "issue_status", "measure_index", "sentence_id", "text",
    "category", "subcategory", "categories", "score", "status",
    "dates", "date_values", "counts", "count_values", "due", "overdue", "start", "end", "producer",
]


@pytest.fixture(scope="module")
def sample_docs(tmp_path_factory):
    """The four samples tagged once as JSON: the reference the other formats are checked against."""
    out = tmp_path_factory.mktemp("ref") / "samples.json"
    result = run("tag", str(SAMPLES), "-o", str(out), "--model", "keywords", "--quiet")
    assert result.returncode == 0, result.stderr
    return json.loads(out.read_text("utf-8"))["documents"]


def sentences_of(doc):
    return [s for sec in doc["sections"] for i in sec["issues"] for m in i["measures"] for s in m["sentences"]]


def write_small(folder, names, bad=()):
    """Tiny notices (fast to tag); names in ``bad`` are empty files, which fail to read."""
    paths = []
    for name in names:
        path = folder / name
        path.write_text("" if name in bad else f"一、整改情况\n{name}：成立领导小组，2025年3月28日召开会议5次。", "utf-8")
        paths.append(path)
    return paths


def test_json_file_output_and_exit_0(sample_docs):
    assert [d["source"] for d in sample_docs] == [str(p) for p in sorted(SAMPLES.glob("*.txt"))]
    assert all(d["schema_version"] == "1" and d["summary"]["sentences"] > 0 for d in sample_docs)


def test_csv_has_one_row_per_sentence(tmp_path, sample_docs):
    pd = pytest.importorskip("pandas")
    out = tmp_path / "out.csv"
    result = run("tag", str(SAMPLES), "-o", str(out), "--model", "keywords")
    assert result.returncode == 0, result.stderr
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")  # BOM: Excel then reads UTF-8
    table = pd.read_csv(out, encoding="utf-8-sig", keep_default_na=False)
    assert list(table.columns) == SENTENCE_COLUMNS
    assert set(table["producer"]) == {f"notice_nlp {notice_nlp.__version__}, schema 1, model keywords"}
    expected = [s for d in sample_docs for s in sentences_of(d)]
    assert len(table) == len(expected)
    assert list(table["text"]) == [s["text"] for s in expected]
    dated = table[table["date_values"] != ""].iloc[0]
    assert "=" in dated["dates"] and dated["date_values"].split("; ")[0] in dated["dates"]
    assert not (tmp_path / "out.errors.csv").exists()


def test_xlsx_sheets(tmp_path, sample_docs):
    pd = pytest.importorskip("pandas")
    out = tmp_path / "out.xlsx"
    result = run("tag", str(SAMPLES), "-o", str(out), "--model", "keywords")
    assert result.returncode == 0, result.stderr
    sheets = pd.read_excel(out, sheet_name=None)
    assert list(sheets) == ["sentences", "issues", "documents", "errors"]
    assert list(sheets["sentences"].columns) == SENTENCE_COLUMNS
    assert len(sheets["sentences"]) == sum(d["summary"]["sentences"] for d in sample_docs)
    # the sheet lists every issue; the summary counts only titled ones (problems the notice names)
    assert len(sheets["issues"]) == sum(len(sec["issues"]) for d in sample_docs for sec in d["sections"])
    assert sheets["issues"]["issue_title"].notna().sum() == sum(d["summary"]["issues"] for d in sample_docs)
    assert sheets["issues"]["sentences"].sum() == len(sheets["sentences"])
    assert list(sheets["documents"]["source"]) == [d["source"] for d in sample_docs]
    assert len(sheets["errors"]) == 0
    from openpyxl import load_workbook
    sheet = load_workbook(out)["sentences"]
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref.startswith("A1:")


def test_bad_file_goes_to_csv_errors_file_and_xlsx_errors_sheet(tmp_path):
    pd = pytest.importorskip("pandas")
    files = write_small(tmp_path, ["a.txt", "b.txt", "c.txt"], bad={"b.txt"})
    result = run("tag", *map(str, files), "-o", str(tmp_path / "out.csv"), "--model", "keywords")
    assert result.returncode == 1
    assert list(pd.read_csv(tmp_path / "out.csv", encoding="utf-8-sig")["source"].unique()) == \
        [str(files[0]), str(files[2])]
    errors = pd.read_csv(tmp_path / "out.errors.csv", encoding="utf-8-sig")
    assert list(errors["source"]) == [str(files[1])] and list(errors["error"]) == ["EmptyDocument"]
    result = run("tag", *map(str, files), "-o", str(tmp_path / "out.xlsx"), "--model", "keywords")
    assert result.returncode == 1
    sheets = pd.read_excel(tmp_path / "out.xlsx", sheet_name=None)
    assert list(sheets["errors"]["source"]) == [str(files[1])]
    assert list(sheets["documents"]["source"]) == [str(files[0]), str(files[2])]


def test_jsonl_error_line(tmp_path):
    files = write_small(tmp_path, ["a.txt", "b.txt", "c.txt"], bad={"b.txt"})
    result = run("tag", *map(str, files), "--format", "jsonl", "--model", "keywords")
    assert result.returncode == 1
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [d["source"] for d in lines[:-1]] == [str(files[0]), str(files[2])]
    assert [e["source"] for e in lines[-1]["errors"]] == [str(files[1])]


def test_folder_recurses_supported_types_only_and_glob(tmp_path):
    (tmp_path / "sub" / ".hidden").mkdir(parents=True)
    write_small(tmp_path, ["a.txt"])
    write_small(tmp_path / "sub", ["b.txt"])
    write_small(tmp_path / "sub" / ".hidden", ["h.txt"])
    (tmp_path / "sub" / "notes.csv").write_text("x,y\n", "utf-8")
    (tmp_path / "~$lock.docx").write_bytes(b"\0")
    (tmp_path / "old.doc").write_bytes(b"\xd0\xcf\x11\xe0")
    result = run("tag", str(tmp_path), "--model", "keywords")
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    sources = [d["source"] for d in out["documents"]]
    assert sources == [str(tmp_path / "a.txt"), str(tmp_path / "sub" / "b.txt")]
    # unsupported files are skipped with a word: one stderr line, one record each (not lock files)
    assert "skipped 2 file(s)" in result.stderr and ".doc" in result.stderr and ".csv" in result.stderr
    skipped = sorted(e["source"] for e in out["errors"] if e["error"] == "Skipped")
    assert skipped == [str(tmp_path / "old.doc"), str(tmp_path / "sub" / "notes.csv")]
    result = run("tag", str(tmp_path / "**" / "*.txt"), "--model", "keywords")
    assert result.returncode == 0, result.stderr
    assert [d["source"] for d in json.loads(result.stdout)["documents"]] == sources


def test_jobs_2_keeps_input_order_and_the_batch_goes_on(tmp_path):
    names = [f"{c}.txt" for c in "kdjaicbhgfe"]  # deliberately not sorted
    files = write_small(tmp_path, names, bad={"b.txt"})
    samples = sorted(SAMPLES.glob("*.txt"), reverse=True)
    inputs = [*map(str, files[:5]), *map(str, samples), *map(str, files[5:])]
    result = run("tag", *inputs, "--jobs", "2", "--model", "keywords", "-o", str(tmp_path / "out.json"))
    assert result.returncode == 1
    out = json.loads((tmp_path / "out.json").read_text("utf-8"))
    assert [d["source"] for d in out["documents"]] == [p for p in inputs if not p.endswith("b.txt")]
    assert [e["source"] for e in out["errors"]] == [str(tmp_path / "b.txt")]
    assert "no text" in result.stderr


def test_usage_errors_exit_2(tmp_path):
    (tmp_path / "a.txt").write_text("一、整改情况\n成立领导小组。", "utf-8")
    a = str(tmp_path / "a.txt")
    assert run("tag", a, "--format", "xlsx").returncode == 2  # binary to stdout
    assert run("tag", a, "--jobs", "0").returncode == 2
    assert run("tag", a, "--model", str(tmp_path / "no-model")).returncode == 2
    assert run("tag", a, "--model", str(tmp_path / "no-model"), "--jobs", "2").returncode == 2


def test_html_output(tmp_path):
    pytest.importorskip("notice_nlp.output.view")
    out = tmp_path / "out.html"
    result = run("tag", str(SAMPLES / "seed002.txt"), "-o", str(out), "--model", "keywords")
    assert result.returncode == 0, result.stderr
    assert out.read_text("utf-8").lstrip().lower().startswith("<!doctype html")


def test_unexpected_exception_becomes_an_error_record(monkeypatch, tmp_path):
    from notice_nlp import cli, pipeline

    def broken(path, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(pipeline, "tag_file", broken)
    doc, error = cli.tag_one(tmp_path / "x.txt", "keywords", 1000)
    assert doc is None and error["error"] == "RuntimeError" and "boom" in error["message"]


def test_json_writer_streams_errors_found_while_writing():
    import io
    from notice_nlp.output import export

    errors = []

    def docs():
        yield {"source": "a"}
        errors.append({"source": "b", "error": "EmptyDocument", "message": "b: empty"})
        yield {"source": "c"}

    stream = io.StringIO()
    export.write_json(docs(), errors, stream)
    out = json.loads(stream.getvalue())
    assert [d["source"] for d in out["documents"]] == ["a", "c"] and out["errors"][0]["source"] == "b"


def test_flat_rows_read_dates_and_counts_for_people():
    from notice_nlp.output import export

    sentence = {"id": "s0001", "text": "2025年3月28日至年底完成3.8万余人、4至6次。", "start": 0, "end": 25,
                "category": "other", "subcategory": "other", "score": 0.5, "categories": ["other"],
                "status": "completed",
                "dates": [{"start": 0, "end": 10, "text": "2025年3月28日", "type": "date", "value": "2025-03-28"},
                          {"start": 11, "end": 13, "text": "年底", "type": "part", "value": "2025-12"}],
                "counts": [{"start": 15, "end": 21, "text": "3.8万余人", "value": 38000, "unit": "人",
                            "qualifier": "more_than"},
                           {"start": 22, "end": 26, "text": "4至6次", "value": [4, 6], "unit": "次", "qualifier": None}]}
    doc = {"source": "x.txt", "meta": {"title": "T"}, "summary": {"sentences": 1},
           "sections": [{"index": 1, "title": "S", "issues": [{"index": 1, "title": "I", "status": "completed",
                                                                "measures": [{"index": 1, "sentences": [sentence]}]}]}]}
    row = dict(zip(export.SENTENCE_COLUMNS, next(export.sentence_rows(doc))))
    assert row["dates"] == "2025年3月28日=2025-03-28; 年底=2025-12"
    assert row["date_values"] == "2025-03-28; 2025-12"
    assert row["counts"] == "3.8万余人=38000人 (more_than); 4至6次=4-6次"
    assert row["count_values"] == "38000; 4-6"
    issue = dict(zip(export.ISSUE_COLUMNS, next(export.issue_rows(doc))))
    assert issue["sentences"] == 1 and issue["sentences_completed"] == 1 and issue["issue_status"] == "completed"


def test_evaluate_json_and_report(tmp_path):
    report = tmp_path / "report.html"
    result = run("evaluate", "--model", "keywords", "--json", "--report", str(report))
    assert result.returncode == 0, result.stderr
    metrics = json.loads(result.stdout)
    assert set(metrics) >= {"category", "macro_f1", "micro_f1", "subcategory_accuracy", "status_macro_f1",
                            "dates", "counts"}
    assert metrics["documents"] >= 12 and 0 < metrics["macro_f1"] <= 1
    assert set(metrics["dates"]) >= {"f1", "value_accuracy"}
    assert metrics["review"]["flagged_share"] == 0.0  # the keyword baseline never asks for review
    page = report.read_text("utf-8")
    assert "data:image/png;base64," in page and "Most confident errors" in page and "<table>" in page


def test_dash_reads_a_notice_from_standard_input():
    text = "一、整改情况\n成立整改工作领导小组。"
    result = subprocess.run([sys.executable, "-m", "notice_nlp", "tag", "-", str(SAMPLES / "seed002.txt"),
                             "--format", "jsonl", "--model", "keywords"], input=text.encode("gbk"),
                            capture_output=True, cwd=REPO, timeout=300)
    assert result.returncode == 0, result.stderr
    docs = [json.loads(line) for line in result.stdout.decode("utf-8").splitlines()]
    assert [d["source"] for d in docs] == ["-", str(SAMPLES / "seed002.txt")]
    assert docs[0]["summary"]["sentences"] == 1  # GBK bytes decoded like a file's


def test_csv_cells_cannot_start_a_formula(tmp_path):
    notice = tmp_path / "x.txt"
    notice.write_text("一、整改情况\n=HYPERLINK(\"http://x\")成立领导小组。\n-5人参加培训。", "utf-8")
    out = tmp_path / "x.csv"
    assert run("tag", str(notice), "-o", str(out), "--model", "keywords").returncode == 0
    import csv
    rows = list(csv.DictReader(out.open(encoding="utf-8-sig")))
    assert rows and all(not row["text"].startswith(("=", "+", "-", "@")) for row in rows)
    assert any(row["text"].startswith("'=HYPERLINK") for row in rows)


def test_evaluate_bad_split_and_empty_split_are_usage_errors(tmp_path):
    result = run("evaluate", "--split", "validation", "--model", "keywords")
    assert result.returncode == 2 and "invalid choice" in result.stderr and "Traceback" not in result.stderr
    data = tmp_path / "mine.jsonl"
    data.write_text(json.dumps({"id": "x-1", "doc_id": "not-in-any-split", "text": "成立领导小组。", "context": None,
                                "category": "rectification", "subcategory": "organization",
                                "categories": ["rectification"], "status": "completed", "dates": [],
                                "counts": []}, ensure_ascii=False) + "\n", "utf-8")
    result = run("evaluate", str(data), "--split", "test", "--model", "keywords")
    assert result.returncode == 2 and "no labeled sentence" in result.stderr and "Traceback" not in result.stderr


def test_evaluate_own_data_file(tmp_path):
    data = tmp_path / "mine.jsonl"
    data.write_text(json.dumps({"id": "x-s1", "doc_id": "x", "text": "严格执行政府采购制度，规范招标流程。",
                                "context": None, "category": "finance", "subcategory": "procurement",
                                "categories": ["finance"], "status": "none", "dates": [], "counts": []},
                               ensure_ascii=False) + "\n", "utf-8")
    result = run("evaluate", str(data), "--model", "keywords", "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["sentences"] == 1
