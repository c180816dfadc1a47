#!/usr/bin/env bash
# Build the wheel, install only it in a fresh venv outside the source tree, tag a
# sample there, and check that the bundled fine-tuned model (not the keyword
# baseline) did the tagging. Run by .ci/run after the tests.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$repo/.venv/bin/python" -m build --wheel -o "$work/dist" "$repo" >"$work/build.log" 2>&1 || { cat "$work/build.log"; exit 1; }
python3 -m venv "$work/venv"
"$work/venv/bin/pip" install -q "$work"/dist/notice_nlp-*.whl
cp "$repo/data/samples/seed002.txt" "$work/"
cd "$work"
HF_HUB_OFFLINE=1 "$work/venv/bin/notice-nlp" tag seed002.txt -o out.jsonl --quiet
"$work/venv/bin/python" - <<'PY'
import json, pathlib, notice_nlp
doc = json.loads(pathlib.Path("out.jsonl").read_text("utf-8").splitlines()[0])
producer = doc["producer"]
assert producer["model"] == "notice-classifier (bundled)", producer
assert "site-packages" in notice_nlp.__file__, notice_nlp.__file__
scores = {s["score"] for sec in doc["sections"] for i in sec["issues"] for m in i["measures"] for s in m["sentences"]}
assert scores != {1.0}, "every score is 1.0: the keyword baseline ran"
print(f"wheel check: {doc['summary']['sentences']} sentences tagged by {producer['model']} "
      f"sha256:{producer['model_sha256'][:12]} from {notice_nlp.__file__}")
PY
