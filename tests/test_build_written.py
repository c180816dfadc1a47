"""tools/build_written.py: merging a new batch of written sentences into the training file."""
import json
import subprocess
import sys

from conftest import REPO

from notice_nlp.dataset import LABELED, load_records


def _line(text, **labels):
    rec = {"text": text, "context": "关于“财务管理不规范”的问题", "category": "finance",
           "subcategory": "financial_management", "categories": ["finance"], "status": "completed"}
    return json.dumps({**rec, **labels}, ensure_ascii=False) + "\n"


def test_a_new_batch_keeps_earlier_lines_gets_spans_and_loses_near_copies(tmp_path):
    earlier = tmp_path / "written.jsonl"
    earlier.write_text(_line("修订《财务报销管理办法》。", batch="wa", origin="pool", dates=[], counts=[]), "utf-8")
    real = load_records(LABELED)[0]["text"]
    batch = tmp_path / "new_batch.jsonl"
    batch.write_text(_line("2024年3月，组织财务人员培训2次。") + _line(real) + _line("修订《财务报销管理办法》。"), "utf-8")
    out = tmp_path / "merged.jsonl"
    done = subprocess.run([sys.executable, str(REPO / "tools" / "build_written.py"), str(earlier), str(batch),
                           "--fill-spans", "--out", str(out)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    rows = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert [r["batch"] for r in rows] == ["wa", "new_batch"]  # the exact copy and the real sentence are dropped
    assert rows[0]["origin"] == "pool" and rows[1]["origin"] == "new"
    assert [d["value"] for d in rows[1]["dates"]] == ["2024-03"]
    assert [(c["value"], c["unit"]) for c in rows[1]["counts"]] == [(2, "次")]
    assert "'duplicate': 1" in done.stdout and "'near a real sentence': 1" in done.stdout
