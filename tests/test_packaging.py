"""The model ships with the package; a missing model is an error, never a silent baseline."""
import importlib
import json
import subprocess
import sys
import tomllib

import pytest

import notice_nlp
classify_module = importlib.import_module("notice_nlp.classifier.classify")
from notice_nlp.errors import ModelError

from conftest import REPO, SAMPLES


@pytest.fixture
def no_bundled_model(tmp_path, monkeypatch):
    monkeypatch.setattr(classify_module, "BUNDLED_MODEL", tmp_path / "missing")
    classify_module.load_classifier.cache_clear()
    yield
    classify_module.load_classifier.cache_clear()


def test_missing_bundled_model_raises_model_error_with_the_fix(no_bundled_model):
    with pytest.raises(ModelError, match="keywords"):
        notice_nlp.tag("一、整改情况\n成立整改工作领导小组。")


def test_keyword_baseline_still_runs_when_asked_for(no_bundled_model):
    doc = notice_nlp.tag("一、整改情况\n成立整改工作领导小组。", model="keywords")
    assert doc.to_dict()["producer"]["model"] == "keywords"


def test_wheel_config_maps_the_model_folder_into_the_package():
    config = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))["tool"]["setuptools"]
    folder = config["package-dir"]["notice_nlp.bundled_model"]
    assert "notice_nlp.bundled_model" in config["packages"]
    shipped = set(config["package-data"]["notice_nlp.bundled_model"])
    on_disk = {p.name for p in (REPO / folder).iterdir() if p.is_file()}
    assert {"model.onnx", "tokenizer.json", "labels.json"} <= shipped
    assert on_disk <= shipped, f"files of {folder} that the wheel would leave out: {on_disk - shipped}"


@pytest.mark.skipif(not (classify_module.BUNDLED_MODEL / "model.onnx").is_file(), reason="no bundled model")
def test_every_output_names_the_model_that_ran(tmp_path):
    out = tmp_path / "x.jsonl"
    subprocess.run([sys.executable, "-m", "notice_nlp", "tag", str(SAMPLES / "seed002.txt"), "-o", str(out),
                    "--quiet"], check=True, capture_output=True)
    producer = json.loads(out.read_text("utf-8").splitlines()[0])["producer"]
    assert producer["model"] == "notice-classifier (bundled)"
    assert producer["version"] == notice_nlp.__version__
    assert len(producer["model_sha256"]) == 64


def test_version_flag():
    out = subprocess.run([sys.executable, "-m", "notice_nlp", "--version"], capture_output=True, text=True)
    assert out.returncode == 0 and notice_nlp.__version__ in out.stdout
