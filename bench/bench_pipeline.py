"""Speed and memory of the whole pipeline with the bundled model.

    .venv/bin/python bench/bench_pipeline.py [--model DIR] [--fp32-torch DIR] [--threads 2]

Prints: warm time to tag one seed notice (median, fastest and slowest of 9 after a warm-up);
end-to-end sentences/s of tagging the four samples, next to a plain fp32
PyTorch forward pass of the same encoder at batch 32 over the same sentences
(tokenisation included in both); cold start of ``import notice_nlp; tag(...)``
in a fresh process; peak RSS of tagging the four samples in a fresh process.
Only prints figures; not a test.
"""
from __future__ import annotations

import argparse
import copy
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
REPO = Path(__file__).resolve().parents[1]
SAMPLES = sorted((REPO / "data" / "samples").glob("*.txt"))
SEED = REPO / "data" / "samples" / "seed000.txt"
SHORT = "一、整改情况\\n成立巡察整改工作领导小组，2025年3月28日召开专题会议。"

# Run in a child: tag the four samples, report this process's own peak (VmHWM).
RSS_CHILD = """
import glob, sys, notice_nlp
for p in sorted(glob.glob("data/samples/*.txt")):
    notice_nlp.tag_file(p, model={model!r})
print([l for l in open("/proc/self/status") if l.startswith("VmHWM")][0].split()[1])
"""


def peak_rss(model: str | None) -> tuple[float, float]:
    """(RUSAGE_CHILDREN ru_maxrss, the child's own VmHWM), both in MB.

    Run first, while this process is still small: ru_maxrss of a child also
    counts the memory of the parent it was started from."""
    proc = subprocess.run([sys.executable, "-c", RSS_CHILD.format(model=model)], cwd=REPO,
                          capture_output=True, text=True, check=True)
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return children, int(proc.stdout.split()[-1]) / 1024


def cold_start(model: str | None, runs: int = 3) -> list[float]:
    """Wall seconds of a fresh interpreter importing notice_nlp and tagging a short notice."""
    code = f"import notice_nlp; notice_nlp.tag('{SHORT}', model={model!r})"
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], cwd=REPO, check=True)
        times.append(time.perf_counter() - started)
    return times


def warm_seed(model: str | None, runs: int = 9, seed: Path = SEED) -> tuple[list[float], int]:
    """Seconds of each run tagging ``seed`` once the model is loaded; and its sentence count."""
    import notice_nlp

    doc = notice_nlp.tag_file(seed, model=model)  # warm-up: loads the model
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        notice_nlp.tag_file(seed, model=model)
        times.append(time.perf_counter() - started)
    return times, len(doc.sentences)


def end_to_end(model: str | None) -> tuple[float, list]:
    """Sentences/s of tagging the four samples (warm), and their sentences."""
    import notice_nlp

    started = time.perf_counter()
    docs = [notice_nlp.tag_file(p, model=model) for p in SAMPLES]
    seconds = time.perf_counter() - started
    sentences = [s for d in docs for s in d.sentences]
    return len(sentences) / seconds, sentences


def torch_forward(folder: Path, sentences: list, threads: int, max_length: int, layers: int | None,
                  batch: int = 32) -> float:
    """Sentences/s of a mean-pooled fp32 forward pass (sentence, context pairs, input order)
    of the encoder the model was trained from, cut to the model's layer count."""
    import torch
    from transformers import AutoModel, AutoTokenizer

    torch.set_num_threads(threads)
    tokenizer = AutoTokenizer.from_pretrained(folder)
    model = AutoModel.from_pretrained(folder, **({"num_hidden_layers": layers} if layers else {})).eval()
    texts, contexts = [s.text for s in sentences], [s.context or "" for s in sentences]

    def embed(lo: int, hi: int):
        enc = tokenizer(texts[lo:hi], contexts[lo:hi], padding=True, truncation=True,
                        max_length=max_length, return_tensors="pt")
        with torch.inference_mode():
            hidden = model(**enc).last_hidden_state
        mask = enc["attention_mask"].unsqueeze(-1).float()
        return (hidden * mask).sum(1) / mask.sum(1)

    embed(0, batch)  # warm-up
    started = time.perf_counter()
    for lo in range(0, len(texts), batch):
        embed(lo, lo + batch)
    return len(texts) / (time.perf_counter() - started)


def model_label(model: str | None) -> tuple[str, int, int | None]:
    """What ``model`` resolves to, its max_length and encoder layer count (for the torch comparison)."""
    from notice_nlp.classifier.classify import BUNDLED_MODEL

    folder = Path(model) if model not in (None, "keywords") else BUNDLED_MODEL
    if model == "keywords" or not (folder / "labels.json").is_file():
        return "keyword baseline (no bundled model found)", 128, None
    training = folder / "training.json"
    layers = json.loads(training.read_text("utf-8")).get("layers") if training.is_file() else None
    return str(folder), json.loads((folder / "labels.json").read_text("utf-8")).get("max_length", 128), layers


