"""Output writers for ``notice-nlp tag``: json, jsonl, csv, xlsx, html (and parquet, ``output/parquet.py``).

Every writer takes ``docs``, an iterable of document dicts (``Document.to_dict()``)
that is consumed lazily, and ``errors``, a list of error records
(``{"source", "error", "message"}``) that may still grow while ``docs`` is
being consumed: writers read it only once ``docs`` is exhausted. So a batch is
written as its results arrive and never held in memory whole (html excepted:
the viewer renders all documents at once).
"""
from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from ..taxonomy import STATUSES

FORMATS = ("json", "jsonl", "csv", "xlsx", "html", "parquet")
_SUFFIXES = {".json": "json", ".jsonl": "jsonl", ".csv": "csv", ".xlsx": "xlsx", ".html": "html", ".htm": "html",
             ".parquet": "parquet"}
BINARY_FORMATS = {"xlsx"}
FOLDER_FORMATS = {"parquet"}  # -o names a folder of tables, appended to run by run

SENTENCE_COLUMNS = [
    "source", "title", "issuer", "doc_date", "section_index", "section_title",
    "issue_index", "issue_group", "issue_title", "issue_status", "measure_index", "sentence_id", "text",
    "category", "subcategory", "categories", "score", "status",
    "dates", "date_values", "counts", "count_values", "due", "overdue", "start", "end", "producer",
]
ISSUE_COLUMNS = [
    "source", "title", "section_index", "section_title", "issue_index", "issue_group", "issue_title",
    "issue_status", "measures", "sentences", *(f"sentences_{status}" for status in STATUSES), "due", "overdue",
]
META_FIELDS = ["title", "issuer", "inspector", "inspection_period", "feedback_date", "doc_date"]
DOCUMENT_COLUMNS = [
    "source", *META_FIELDS, "phone", "email", "address",
    "sentences", "issues", "issues_completed", "sentences_overdue", "issues_overdue", "as_of",
    "by_category", "by_status", "warnings", "content_sha256", "producer", "model_sha256",
]
ERROR_COLUMNS = ["source", "error", "message"]


def format_for(output: str | None, fmt: str | None) -> str:
    """An explicit --format wins; else the -o suffix; else json."""
    if fmt:
        return fmt
    return _SUFFIXES.get(Path(output).suffix.lower(), "json") if output else "json"


def errors_path(output: str | Path) -> Path:
    """Where csv output puts its error records: ``out.csv`` → ``out.errors.csv``."""
    output = Path(output)
    return output.with_name(output.stem + ".errors.csv")


def write(fmt: str, docs: Iterable[dict], errors: list[dict], stream: IO | None, output: str | None = None):
    """Write in ``fmt`` to ``stream`` (binary for xlsx, else text); ``output`` names the file, if any
    (for parquet, the folder of tables: no stream; returns what ``write_parquet`` returns)."""
    if fmt == "parquet":
        from .parquet import write_parquet
        return write_parquet(docs, errors, output)
    if fmt == "json":
        write_json(docs, errors, stream)
    elif fmt == "jsonl":
        write_jsonl(docs, errors, stream)
    elif fmt == "csv":
        write_csv(docs, errors, stream, errors_path(output) if output else None)
    elif fmt == "xlsx":
        write_xlsx(docs, errors, stream)
    elif fmt == "html":
        write_html(docs, errors, stream)
    else:
        raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")


# --- json / jsonl -----------------------------------------------------------

def write_json(docs: Iterable[dict], errors: list[dict], stream: IO[str]) -> None:
    """``{"documents": [...], "errors": [...]}``, written one document at a time."""
    stream.write('{"documents": [')
    for i, doc in enumerate(docs):
        stream.write(",\n" if i else "\n")
        stream.write(json.dumps(doc, ensure_ascii=False, indent=1))
    stream.write('\n],\n"errors": ')
    stream.write(json.dumps(errors, ensure_ascii=False, indent=1))
    stream.write("}\n")


def write_jsonl(docs: Iterable[dict], errors: list[dict], stream: IO[str]) -> None:
    """One document per line, then (if any failed) one line ``{"errors": [...]}``."""
    for doc in docs:
        stream.write(json.dumps(doc, ensure_ascii=False) + "\n")
    if errors:
        stream.write(json.dumps({"errors": errors}, ensure_ascii=False) + "\n")


# --- flat rows (csv, xlsx) --------------------------------------------------

