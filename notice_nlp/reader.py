"""Stage 1: read a notice file into raw text.

The encoding of a text file is detected from its bytes (BOMs, then
charset-normalizer), never guessed from the extension. Each format has one
reader; every failure becomes a NoticeError subclass that says what to do.
"""
from __future__ import annotations

import codecs
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from .errors import (CorruptFile, DecodeError, DocumentTooLarge, EmptyDocument, NeedsOCR,
                     NoticeFileNotFound, UnsupportedFormat)

DEFAULT_MAX_CHARS = 2_000_000
# Bytes per character are at most 4 in any supported encoding; files above this
# many bytes are refused before they are read into memory.
_BYTES_PER_CHAR = 4
_BOMS = [(codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF32_LE, "utf-32"),
         (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF16_LE, "utf-16"),
         (codecs.BOM_UTF16_BE, "utf-16")]
SUPPORTED = {".txt", ".text", ".md", ".docx", ".html", ".htm", ".pdf"}


@dataclass
class RawText:
    text: str
    encoding: str | None = None
    warnings: list[str] = field(default_factory=list)


def read_file(path: str | Path, max_chars: int = DEFAULT_MAX_CHARS) -> RawText:
    """Read a .txt/.docx/.html/.pdf notice into text."""
    path = Path(path)
    if not path.exists():
        raise NoticeFileNotFound(f"{path}: no such file; check the path")
    if not path.is_file():
        raise NoticeFileNotFound(f"{path}: not a regular file (a folder?); pass a file")
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED:
        raise UnsupportedFormat(
            f"{path}: unsupported file type {suffix or '(none)'}; "
            f"supported: {', '.join(sorted(SUPPORTED))} — convert it (e.g. .doc → .docx) first")
    if path.stat().st_size > max_chars * _BYTES_PER_CHAR:
        raise DocumentTooLarge(_too_large(path, max_chars))
    data = path.read_bytes()
    if suffix == ".docx":
        raw = RawText(_docx_text(data, path))
    elif suffix in {".html", ".htm"}:
        raw = _html_text(data, path)
    elif suffix == ".pdf":
        raw = RawText(_pdf_text(data, path))
    else:
        raw = decode_bytes(data, str(path))
    check_text(raw.text, str(path), max_chars)
    return raw


def check_text(text: str, name: str, max_chars: int = DEFAULT_MAX_CHARS) -> None:
    if not text.strip():
        raise EmptyDocument(f"{name}: the document holds no text (empty or whitespace only)")
    if len(text) > max_chars:
        raise DocumentTooLarge(_too_large(name, max_chars))


def _too_large(name, max_chars: int) -> str:
    return (f"{name}: longer than the limit of {max_chars:,} characters; "
            "raise it with max_chars= (CLI: --max-chars) if the file really is one notice")


