"""Run an exported ONNX encoder with onnxruntime + tokenizers + numpy only.

No torch or transformers is imported, so a deployment needs ~60 MB of wheels
instead of ~1 GB.

    enc = OnnxEncoder("out/")                  # out/model.onnx (or the only *.onnx) + out/tokenizer.json
    outputs = enc(["第一句。", "第二句。"])      # {"embedding": array (2, 384)} - whatever the graph returns
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

from notice_nlp.errors import ModelError, NoticeTypeError

DEFAULT_MAX_LENGTH = 512
_PAD_CANDIDATES = ("<pad>", "[PAD]")
_ONNX_INT_TYPES = {"tensor(int64)": np.int64, "tensor(int32)": np.int32}


def _find_onnx(folder: Path) -> Path:
    preferred = folder / "model.onnx"
    if preferred.is_file():
        return preferred
    found = sorted(folder.glob("*.onnx"))
    if len(found) != 1:
        raise ModelError(
            f"{folder} holds {len(found)} .onnx files; pass the file itself or keep exactly one (or model.onnx)"
        )
    return found[0]


def _check_texts(texts, what: str) -> list[str]:
    if isinstance(texts, str):
        return [texts]
    texts = list(texts)
    bad = [type(t).__name__ for t in texts if not isinstance(t, str)]
    if bad:
        raise NoticeTypeError(f"{what} must be strings; got {bad[0]}")
    return texts


class OnnxEncoder:
    """Tokenise, batch by length, run the ONNX graph, return its outputs in input order.

    ``folder_or_file``: an .onnx file, or a folder holding ``model.onnx`` (or a
    single ``*.onnx``) and, unless ``tokenizer_json`` is given, ``tokenizer.json``.
    ``max_length``: tokens per text (pair) after truncation, special tokens
    included; defaults to the value recorded by ``export_onnx``, else 512.
    ``threads``: how many batches run at the same time, each on one core
    (default ``NOTICE_NLP_THREADS``, else every core). Results do not depend on
    it: the batches are the same, only their scheduling differs.
    """

    def __init__(
        self,
        folder_or_file: str | Path,
        tokenizer_json: str | Path | None = None,
        *,
        max_length: int | None = None,
        batch_size: int = 32,
        threads: int | None = None,
    ):
        import onnxruntime as ort
        from tokenizers import Tokenizer

        path = Path(folder_or_file)
        if not path.exists():
            raise ModelError(f"ONNX model {path} does not exist")
        self.model_path = _find_onnx(path) if path.is_dir() else path
        tok_path = Path(tokenizer_json) if tokenizer_json else self.model_path.parent / "tokenizer.json"
        if not tok_path.is_file():
            raise ModelError(f"tokenizer file {tok_path} does not exist; pass tokenizer_json=")
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")

        # All cores by default; NOTICE_NLP_THREADS lets parallel workers share them.
        self.threads = threads or int(os.environ.get("NOTICE_NLP_THREADS", 0)) or os.cpu_count() or 1
        options = ort.SessionOptions()
        # One thread per run, and that many batches run at once: the matrices of a
        # short-sentence batch are too small for ONNX Runtime's intra-op threads to pay
        # (on 2 cores, bench/bench_pipeline.py prints both: "classify alone ... shipped
        # setting" against "one batch at a time on 2 intra-op threads").
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        try:
            self.session = ort.InferenceSession(str(self.model_path), options, providers=["CPUExecutionProvider"])
        except Exception as exc:  # onnxruntime raises its own untyped errors
            raise ModelError(f"cannot load ONNX model {self.model_path}: {exc}") from exc
        self.inputs = {i.name: _ONNX_INT_TYPES.get(i.type, np.int64) for i in self.session.get_inputs()}
        self.output_names = [o.name for o in self.session.get_outputs()]
        meta = self.session.get_modelmeta().custom_metadata_map
        self.max_length = int(max_length or meta.get("notice_nlp.max_length", DEFAULT_MAX_LENGTH))
        self.batch_size = batch_size
        self._pool, self._pool_pid = None, None

        self.tokenizer = Tokenizer.from_file(str(tok_path))
        # We pad per batch ourselves (to that batch's longest text).
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(self.max_length)
        self.pad_id = next(
            (i for i in map(self.tokenizer.token_to_id, _PAD_CANDIDATES) if i is not None), 0
        )

    def __call__(self, texts, pairs=None) -> dict[str, np.ndarray]:
        return self.encode(texts, pairs)

    def encode(self, texts: Sequence[str], pairs: Sequence[str] | None = None) -> dict[str, np.ndarray]:
        """Outputs (name -> array, first axis = texts in the given order).

        Per-token outputs are zero-padded along axis 1 to the longest text.
        """
        texts = _check_texts(texts, "texts")
        if pairs is not None:
            pairs = _check_texts(pairs, "pairs")
            if len(pairs) != len(texts):
                raise ValueError(f"got {len(texts)} texts but {len(pairs)} pairs")
        if not texts:
            return self._empty_outputs()
        inputs = list(zip(texts, pairs)) if pairs is not None else texts
        encodings = self.tokenizer.encode_batch(inputs)
        # Longest first, so each batch pads little; results are put back in order.
        order = sorted(range(len(encodings)), key=lambda i: -len(encodings[i].ids))
        feeds = [self._feed([encodings[i] for i in order[start : start + self.batch_size]])
                 for start in range(0, len(order), self.batch_size)]
        pool = self._batch_pool() if len(feeds) > 1 else None
        runs = pool.map(self._run, feeds) if pool else map(self._run, feeds)
        chunks: dict[str, list[np.ndarray]] = {name: [] for name in self.output_names}
        for values in runs:  # in submission order
            for name, value in zip(self.output_names, values):
                chunks[name].append(value)
        restore = np.argsort(np.asarray(order))
        return {name: _concat(parts)[restore] for name, parts in chunks.items()}

    def _batch_pool(self) -> ThreadPoolExecutor | None:
        """Threads that run batches side by side (InferenceSession.run is thread-safe and releases
        the GIL); made per process, so an encoder inherited through fork() still works."""
        if self.threads < 2:
            return None
        if self._pool_pid != os.getpid():
            self._pool = ThreadPoolExecutor(self.threads, thread_name_prefix="notice-nlp-onnx")
            self._pool_pid = os.getpid()
        return self._pool

    def _run(self, feed: dict[str, np.ndarray]) -> list[np.ndarray]:
        return self.session.run(None, feed)

    def _feed(self, batch) -> dict[str, np.ndarray]:
        width = max(len(e.ids) for e in batch)
        ids = np.full((len(batch), width), self.pad_id, dtype=np.int64)
        mask = np.zeros((len(batch), width), dtype=np.int64)
        types = np.zeros((len(batch), width), dtype=np.int64)
        for row, enc in enumerate(batch):
            n = len(enc.ids)
            ids[row, :n] = enc.ids
            mask[row, :n] = 1
            types[row, :n] = enc.type_ids
        available = {"input_ids": ids, "attention_mask": mask, "token_type_ids": types}
        missing = [name for name in self.inputs if name not in available]
        if missing:
            raise ModelError(f"{self.model_path} expects inputs this runtime cannot make: {missing}")
        return {name: available[name].astype(dtype, copy=False) for name, dtype in self.inputs.items()}

    def _empty_outputs(self) -> dict[str, np.ndarray]:
        result = {}
        for out in self.session.get_outputs():
            tail = [d if isinstance(d, int) else 0 for d in out.shape[1:]]
            result[out.name] = np.zeros([0, *tail], dtype=np.float32)
        return result


def _concat(parts: list[np.ndarray]) -> np.ndarray:
    """Join batch outputs; pad axis 1 (tokens) with zeros where batches differ in length."""
    if len({p.shape[1:] for p in parts}) > 1:
        width = max(p.shape[1] for p in parts)
        parts = [np.pad(p, [(0, 0), (0, width - p.shape[1])] + [(0, 0)] * (p.ndim - 2)) for p in parts]
    return np.concatenate(parts, axis=0)


__all__ = ["OnnxEncoder"]
