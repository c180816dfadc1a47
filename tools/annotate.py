"""The labeling procedure of the sample set, as commands a user can rerun on their own notices.

    python tools/annotate.py preannotate OUT_DIR   # one JSONL per document, pre-labeled
    python tools/annotate.py check FILE...         # validate, fill span offsets
    python tools/annotate.py assemble              # → data/labeled.jsonl

Pre-annotation runs the pipeline (sentences, contexts) and the keyword baseline;
annotators then read and correct every line. Spans may be written with their
``text`` only: ``check`` finds them in the sentence (left to right) and fills
``start``/``end``.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from notice_nlp.taxonomy import STATUSES, is_valid

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "data"
SOURCES = DATA / "sources" / "web_notices.jsonl"
# Notices found later (same record format), kept apart from the shared corpus copy.
MORE_SOURCES = DATA / "sources" / "more_notices.jsonl"
# Annotators mark a pipeline sentence that is not a measure (a heading, preamble or page
# chrome the parser let through) with this category; such lines stay out of the set.
NOT_A_MEASURE = "DROP"
SAMPLES = DATA / "samples"
DATE_TYPES = {"date", "month", "year", "part", "range", "deadline", "frequency", "relative"}
QUALIFIERS = {None, "more_than", "about", "nearly", "at_least", "at_most"}


def source_documents() -> list[dict]:
    """Every source document of the sample set: the bundled seeds and web notices."""
    docs = [{"doc_id": p.stem, "text": p.read_text("utf-8"), "doc_date": None,
             "source": f"data/samples/{p.name}", "institution": None, "sector": "health", "url": None}
            for p in sorted(SAMPLES.glob("*.txt"))]
    for path in (SOURCES, MORE_SOURCES):
        if path.is_file():
            docs += [{**doc, "source": str(path.relative_to(REPO))} for doc in read_sources(path)]
    return docs


def document_sentences(doc: dict, model: str | None = "keywords") -> list[dict]:
    """The pipeline's sentences of one source document, as labeled-set records."""
    from notice_nlp.pipeline import tag
    tagged = tag(doc["text"], doc_date=doc["doc_date"], model=model)
    return [{"id": f"{doc['doc_id']}-{s.id}", "doc_id": doc["doc_id"], "text": s.text,
             "context": s.context, "category": s.category, "subcategory": s.subcategory,
             "categories": s.categories, "status": s.status,
             "dates": s.in_sentence(s.dates), "counts": s.in_sentence(s.counts),
             "doc_date": tagged.meta.get("doc_date")}
            for s in tagged.sentences]


def read_sources(path: Path) -> list[dict]:
    """Documents of a web-notices style JSONL file (id, url, institution, sector, date, text)."""
    docs = []
    for line in path.read_text("utf-8").splitlines():
        if line.strip():
            rec = json.loads(line)
            docs.append({"doc_id": rec["id"], "text": rec["text"], "doc_date": rec.get("date"),
                         "source": str(path), "institution": rec.get("institution"),
                         "sector": rec.get("sector"), "url": rec.get("url")})
    return docs


