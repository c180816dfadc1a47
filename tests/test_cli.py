"""The command line, run as a user would (subprocess)."""
import json
import subprocess
import sys

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
