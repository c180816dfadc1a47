"""Export a torch encoder (or a classifier built on one) to ONNX, quantised to int8.

On a small CPU, ONNX Runtime with int8 per-channel weights runs a BERT-small
encoder ~3x faster than PyTorch fp32 and stays within cosine ~0.99 of it
(per-tensor int8 loses noticeably more), and the result runs with
onnxruntime + tokenizers alone: see :mod:`notice_nlp.encoder_runtime`.

    from notice_nlp.onnx_export import MeanPooled, export_onnx
    export_onnx(MeanPooled(bert), tokenizer, "out/encoder.onnx")

Any ``torch.nn.Module`` whose ``forward(input_ids, attention_mask)`` returns a
tensor, a tuple/list of tensors or a mapping of tensors (e.g. a transformers
``ModelOutput``) can be exported; outputs keep their mapping keys as names or
are named ``output`` / ``output_0, output_1, ...``.
"""

from __future__ import annotations

import json
import tempfile
import warnings
from collections.abc import Mapping, Sequence
from pathlib import Path

import torch

from notice_nlp.errors import ModelError

INPUT_NAMES = ("input_ids", "attention_mask")
OPSET = 17
# Two dummy batches with different batch and sequence sizes: output dimensions
# that change between them are the dynamic ones.
_DUMMY_TEXTS = (
    ["根据市委统一部署，市委巡察组开展了巡察。", "整改进展情况。"],
    ["现将巡察整改进展情况予以公布，欢迎监督。", "已完成", "建立健全长效机制，压紧压实整改责任。"],
)


class MeanPooled(torch.nn.Module):
    """``encoder(input_ids, attention_mask).last_hidden_state`` averaged over real tokens
    (the e5 sentence embedding, before L2 normalisation)."""

    onnx_output_names = ("embedding",)

    def __init__(self, encoder: torch.nn.Module):
        super().__init__()
        self.encoder = encoder

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
        return (hidden * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1e-9)


class _TupleOutputs(torch.nn.Module):
    """Calls the model positionally and flattens its result to a tuple of tensors."""

    def __init__(self, model: torch.nn.Module, keys: Sequence[str] | None):
        super().__init__()
        self.model = model
        self.keys = keys

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor):
        out = self.model(input_ids, attention_mask)
        if self.keys is not None:
            return tuple(out[k] for k in self.keys)
        return tuple(out) if isinstance(out, (tuple, list)) else (out,)


def _output_names(out) -> tuple[list[str], list[str] | None]:
    """(ONNX output names, mapping keys to read in order or None)."""
    if isinstance(out, torch.Tensor):
        return ["output"], None
    if isinstance(out, Mapping):
        keys = [k for k, v in out.items() if isinstance(v, torch.Tensor)]
        return list(keys), keys
    if isinstance(out, (tuple, list)) and all(isinstance(t, torch.Tensor) for t in out):
        return [f"output_{i}" for i in range(len(out))], None
    raise ModelError(
        f"cannot export a model returning {type(out).__name__}: forward(input_ids, attention_mask) "
        "must return a tensor, a tuple of tensors or a mapping of tensors"
    )


def _dummy_inputs(tokenizer, texts: list[str]) -> tuple[torch.Tensor, torch.Tensor]:
    enc = tokenizer(texts, padding=True, return_tensors="pt")
    return enc["input_ids"].to(torch.int64), enc["attention_mask"].to(torch.int64)


def _dynamic_axes(wrapper, batches, names: list[str]) -> dict[str, dict[int, str]]:
    """Inputs: batch and sequence axes. Outputs: whichever dimensions differ
    between the two dummy batches, named after the input size they track."""
    with torch.no_grad():
        runs = [wrapper(*b) for b in batches]
    axes = {name: {0: "batch", 1: "sequence"} for name in INPUT_NAMES}
    for i, name in enumerate(names):
        first, second = runs[0][i], runs[1][i]
        if first.dim() != second.dim():
            raise ModelError(f"output {name!r} changes rank with the input shape")
        axes[name] = {}
        for d, (a, b) in enumerate(zip(first.shape, second.shape)):
            if a != b:
                seq_len = batches[0][0].shape[1]
                axes[name][d] = "batch" if a == batches[0][0].shape[0] else "sequence" if a == seq_len else f"{name}_dim{d}"
    return axes


