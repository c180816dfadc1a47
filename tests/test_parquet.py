"""Parquet tables (issue 17, item 1): `notice-nlp tag … --format parquet -o DIR`, appended run by run."""
import json
import subprocess
import sys

import pytest

from conftest import SAMPLES

pa = pytest.importorskip("pyarrow", reason="pip install 'notice_nlp[corpus]'")
pq = pytest.importorskip("pyarrow.parquet")
pd = pytest.importorskip("pandas")

AS_OF = "2025-10-01"


def run(*args, env=None):
    return subprocess.run([sys.executable, "-m", "notice_nlp", *args], capture_output=True, text=True,
                          encoding="utf-8", env=env)


def tag(out, *inputs):
    return run("tag", *map(str, inputs), "--format", "parquet", "-o", str(out), "--model", "keywords",
               "--as-of", AS_OF, "--quiet")


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """The samples as JSON (the same run in the reference format)."""
    out = tmp_path_factory.mktemp("ref") / "samples.json"
    result = run("tag", str(SAMPLES), "-o", str(out), "--model", "keywords", "--as-of", AS_OF, "--quiet")
    assert result.returncode == 0, result.stderr
    return json.loads(out.read_text("utf-8"))["documents"]


@pytest.fixture(scope="module")
def tables(tmp_path_factory):
    folder = tmp_path_factory.mktemp("pq") / "tables"
    bad = folder.parent / "empty.txt"
    bad.write_text("", "utf-8")
    result = tag(folder, SAMPLES, bad)
    assert result.returncode == 1, result.stderr  # the bad file is an error record, the rest is written
    return folder


def sentences_of(doc):
    return [s for sec in doc["sections"] for i in sec["issues"] for m in i["measures"] for s in m["sentences"]]


def test_round_trip_through_pandas(tables, reference):
    assert sorted(p.name for p in tables.iterdir()) == ["documents", "errors", "issues", "sentences"]
    sentences = pd.read_parquet(tables / "sentences")
    expected = [s for d in reference for s in sentences_of(d)]
    assert list(sentences["text"]) == [s["text"] for s in expected]
    assert [[d["value"] for d in row] for row in sentences["dates"]] == [[d["value"] for d in s["dates"]]
                                                                       for s in expected]
    assert pq.read_table(tables / "sentences").column("due").to_pylist() == [s["due"] for s in expected]
    assert list(sentences["overdue"]) == [s["overdue"] for s in expected]
    documents = pd.read_parquet(tables / "documents")
    assert list(documents["source"]) == [d["source"] for d in reference]
    assert list(documents["doc_key"]) == [d["content_sha256"] for d in reference]
    assert set(documents["model"]) == {"keywords"} and set(documents["library_version"]) == {"0.1.0"}
    issues = pd.read_parquet(tables / "issues")
    assert len(issues) == sum(len(sec["issues"]) for d in reference for sec in d["sections"])
    assert issues["sentences"].sum() == len(sentences)
    errors = pd.read_parquet(tables / "errors")
    assert list(errors["error"]) == ["EmptyDocument"] and errors["source"][0].endswith("empty.txt")


def test_column_types(tables):
    sentences = pq.read_schema(next((tables / "sentences").glob("*.parquet")))
    date_span, count_span = sentences.field("dates").type.value_type, sentences.field("counts").type.value_type
    assert pa.types.is_struct(date_span) and {f.name for f in date_span} >= {"start", "end", "text", "type", "value"}
    assert count_span.field("value").type == pa.float64() and count_span.field("unit").type == pa.string()
    assert sentences.field("categories").type == pa.list_(pa.string())
    assert sentences.field("due_date").type == pa.date32() and sentences.field("overdue").type == pa.bool_()
    assert sentences.field("score").type == pa.float64() and sentences.field("start").type == pa.int64()
    documents = pq.read_schema(next((tables / "documents").glob("*.parquet")))
    assert documents.field("by_status").type == pa.map_(pa.string(), pa.int32())
    assert documents.field("as_of").type == pa.date32()
    assert {"producer", "model_sha256", "model", "library_version", "schema_version"} <= set(documents.names)
    counts = pq.read_table(tables / "sentences").column("counts").to_pylist()
    ranges = [c for row in counts for c in row if c["value_max"] is not None]
    assert all(c["value"] <= c["value_max"] for c in ranges)


def test_duckdb_reads_the_folders(tables):
    duckdb = pytest.importorskip("duckdb", reason="pip install duckdb (in the corpus-test extra)")
    rows = duckdb.sql(f"""
        SELECT d.issuer, count(*) AS n, sum(s.overdue::INT) AS overdue,
               max(len(s.dates)) AS most_dates
        FROM '{tables}/sentences/*.parquet' s JOIN '{tables}/documents/*.parquet' d USING (doc_key)
        GROUP BY d.issuer ORDER BY n DESC""").fetchall()
    assert len(rows) == 4 and all(n > 0 for _, n, _, _ in rows)
    values = duckdb.sql(f"SELECT unnest(dates).value FROM '{tables}/sentences/*.parquet'").fetchall()
    assert values and all(isinstance(v, str) for (v,) in values)


def test_appending_never_duplicates_a_document(tmp_path):
    folder = tmp_path / "tables"
    first = sorted(SAMPLES.glob("*.txt"))
    assert tag(folder, *first[:2]).returncode == 0
    assert tag(folder, *first).returncode == 0  # two already there, two new
    again = tag(folder, *first)
    assert again.returncode == 0 and "4 document(s) already in" in again.stderr
    copy = tmp_path / "copy.txt"
    copy.write_bytes(first[0].read_bytes())  # the same text under another name is the same document
    assert tag(folder, copy).returncode == 0
    documents = pd.read_parquet(folder / "documents")
    assert len(documents) == 4 and documents["doc_key"].is_unique
    assert sorted(documents["source"]) == sorted(map(str, first))
    sentences = pd.read_parquet(folder / "sentences")
    assert not sentences.duplicated(["doc_key", "sentence_id"]).any()
    assert set(sentences["doc_key"]) == set(documents["doc_key"])
    assert len(list((folder / "documents").glob("part-*.parquet"))) == 2  # one file per run that wrote
    assert not list(folder.rglob(".*"))  # no temporary file left behind


def test_parquet_needs_a_folder_and_pyarrow(tmp_path):
    result = run("tag", str(SAMPLES), "--format", "parquet", "--model", "keywords")
    assert result.returncode == 2 and "-o DIR" in result.stderr
    code = ("import sys; sys.modules['pyarrow'] = None; from notice_nlp.cli import main; "
            f"sys.exit(main(['tag', {str(SAMPLES)!r}, '--format', 'parquet', '-o', {str(tmp_path / 'x')!r}, "
            "'--model', 'keywords']))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, encoding="utf-8")
    assert result.returncode == 2 and "notice_nlp[corpus]" in result.stderr


def test_tagging_imports_neither_pyarrow_nor_dask(tmp_path):
    code = ("import sys, json, notice_nlp; from notice_nlp.output import export; "
            "doc = notice_nlp.tag_file(sys.argv[1], model='keywords'); "
            "export.write_json([doc.to_dict()], [], open(sys.argv[2], 'w', encoding='utf-8')); "
            "print(sorted(m for m in ('pyarrow', 'dask', 'distributed', 'torch', 'pandas') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code, str(SAMPLES / "seed000.txt"), str(tmp_path / "o.json")],
                         capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