def decode_bytes(data: bytes, name: str = "<bytes>") -> RawText:
    """Decode text bytes: BOM first, then strict candidates, then detection."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return RawText(data.decode(encoding, errors="replace"), encoding)
    # UTF-8 first: UTF-16 or GBK bytes are almost never valid UTF-8. UTF-16 without
    # a BOM shows itself by NUL bytes (newlines, digits), which GBK text never has.
    try:
        return RawText(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    has_nul = b"\x00" in data[:4096]
    utf16 = _utf16_variant(data) if has_nul else None
    if utf16:
        return RawText(data.decode(utf16, errors="replace"), utf16)
    if has_nul:
        raise DecodeError(f"{name}: looks binary (NUL bytes), not a text notice; "
                          "pass the original .txt/.docx/.html/.pdf file")
    try:
        return RawText(data.decode("gb18030"), "gb18030")
    except UnicodeDecodeError:
        return _best_effort(data, name)


def _utf16_variant(data: bytes) -> str | None:
    """UTF-16 without BOM: the byte order under which most characters are CJK or ASCII text."""
    sample = data[:4096][: len(data[:4096]) // 2 * 2]
    if len(sample) < 4:
        return None
    best, best_share = None, 0.6
    for encoding in ("utf-16-le", "utf-16-be"):
        text = sample.decode(encoding, errors="replace")
        share = sum("\u4e00" <= ch <= "\u9fff" or ch in "\n\r\t" or " " <= ch <= "~" or
                    "\u3000" <= ch <= "\u303f" or "\uff00" <= ch <= "\uffef" for ch in text) / len(text)
        if share > best_share:
            best, best_share = encoding, share
    return best


def _best_effort(data: bytes, name: str) -> RawText:
    """Some bytes are bad: decode with replacement and say so (never drop text silently)."""
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    encoding = best.encoding if best else "utf-8"
    if encoding not in {"utf_8", "utf-8", "gb18030", "gbk", "gb2312", "big5", "utf_16", "utf_16_le", "utf_16_be"}:
        encoding = _most_plausible(data)
    text = data.decode(encoding, errors="replace")
    bad = text.count("\ufffd")
    if bad > max(16, len(text) // 10):
        raise DecodeError(f"{name}: cannot be decoded as UTF-8, GBK/GB18030 or UTF-16 "
                          f"({bad} undecodable characters); save it as UTF-8 and retry")
    return RawText(text, encoding, [f"{bad} undecodable byte sequence(s) replaced by U+FFFD ({encoding})"])


def _most_plausible(data: bytes) -> str:
    def damage(encoding):
        return data.decode(encoding, errors="replace").count("\ufffd")
    return min(["utf-8", "gb18030"], key=damage)


def _docx_text(data: bytes, path: Path) -> str:
    """Paragraphs and table cells in reading order."""
    try:
        import docx
        from docx.oxml.ns import qn
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise CorruptFile(f"{path}: not a readable Word .docx file ({exc.__class__.__name__}); "
                          "it may be truncated, password-protected or an old .doc — re-save it as .docx") from exc
    except Exception as exc:  # python-docx raises assorted lxml/opc errors on damaged files
        raise CorruptFile(f"{path}: damaged .docx ({exc}); re-save it from Word as .docx") from exc
    lines = []
    for block in document.element.body.iterchildren():
        if block.tag == qn("w:p"):
            lines.append("".join(node.text or "" for node in block.iter(qn("w:t"))))
        elif block.tag == qn("w:tbl"):
            for row in block.iter(qn("w:tr")):
                cells = ["".join(t.text or "" for t in cell.iter(qn("w:t"))) for cell in row.iter(qn("w:tc"))]
                lines.append(" ".join(c for c in cells if c))
    return "\n".join(lines)


def _html_text(data: bytes, path: Path) -> RawText:
    """Honour the declared charset when it decodes; drop script/style/navigation."""
    from bs4 import BeautifulSoup
    from bs4.dammit import EncodingDetector

    declared = EncodingDetector.find_declared_encoding(data, is_html=True)
    raw = None
    if declared:
        try:
            raw = RawText(data.decode(declared), declared)
        except (UnicodeDecodeError, LookupError):
            raw = None
    raw = raw or decode_bytes(data, str(path))
    try:
        soup = BeautifulSoup(raw.text, "lxml")
    except Exception as exc:
        raise CorruptFile(f"{path}: HTML could not be parsed ({exc})") from exc
    for tag in soup(["script", "style", "noscript", "nav", "header", "footer", "iframe", "form", "select"]):
        tag.decompose()
    return RawText(soup.get_text("\n"), raw.encoding, raw.warnings)


def _pdf_text(data: bytes, path: Path) -> str:
    from pdfminer.high_level import extract_text
    from pdfminer.pdfdocument import PDFPasswordIncorrect, PDFEncryptionError
    from pdfminer.pdfparser import PDFSyntaxError

    try:
        text = extract_text(io.BytesIO(data))
    except (PDFPasswordIncorrect, PDFEncryptionError) as exc:
        raise CorruptFile(f"{path}: the PDF is encrypted; save an unprotected copy first") from exc
    except PDFSyntaxError as exc:
        raise CorruptFile(f"{path}: damaged or truncated PDF ({exc}); get a complete copy") from exc
    except Exception as exc:
        raise CorruptFile(f"{path}: the PDF could not be read ({exc.__class__.__name__}: {exc})") from exc
    if not text.strip():
        raise NeedsOCR(f"{path}: the PDF has no text layer (a scan); run OCR on it "
                       "(e.g. ocrmypdf) and tag the result")
    return text