def _export_fp32(model: torch.nn.Module, tokenizer, path: Path, output_names: Sequence[str] | None) -> list[str]:
    batches = [_dummy_inputs(tokenizer, texts) for texts in _DUMMY_TEXTS]
    with torch.no_grad():
        names, keys = _output_names(model(*batches[0]))
    if output_names is not None:
        if len(output_names) != len(names):
            raise ValueError(f"the model has {len(names)} outputs ({names}) but {len(output_names)} names were given")
        names = list(output_names)
    wrapper = _TupleOutputs(model, keys).eval()
    axes = _dynamic_axes(wrapper, batches, names)
    with warnings.catch_warnings():
        # The TorchScript tracer warns about Python-level shape checks inside
        # transformers; they hold for every padded batch we feed, so the graph
        # is valid for any batch and sequence size (the tests check this).
        warnings.simplefilter("ignore")
        torch.onnx.export(
            wrapper,
            batches[0],
            str(path),
            input_names=list(INPUT_NAMES),
            output_names=names,
            dynamic_axes=axes,
            opset_version=OPSET,
            do_constant_folding=True,
            # TorchScript exporter: it needs no onnxscript and handles
            # transformers' attention-mask code; the dynamo one is optional in torch.
            dynamo=False,
        )
    return names


def _quantize(fp32_path: Path, out_path: Path) -> None:
    from onnxruntime.quantization import QuantType, quantize_dynamic

    # Per-channel int8 weights: one scale per output row keeps cosine ~0.99 to
    # fp32 where a single scale per tensor drops to ~0.97.
    quantize_dynamic(str(fp32_path), str(out_path), per_channel=True, weight_type=QuantType.QInt8)


def _add_metadata(path: Path, tokenizer, names: list[str], quantized: bool) -> None:
    import onnx

    model = onnx.load(str(path))
    max_length = getattr(tokenizer, "model_max_length", None)
    meta = {
        "notice_nlp.outputs": json.dumps(names),
        "notice_nlp.quantization": "dynamic int8, per-channel weights" if quantized else "none (fp32)",
    }
    if isinstance(max_length, int) and 0 < max_length < 100_000:
        meta["notice_nlp.max_length"] = str(max_length)
    for key, value in meta.items():
        entry = model.metadata_props.add()
        entry.key, entry.value = key, value
    onnx.save(model, str(path))


def _save_tokenizer_json(tokenizer, folder: Path) -> None:
    backend = getattr(tokenizer, "backend_tokenizer", tokenizer)
    if hasattr(backend, "to_str"):
        (folder / "tokenizer.json").write_text(backend.to_str(), encoding="utf-8")


def export_onnx(
    model: torch.nn.Module,
    tokenizer,
    out_path: str | Path,
    quantize: bool = True,
    *,
    output_names: Sequence[str] | None = None,
) -> Path:
    """Export ``model`` to ``out_path`` (int8 per-channel if ``quantize``), with
    dynamic batch and sequence axes; writes ``tokenizer.json`` next to it.

    ``tokenizer``: a `transformers` fast tokenizer (used for example inputs,
    ``model_max_length`` and the tokenizer.json copy).
    ``output_names``: names for the outputs (default: the mapping keys, or
    ``output`` / ``output_0, output_1, ...``); ``MeanPooled`` defaults to ``embedding``.
    Returns the path of the ONNX file.
    """
    if output_names is None:
        output_names = getattr(model, "onnx_output_names", None)
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    # Dropout off for the export, and every submodule's own mode restored after
    # (a fresh wrapper such as MeanPooled is in training mode while the encoder
    # inside it is not; model.train(flag) would overwrite the encoder's).
    modes = {module: module.training for module in model.modules()}
    model.eval()
    try:
        with tempfile.TemporaryDirectory(dir=out_path.parent) as tmp:
            fp32 = Path(tmp) / "fp32.onnx" if quantize else out_path
            names = _export_fp32(model, tokenizer, fp32, output_names)
            if quantize:
                _quantize(fp32, out_path)
    finally:
        for module, training in modes.items():
            module.training = training
    _add_metadata(out_path, tokenizer, names, quantize)
    _save_tokenizer_json(tokenizer, out_path.parent)
    return out_path


__all__ = ["MeanPooled", "export_onnx"]