def sentence_rows(doc: dict) -> Iterator[list]:
    """One row per sentence, in SENTENCE_COLUMNS order."""
    meta = doc.get("meta") or {}
    head = [doc.get("source"), meta.get("title"), meta.get("issuer"), meta.get("doc_date")]
    made_by = producer_line(doc)
    for section in doc["sections"]:
        for issue in section["issues"]:
            where = [section["index"], section["title"], issue["index"], issue.get("group"), issue["title"],
                     issue["status"]]
            for measure in issue["measures"]:
                for s in measure["sentences"]:
                    yield [*head, *where, measure["index"], s["id"], s["text"],
                           s["category"], s["subcategory"], "; ".join(s.get("categories") or []),
                           s["score"], s["status"],
                           _readable(s["dates"], _date_reading), _values(s["dates"], _date_value),
                           _readable(s["counts"], _count_reading), _values(s["counts"], _count_value),
                           s.get("due"), s.get("overdue"), s["start"], s["end"], made_by]


def issue_rows(doc: dict) -> Iterator[list]:
    """One row per issue, in ISSUE_COLUMNS order, with its sentence counts by status."""
    title = (doc.get("meta") or {}).get("title")
    for section in doc["sections"]:
        for issue in section["issues"]:
            statuses = [s["status"] for m in issue["measures"] for s in m["sentences"]]
            yield [doc.get("source"), title, section["index"], section["title"], issue["index"],
                   issue.get("group"), issue["title"], issue["status"], len(issue["measures"]), len(statuses),
                   *(statuses.count(status) for status in STATUSES), issue.get("due"), issue.get("overdue")]


def document_row(doc: dict) -> list:
    """One row per document: meta and summary, in DOCUMENT_COLUMNS order."""
    meta, summary = doc.get("meta") or {}, doc.get("summary") or {}
    contact = meta.get("contact") or {}
    return [doc.get("source"), *(meta.get(f) for f in META_FIELDS),
            contact.get("phone"), contact.get("email"), contact.get("address"),
            summary.get("sentences"), summary.get("issues"), summary.get("issues_completed"),
            summary.get("sentences_overdue"), summary.get("issues_overdue"), doc.get("as_of"),
            _pairs(summary.get("by_category")), _pairs(summary.get("by_status")),
            "; ".join(doc.get("warnings") or []), doc.get("content_sha256"), producer_line(doc),
            (doc.get("producer") or {}).get("model_sha256")]


def producer_line(doc: dict) -> str:
    """``notice_nlp 0.1.0, schema 1, model notice-classifier (bundled) sha256:1a2b3c4d5e6f``."""
    p = doc.get("producer") or {}
    digest = f" sha256:{p['model_sha256'][:12]}" if p.get("model_sha256") else ""
    return f"{p.get('name', 'notice_nlp')} {p.get('version', '?')}, schema {p.get('schema_version', '?')}, " \
           f"model {p.get('model') or 'none'}{digest}"


def error_row(error: dict) -> list:
    return [error.get(c) for c in ERROR_COLUMNS]


def _date_value(span: dict) -> str:
    return "" if span.get("value") is None else str(span["value"])


def _date_reading(span: dict) -> str:
    """The value, flagged when it is a best guess from a garbled date (2025920)."""
    value = _date_value(span)
    return f"{value} (malformed)" if value and span.get("malformed") else value


def _count_value(span: dict) -> str:
    """The bare number; a range (4至6次 → [4, 6]) as ``4-6``."""
    value = span.get("value")
    if isinstance(value, list):
        return "-".join(_number(v) for v in value)
    return "" if value is None else _number(value)


def _count_reading(span: dict) -> str:
    """The number with its unit and qualifier: ``38000人 (more_than)``."""
    value = _count_value(span)
    qualifier = f" ({span['qualifier']})" if span.get("qualifier") else ""
    return f"{value}{span.get('unit') or ''}{qualifier}" if value else ""


def _number(value) -> str:
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)


def _readable(spans: list[dict], value_of) -> str:
    """``2025年3月28日=2025-03-28; 年底=2025-12`` (just the text where the value is unknown)."""
    return "; ".join(f"{s['text']}={value_of(s)}" if value_of(s) else s["text"] for s in spans)


def _values(spans: list[dict], value_of) -> str:
    """The bare values (ISO for dates), aligned with the readable column."""
    return "; ".join(value_of(s) for s in spans)


def _pairs(counts: dict | None) -> str:
    return "; ".join(f"{k}={v}" for k, v in (counts or {}).items())


# --- csv --------------------------------------------------------------------