def classify_rate(model: str | None, sentences: list, batch: int | None) -> tuple[float, int]:
    """Sentences/s of the classifier alone over the sentences (with their contexts)."""
    from notice_nlp.classifier.classify import load_classifier
    encoder = getattr(load_classifier(model).classifier, "encoder", None)
    shipped = encoder.batch_size if encoder else 0
    if encoder and batch:
        encoder.batch_size = batch
    try:
        return _rate(load_classifier(model), sentences), batch or shipped
    finally:
        if encoder:
            encoder.batch_size = shipped


def one_batch_at_a_time_rate(model: str | None, sentences: list) -> float | None:
    """Sentences/s of the same classifier run the way it ran before 2026-11-25: one batch at a
    time, ONNX Runtime's own intra-op threads on every core (None for the keyword baseline)."""
    import onnxruntime as ort

    from notice_nlp.classifier.classify import load_classifier
    from notice_nlp.classifier.model import OnnxClassifier

    shipped = getattr(load_classifier(model).classifier, "encoder", None)
    if shipped is None:
        return None
    encoder = copy.copy(shipped)
    encoder.threads = 1  # no side-by-side batches ...
    options = ort.SessionOptions()
    options.intra_op_num_threads, options.inter_op_num_threads = os.cpu_count() or 1, 1  # ... ORT's threads instead
    encoder.session = ort.InferenceSession(str(encoder.model_path), options, providers=["CPUExecutionProvider"])
    return _rate(OnnxClassifier(encoder, load_classifier(model).classifier.labels), sentences)


def _rate(classifier, sentences: list) -> float:
    texts, contexts = [s.text for s in sentences], [s.context for s in sentences]
    classifier.predict(texts[:16], contexts[:16])  # warm-up
    started = time.perf_counter()
    classifier.predict(texts, contexts)
    return len(texts) / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", help="model folder (default: the bundled model)")
    parser.add_argument("--fp32-torch", default=str(REPO / "build" / "base-model"),
                        help="transformers folder of the fp32 encoder to compare with (default build/base-model)")
    parser.add_argument("--threads", type=int, default=2, help="PyTorch threads (ONNX Runtime runs 2 batches at once)")
    args = parser.parse_args()

    rss_children, rss_own = peak_rss(args.model)  # first: see peak_rss
    colds = cold_start(args.model)
    label, max_length, layers = model_label(args.model)
    print(f"model: {label} ({layers or 'all'} encoder layers)")
    times, n = warm_seed(args.model)
    print(f"warm tag of seed000.txt ({n} sentences): {statistics.median(times) * 1000:.0f} ms median of "
          f"{len(times)}, fastest {min(times) * 1000:.0f}, slowest {max(times) * 1000:.0f}")
    for other in SAMPLES:
        if other != SEED:
            times, n = warm_seed(args.model, runs=5, seed=other)
            print(f"  warm tag of {other.name} ({n} sentences): {statistics.median(times) * 1000:.0f} ms median of 5 "
                  f"({statistics.median(times) * 1000 / n:.1f} ms per sentence)")
    rate, sentences = end_to_end(args.model)
    print(f"end-to-end tag, 4 samples ({len(sentences)} sentences): {rate:.1f} sentences/s")
    for batch in (32, None):
        clf_rate, size = classify_rate(args.model, sentences, batch)
        print(f"classify alone, ONNX int8, batch {size}{'' if batch else ' (shipped setting)'}: "
              f"{clf_rate:.1f} sentences/s")
    old_rate = one_batch_at_a_time_rate(args.model, sentences)
    if old_rate:
        print(f"classify alone, one batch at a time on {os.cpu_count()} intra-op threads (the setting before "
              f"2026-11-25): {old_rate:.1f} sentences/s")
    try:
        torch_rate = torch_forward(Path(args.fp32_torch), sentences, args.threads, max_length, layers)
        print(f"PyTorch fp32 forward, batch 32, {args.threads} threads ({args.fp32_torch}, "
              f"{layers or 'all'} layers): "
              f"{torch_rate:.1f} sentences/s")
        print(f"ratio end-to-end / PyTorch fp32 forward: {rate / torch_rate:.2f}x")
    except ImportError as exc:
        print(f"PyTorch fp32 forward: skipped ({exc.name or exc} is not installed)")
    print(f"cold start (fresh process: import + tag a short notice): median {statistics.median(colds):.2f} s "
          f"of {', '.join(f'{t:.2f}' for t in colds)}")
    print(f"peak RSS tagging the 4 samples (fresh process): {rss_children:.0f} MB ru_maxrss (RUSAGE_CHILDREN), "
          f"{rss_own:.0f} MB VmHWM")


if __name__ == "__main__":
    main()
