"""The Dask run (issue 17, item 2): notice_nlp.dask.tag_paths on a LocalCluster of 2 worker processes
gives the single-process run's Parquet tables, row for row, and keeps the error-record contract; each
partition writes its own part files on its worker and sends back only metadata."""
import json
import os
import shutil
import subprocess
import sys

import pytest

from conftest import SAMPLES

pq = pytest.importorskip("pyarrow.parquet", reason="pip install 'notice_nlp[corpus]'")
distributed = pytest.importorskip("distributed", reason="pip install 'notice_nlp[corpus]'")
pytest.importorskip("dask")

import notice_nlp  # noqa: E402
from notice_nlp.dask import _write_partition, local_client, tag_paths  # noqa: E402
from notice_nlp.output import parquet  # noqa: E402
from notice_nlp.text.reader import DEFAULT_MAX_CHARS  # noqa: E402

AS_OF = "2025-10-01"
SORT = {"sentences": ["doc_key", "sentence_id"], "issues": ["doc_key", "section_index", "issue_index"],
        "documents": ["doc_key"], "errors": ["source"]}


def cli(*args):
    return subprocess.run([sys.executable, "-m", "notice_nlp", *map(str, args)], capture_output=True, text=True,
                          encoding="utf-8")


@pytest.fixture(scope="module")
def inputs(tmp_path_factory):
    """The four samples, one bad file (empty) and a copy of a sample under another name."""
    folder = tmp_path_factory.mktemp("inputs")
    (folder / "bad.txt").write_text("", "utf-8")
    shutil.copy(SAMPLES / "seed000.txt", folder / "zz_copy_of_seed000.txt")
    return [*sorted(SAMPLES.glob("*.txt")), folder / "bad.txt", folder / "zz_copy_of_seed000.txt"]


@pytest.fixture(scope="module")
def single(inputs, tmp_path_factory):
    out = tmp_path_factory.mktemp("single") / "tables"
    result = cli("tag", *inputs, "--format", "parquet", "-o", out, "--model", "keywords", "--as-of", AS_OF, "--quiet")
    assert result.returncode == 1 and "bad.txt" in result.stderr, result.stderr
    return out


@pytest.fixture(scope="module")
def client():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster, distributed.Client(cluster) as c:
        yield c


def table(folder, name):
    return pq.read_table(folder / name).sort_by([(c, "ascending") for c in SORT[name]])


def assert_same_tables(a, b, names=tuple(SORT)):
    for name in names:
        left, right = table(a, name), table(b, name)
        assert left.schema == right.schema, name
        assert left.num_rows == right.num_rows, name
        assert left.to_pylist() == right.to_pylist(), name


def test_cluster_run_equals_the_single_process_run(inputs, single, client, tmp_path):
    run = tag_paths(inputs, client, tmp_path / "tables", model="keywords", as_of=AS_OF, npartitions=3)
    assert run.documents == 4 and run.skipped == [str(inputs[-1])]  # the copy came last: skipped
    assert [(e.source, e.error) for e in run.errors] == [(str(inputs[4]), "EmptyDocument")]
    assert_same_tables(single, tmp_path / "tables")
    # one file per table for each partition that wrote documents (the third held only the bad
    # file and the copy, whose rows were dropped again), and no temporary file left
    assert len(list((tmp_path / "tables" / "documents").glob("part-*.parquet"))) == 2
    assert not list((tmp_path / "tables").rglob(".*"))
    # the model was loaded once per worker process
    misses = client.run(lambda: __import__("notice_nlp.classifier.classify", fromlist=["_"])
                        .load_classifier.cache_info().misses)
    assert len(misses) == 2 and set(misses.values()) <= {0, 1} and sum(misses.values()) >= 1
    again = tag_paths(inputs, client, tmp_path / "tables", model="keywords", as_of=AS_OF)
    assert again.documents == 0 and len(again.skipped) == 5  # appending: nothing new
    assert len(pq.read_table(tmp_path / "tables" / "documents")) == 4


