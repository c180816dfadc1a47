"""A corpus run end to end (issue 17 targets): Parquet tables three ways, then the report.

    .venv/bin/python bench/bench_corpus.py [--notices 1000] [--model DIR|keywords] [--keep DIR]
                                           [--runs single,jobs,dask]

Makes N notices by varying the four samples (data/samples): each copy gets its own
institution (a city × a kind of institution, in place of the sample's issuer), its years
shifted by 0–2 and about one long line in ten left out, so every notice has its own text
(the tables key documents by a hash of their text and would skip exact copies). Then tags
the folder into Parquet tables three ways, each a fresh ``notice-nlp tag`` process (import
and model loading included, as a user runs it):

    single process · --jobs 2 · --dask local:2 (a distributed.LocalCluster of 2 worker processes)

and prints sentences/s, the wall time and the peak resident memory of each process of the
run (psutil, sampled every 0.1 s over the process tree). Last, ``notice-nlp report`` over the
single-process tables: its wall time (a fresh process) and the page's size. Only prints
figures. Targets: the Dask run within 15 % of --jobs 2, ≤ 400 MB per worker, the report of
1,000 notices in ≤ 10 s and ≤ 5 MB. Needs the corpus extra (pyarrow, dask, psutil via
distributed, matplotlib).
"""
from __future__ import annotations

import argparse
import hashlib
import os
import random
import re
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SAMPLES = sorted((REPO / "data" / "samples").glob("*.txt"))
CITIES = ["淄博市", "聊城市", "舟山市", "枣庄市", "临沂市", "金华市", "株洲市", "梅州市", "莆田市", "许昌市",
          "绵阳市", "岳阳市", "天水市", "庆阳市", "芜湖市", "中山市", "晋江市", "荥阳市", "衡阳市", "攀枝花市"]
KINDS = ["人民医院", "中医医院", "妇幼保健院", "疾病预防控制中心", "卫生健康委员会", "教育局", "第一中学",
         "职业中等专业学校", "交通运输局", "市场监督管理局", "司法局", "人民检察院", "融媒体中心",
         "城市建设投资集团有限公司", "文化和旅游局", "总工会", "农业农村局", "应急管理局"]
HEADING = re.compile(r"^\s*(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\([一二三四五六七八九十]+\))")


def sample_issuers() -> list[str]:
    import notice_nlp
    return [notice_nlp.tag_file(p, model="keywords").meta.get("issuer") or "" for p in SAMPLES]


def make_notices(folder: Path, n: int) -> tuple[int, int]:
    """n varied copies of the samples in folder; returns (characters, institutions)."""
    texts = [p.read_text("utf-8") for p in SAMPLES]
    issuers = sample_issuers()
    seen, chars, institutions = set(), 0, set()
    rng = random.Random(17)
    for i in range(n):
        base, issuer = texts[i % len(texts)], issuers[i % len(texts)]
        while True:
            city, kind = rng.choice(CITIES), rng.choice(KINDS)
            name = f"中共{city}{kind}委员会"
            shift = rng.randrange(3)
            text = base.replace(issuer, name) if issuer else f"{name}\n{base}"
            text = re.sub(r"(20[12]\d)(?=\s*年)", lambda m: str(int(m.group(1)) + shift), text)
            lines = [line for line in text.splitlines()
                     if len(line) < 30 or HEADING.match(line) or rng.random() > 0.1]
            text = "\n".join(lines) + "\n"
            digest = hashlib.sha256(text.encode()).hexdigest()
            if digest not in seen:
                break
        seen.add(digest)
        institutions.add(name)
        (folder / f"notice{i:05d}.txt").write_text(text, "utf-8")
        chars += len(text)
    return chars, len(institutions)


class PeakMemory:
    """Peak RSS of a process and its descendants, sampled in a thread."""

    def __init__(self, pid: int, every: float = 0.1):
        import psutil
        self.psutil, self.root = psutil, psutil.Process(pid)
        self.peaks: dict[int, tuple[int, str]] = {}
        self.every, self.done = every, threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while not self.done.is_set():
            try:
                procs = [self.root, *self.root.children(recursive=True)]
            except self.psutil.Error:
                return
            for proc in procs:
                try:
                    rss = proc.memory_info().rss
                    if rss > self.peaks.get(proc.pid, (0, ""))[0]:
                        self.peaks[proc.pid] = (rss, self.peaks.get(proc.pid, (0, ""))[1] or _role(proc, self.root))
                except self.psutil.Error:
                    pass
            self.done.wait(self.every)

    def stop(self) -> dict[int, tuple[int, str]]:
        self.done.set()
        self.thread.join()
        return self.peaks