def write_csv(docs: Iterable[dict], errors: list[dict], stream: IO[str], errors_file: Path | None = None) -> None:
    """One row per sentence. Errors go to ``errors_file`` (``out.errors.csv``) when writing a file.

    Open a file ``stream`` with ``encoding="utf-8-sig", newline=""``: the BOM is
    what makes Excel read the file as UTF-8 (Chinese text otherwise garbles).
    """
    writer = csv.writer(stream)
    writer.writerow(SENTENCE_COLUMNS)
    for doc in docs:
        writer.writerows(map(_inert_row, sentence_rows(doc)))
    if errors_file is None:
        return
    if errors:
        with open(errors_file, "w", encoding="utf-8-sig", newline="") as f:
            csv.writer(f).writerows([ERROR_COLUMNS, *(_inert_row(error_row(e)) for e in errors)])
    elif errors_file.exists():  # a stale list from an earlier run would be mistaken for this run's
        errors_file.unlink()


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _inert_row(row: list) -> list:
    """Text cells that a spreadsheet would run as a formula (=, +, -, @, tab, CR first) get a
    leading apostrophe, the usual guard against CSV formula injection; numbers stay numbers."""
    return [f"'{v}" if isinstance(v, str) and v.startswith(_FORMULA_START) else v for v in row]


# --- xlsx -------------------------------------------------------------------

# Column widths in characters; Chinese characters count about double.
_WIDTHS = {"source": 28, "title": 40, "issuer": 30, "section_title": 30, "issue_group": 30, "issue_title": 40, "text": 80,
           "message": 80, "dates": 30, "counts": 30, "date_values": 20, "count_values": 16, "categories": 24,
           "by_category": 40, "by_status": 40, "warnings": 40, "address": 30, "inspector": 20,
           "inspection_period": 22, "category": 16, "subcategory": 16, "issue_status": 12, "status": 12,
           "due": 12, "as_of": 12, "content_sha256": 20,
           "error": 18, "email": 20, "phone": 16}


def write_xlsx(docs: Iterable[dict], errors: list[dict], stream: IO[bytes]) -> None:
    """Sheets sentences, issues, documents and errors; write-only mode streams rows to disk."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sentences, issues = _Sheet(book, "sentences", SENTENCE_COLUMNS), _Sheet(book, "issues", ISSUE_COLUMNS)
    documents, failed = _Sheet(book, "documents", DOCUMENT_COLUMNS), _Sheet(book, "errors", ERROR_COLUMNS)
    for doc in docs:
        sentences.extend(sentence_rows(doc))
        issues.extend(issue_rows(doc))
        documents.append(document_row(doc))
    failed.extend(map(error_row, errors))
    for sheet in (sentences, issues, documents, failed):
        sheet.close()
    book.save(stream)


class _Sheet:
    """A write-only sheet with a frozen header row, fixed widths and an autofilter."""

    def __init__(self, book, name: str, columns: list[str]):
        self.sheet, self.columns, self.rows = book.create_sheet(name), columns, 0
        # write-only mode writes widths and panes with the first row, so they go first
        for i, column in enumerate(columns, 1):
            self.sheet.column_dimensions[_column_letter(i)].width = _WIDTHS.get(column, max(10, len(column) + 2))
        self.sheet.freeze_panes = "A2"
        self.sheet.append(columns)

    def append(self, row: list) -> None:
        self.sheet.append([self._cell(value) for value in row])
        self.rows += 1

    def extend(self, rows: Iterable[list]) -> None:
        for row in rows:
            self.append(row)

    def close(self) -> None:
        """The autofilter is written after the rows, so it can span them all."""
        self.sheet.auto_filter.ref = f"A1:{_column_letter(len(self.columns))}{self.rows + 1}"

    def _cell(self, value: Any):
        """Strings become literal text cells: openpyxl would take '=…' as a formula,
        and refuses control characters outright."""
        if isinstance(value, (list, dict)):  # a meta field grown richer than text
            value = json.dumps(value, ensure_ascii=False)
        if not isinstance(value, str):
            return value
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

        cell = WriteOnlyCell(self.sheet, ILLEGAL_CHARACTERS_RE.sub("", value)[:32767])  # Excel's cell limit
        cell.data_type = "s"
        return cell


def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter
    return get_column_letter(index)


# --- html -------------------------------------------------------------------

def write_html(docs: Iterable[dict], errors: list[dict], stream: IO[str]) -> None:
    """The viewer page of notice_nlp.view; failed files are reported on stderr only."""
    from .view import render_html
    stream.write(render_html(list(docs)))