def preannotate(out_dir: Path, sources: Path | None = None, model: str | None = "keywords") -> None:
    """One JSONL per document, pre-labeled by ``model`` (the keyword baseline by default)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    for doc in (read_sources(sources) if sources else source_documents()):
        rows = document_sentences(doc, model=model)
        with open(out_dir / f"{doc['doc_id']}.jsonl", "w", encoding="utf-8") as fh:
            for row in rows:
                fh.write(json.dumps(row, ensure_ascii=False) + "\n")


def check_record(rec: dict) -> list[str]:
    """Problems of one labeled record; fills missing span offsets in place."""
    problems = []
    if not is_valid(rec.get("category", ""), rec.get("subcategory")):
        problems.append(f"bad category/subcategory {rec.get('category')}.{rec.get('subcategory')}")
    cats = rec.get("categories") or []
    if not cats or cats[0] != rec.get("category") or len(cats) > 3 or not all(is_valid(c) for c in cats):
        problems.append(f"categories must start with the primary category, ≤3 valid codes: {cats}")
    if rec.get("category") == NOT_A_MEASURE:
        return []
    if rec.get("status") not in STATUSES:
        problems.append(f"bad status {rec.get('status')!r}")
    for kind in ("dates", "counts"):
        problems += _place_spans(rec, kind)
    return problems


def _place_spans(rec: dict, kind: str) -> list[str]:
    problems, cursor = [], 0
    for span in rec.get(kind, []):
        if "start" not in span or rec["text"][span["start"]:span["end"]] != span["text"]:
            at = rec["text"].find(span["text"], cursor)
            if at < 0:
                at = rec["text"].find(span["text"])
            if at < 0:
                problems.append(f"{kind} span {span['text']!r} not in the sentence")
                continue
            span["start"], span["end"] = at, at + len(span["text"])
        cursor = span["end"]
        if kind == "dates" and span.get("type") not in DATE_TYPES:
            problems.append(f"bad date type {span.get('type')!r}")
        if kind == "counts" and span.get("qualifier") not in QUALIFIERS:
            problems.append(f"bad qualifier {span.get('qualifier')!r}")
    rec[kind] = sorted(rec.get(kind, []), key=lambda s: s.get("start", 0))
    return problems


def check_files(paths: list[Path]) -> int:
    bad = 0
    for path in paths:
        rows = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
        for row in rows:
            for problem in check_record(row):
                bad += 1
                print(f"{path.name} {row.get('id')}: {problem}")
        path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    print(f"{len(paths)} file(s), {bad} problem(s)")
    return 1 if bad else 0


def align(rows: list[dict], current: list[dict]) -> tuple[list[dict], list[dict], list[dict]]:
    """Carry labels from annotated rows onto the pipeline's current sentences.

    The splitter may have improved since annotation (a label such as 整改情况：
    stripped, a status line cut off, a stray line dropped): a current sentence takes
    the labels of the next annotated row whose text ends or starts with it.
    Returns (aligned, unlabeled, dropped).
    """
    aligned, unlabeled, cursor = [], [], 0
    used = set()
    for sentence in current:
        k = next((i for i in range(cursor, len(rows))
                  if rows[i]["text"].endswith(sentence["text"]) or rows[i]["text"].startswith(sentence["text"])), None)
        if k is None:
            unlabeled.append(sentence)
            continue
        labels = {key: rows[k][key] for key in ("category", "subcategory", "categories", "status", "dates", "counts")}
        labels["dates"] = [{key: v for key, v in span.items() if key not in ("start", "end")} for span in labels["dates"]]
        labels["counts"] = [{key: v for key, v in span.items() if key not in ("start", "end")} for span in labels["counts"]]
        aligned.append({**sentence, **labels})
        used.add(k)
        cursor = k + 1
    dropped = [row for i, row in enumerate(rows) if i not in used]
    return aligned, unlabeled, dropped


def assemble(annotation_dir: Path = DATA / "annotation") -> None:
    """Annotated documents → data/labeled.jsonl (+ provenance, year context) and data/splits.json."""
    from notice_nlp.dataset import LABELED, SPLITS, extend_splits, make_splits

    docs = {d["doc_id"]: d for d in source_documents()}
    records, not_measures = [], 0
    for doc_id, doc in docs.items():
        path = annotation_dir / f"{doc_id}.jsonl"
        rows = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
        rows, unlabeled, dropped = align(rows, document_sentences(doc))
        if unlabeled:
            raise SystemExit(f"{doc_id}: {len(unlabeled)} sentence(s) have no labels yet, e.g. "
                             f"{unlabeled[0]['text'][:40]!r}; label them in {path}")
        for row in dropped:
            print(f"{doc_id}: dropped {row['id']} (no longer a sentence): {row['text'][:40]!r}")
        years = _year_context(doc)
        not_measures += sum(row["category"] == NOT_A_MEASURE for row in rows)
        for row in (row for row in rows if row["category"] != NOT_A_MEASURE):
            problems = check_record(row)
            if problems:
                raise SystemExit(f"{row['id']}: {problems}")
            sentence_id = row["id"].rsplit("-", 1)[1]
            row.update({"year": years.get(sentence_id), "institution": doc["institution"],
                        "sector": doc["sector"], "url": doc["url"], "source": doc["source"]})
            records.append(row)
    LABELED.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), "utf-8")
    if SPLITS.is_file():  # documents keep their split; only new ones are drawn
        splits = extend_splits(json.loads(SPLITS.read_text("utf-8")), records, list(docs.values()))
    else:
        splits = make_splits(records, list(docs.values()))
    SPLITS.write_text(json.dumps(splits, indent=1) + "\n", "utf-8")
    print(f"{len(records)} sentences from {len(docs)} documents → {LABELED}, {SPLITS} "
          f"({not_measures} pipeline sentences marked {NOT_A_MEASURE}: not measures)")


def _year_context(doc: dict) -> dict[str, int | None]:
    """Per sentence id: the nearest explicit year before it in the document (taxonomy §3)."""
    from bisect import bisect_right
    from notice_nlp.tagging.dates import explicit_years
    from notice_nlp.pipeline import tag

    tagged = tag(doc["text"], doc_date=doc["doc_date"], model="keywords")
    years = explicit_years(tagged.text)
    ends = [end for end, _ in years]
    out = {}
    for s in tagged.sentences:
        k = bisect_right(ends, s.start)
        out[s.id] = years[k - 1][1] if k else None
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python tools/annotate.py")
    sub = parser.add_subparsers(dest="cmd", required=True)
    pre = sub.add_parser("preannotate")
    pre.add_argument("out_dir", type=Path)
    pre.add_argument("--sources", type=Path, help="a JSONL of notices (id, url, institution, sector, date, text)")
    pre.add_argument("--model", default="keywords", help="'keywords' (default), 'bundled', or a model folder")
    sub.add_parser("check").add_argument("files", nargs="+", type=Path)
    sub.add_parser("assemble")
    args = parser.parse_args(argv)
    if args.cmd == "preannotate":
        preannotate(args.out_dir, args.sources, None if args.model == "bundled" else args.model)
        return 0
    if args.cmd == "assemble":
        assemble()
        return 0
    return check_files(args.files)


if __name__ == "__main__":
    sys.exit(main())