def _role(proc, root) -> str:
    if proc.pid == root.pid:
        return "main"
    try:
        cmd = " ".join(proc.cmdline())
    except Exception:
        return "child"
    if "resource_tracker" in cmd or "semaphore_tracker" in cmd:
        return "resource_tracker"
    if "forkserver" in cmd and proc.ppid() == root.pid:  # its children are the workers, forked from it
        return "forkserver"
    return "worker"


def run(cmd: list[str]) -> tuple[float, dict]:
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    memory = PeakMemory(proc.pid)
    out, err = proc.communicate()
    seconds = time.perf_counter() - started
    peaks = memory.stop()
    if proc.returncode not in (0,):
        sys.exit(f"{' '.join(cmd[3:])} failed (exit {proc.returncode}):\n{err[-3000:]}")
    return seconds, peaks


def rows(folder: Path, table: str) -> int:
    import pyarrow.parquet as pq
    return sum(pq.ParquetFile(p).metadata.num_rows for p in (folder / table).glob("part-*.parquet"))


RUNS = {"single": "single process", "jobs": "--jobs 2", "dask": "--dask local:2"}


def mb(n: int) -> str:
    return f"{n / 2**20:.0f} MB"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notices", type=int, default=1000, help="notices to make and tag (default 1,000)")
    parser.add_argument("--model", help="model folder or 'keywords' (default: the bundled model)")
    parser.add_argument("--keep", help="keep the notices, tables and report in this folder")
    parser.add_argument("--runs", default="single,jobs,dask",
                        help="which runs, comma-separated (default all three; the report needs single)")
    args = parser.parse_args()
    chosen = {RUNS[name] for name in args.runs.split(",")}
    tmp = tempfile.TemporaryDirectory(prefix="bench-corpus-")
    work = Path(args.keep or tmp.name)
    notices = work / "notices"
    notices.mkdir(parents=True, exist_ok=True)
    chars, institutions = make_notices(notices, args.notices)
    model = ["--model", args.model] if args.model else []
    base = [sys.executable, "-m", "notice_nlp", "tag", str(notices), "--format", "parquet", "--quiet",
            "--as-of", "2025-10-01", *model]
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"{args.notices} notices ({institutions} institutions, {chars:,} characters) made from "
          f"{len(SAMPLES)} samples; model: {args.model or 'bundled'}; {os.cpu_count()} cores, load {load:.1f}")
    results = {}
    for label, extra in (("single process", []), ("--jobs 2", ["--jobs", "2"]), ("--dask local:2", ["--dask", "local:2"])):
        if label not in chosen:
            continue
        out = work / f"tables-{label.strip('-').split()[0]}"
        seconds, peaks = run([*base, "-o", str(out), *extra])
        sentences = rows(out, "sentences")
        results[label] = (seconds, sentences, rows(out, "documents"))
        workers = sorted((rss for rss, role in peaks.values() if role == "worker"), reverse=True)
        main_rss = max((rss for rss, role in peaks.values() if role == "main"), default=0)
        per_worker = ", ".join(mb(r) for r in workers) if workers else f"{mb(main_rss)} (the one process)"
        print(f"{label:15s} {seconds:7.1f} s  {sentences / seconds:7.1f} sentences/s  "
              f"peak memory per worker: {per_worker}; main process {mb(main_rss)}")
    first = next(iter(results.values()))
    same = all(r[1:] == first[1:] for r in results.values())
    print(f"{first[1]} sentences in {first[2]} documents; the runs wrote the same row counts: "
          f"{'yes' if same else 'NO'}")
    if {"--jobs 2", "--dask local:2"} <= set(results):
        jobs, dask = results["--jobs 2"][0], results["--dask local:2"][0]
        print(f"Dask vs --jobs 2: {dask / jobs - 1:+.1%} wall time (target: within +15 %)")
    if "single process" in results:
        report(work)
    if args.keep:
        print(f"kept in {work}")
    tmp.cleanup()


def report(work: Path) -> None:
    """The report over the single-process tables: a fresh process's wall time and the page's size."""
    page = work / "report.html"
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "notice_nlp", "report", str(work / "tables-single"), "-o",
                           str(page), "--as-of", "2025-10-01"], cwd=REPO, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode:
        sys.exit(f"notice-nlp report failed:\n{done.stderr[-3000:]}")
    print(f"report: {seconds:.1f} s (a fresh `notice-nlp report` process), {page.stat().st_size / 2**20:.2f} MB "
          f"(targets ≤ 10 s, ≤ 5 MB)")


if __name__ == "__main__":
    main()