def test_a_copy_is_dropped_from_a_part_that_keeps_other_documents(inputs, client, tmp_path):
    paths = [inputs[0], inputs[1], inputs[-1], inputs[2]]  # partitions [seed000, seed002], [copy, seed003]
    expected = tmp_path / "single"
    assert cli("tag", *paths, "--format", "parquet", "-o", expected, "--model", "keywords", "--as-of", AS_OF,
               "--quiet").returncode == 0
    run = tag_paths(paths, client, tmp_path / "tables", model="keywords", as_of=AS_OF, npartitions=2)
    assert run.documents == 3 and run.skipped == [str(inputs[-1])]
    assert_same_tables(expected, tmp_path / "tables", ("sentences", "issues", "documents"))
    assert not list((tmp_path / "tables").rglob(".*"))


def test_a_partition_writes_on_its_worker_and_returns_metadata(inputs, client, tmp_path):
    folder = tmp_path / "tables"
    chunk = [(0, str(inputs[0])), (1, str(inputs[4])), (2, str(inputs[1]))]
    result = client.submit(_write_partition, chunk, model="keywords", max_chars=DEFAULT_MAX_CHARS, as_of=AS_OF,
                           out=str(folder), skip=frozenset()).result()
    assert [type(outcome).__name__ for _, _, outcome in result["items"]] == ["str", "ErrorRecord", "str"]
    assert [key is None for _, key, _ in result["items"]] == [False, True, False]
    assert result["written"]["documents"] == 2
    assert sorted(os.path.basename(os.path.dirname(f)) for f in result["written"]["files"]) == \
           ["documents", "errors", "issues", "sentences"]
    assert pq.read_table(folder / "documents").column("source").to_pylist() == [str(inputs[0]), str(inputs[1])]


def test_a_failed_partition_leaves_no_file(tmp_path, monkeypatch):
    monkeypatch.setattr(parquet, "FLUSH_ROWS", 1)  # a row group is in the temporary file before the failure

    def documents():
        yield notice_nlp.tag_file(SAMPLES / "seed000.txt", model="keywords", as_of=AS_OF).to_dict()
        raise RuntimeError("the worker went away")

    with pytest.raises(RuntimeError):
        parquet.write_parquet(documents(), [], tmp_path)
    assert not [p for p in tmp_path.rglob("*") if p.is_file()]


def test_local_workers_start_with_few_malloc_arenas_and_no_profiler():
    def settings():
        import dask
        return os.environ.get("MALLOC_ARENA_MAX"), dask.config.get("distributed.worker.profile.enabled")

    with local_client(1) as client:
        assert list(client.run(settings).values()) == [("2", False)]
    client.cluster.close()


def test_results_back_in_input_order(inputs, client):
    outcomes = tag_paths(inputs, client, model="keywords", as_of=AS_OF, npartitions=2)
    expected = list(notice_nlp.pipe(inputs, model="keywords", as_of=AS_OF))
    assert [type(o).__name__ for o in outcomes] == [type(e).__name__ for e in expected]
    assert [json.dumps(o.to_dict(), ensure_ascii=False) for o in outcomes] == \
           [json.dumps(e.to_dict(), ensure_ascii=False) for e in expected]


def test_cli_on_a_local_cluster(inputs, single, tmp_path):
    result = cli("tag", *inputs, "--format", "parquet", "-o", tmp_path / "tables", "--model", "keywords",
                 "--as-of", AS_OF, "--dask", "local:2", "--quiet")
    assert result.returncode == 1 and "bad.txt" in result.stderr, result.stderr
    assert_same_tables(single, tmp_path / "tables")
    bad = cli("tag", *inputs, "--format", "parquet", "-o", tmp_path / "t2", "--dask", "two")
    assert bad.returncode == 2 and "local:N" in bad.stderr


def test_missing_dask_says_which_extra():
    code = ("import sys; sys.modules['distributed'] = None\n"
            "from notice_nlp.dask import tag_paths\n"
            "try:\n    tag_paths(['x.txt'])\nexcept Exception as exc:\n    print(type(exc).__name__, exc)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.startswith("MissingDependency") and "notice_nlp[corpus]" in out
