"""Stage 1: read a notice file into raw text.

The encoding of a text file is detected from its bytes (BOMs, then
charset-normalizer), never guessed from the extension. Each format has one
reader; every failure becomes a NoticeError subclass that says what to do.
"""
from __future__ import annotations

import codecs
import io
import logging
import os
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import (CorruptFile, DecodeError, DocumentTooLarge, EmptyDocument, FileUnreadable, NeedsOCR,
                     NoticeError, NoticeFileNotFound, NoticeTypeError, UnsupportedFormat)

DEFAULT_MAX_CHARS = 2_000_000
# Bytes per character are at most 4 in any supported encoding; text files above this
# many bytes are refused before they are read into memory. (A .docx or .pdf is
# mostly not text — images, fonts — so its size says nothing: those are bounded
# while their text is extracted instead.)
_BYTES_PER_CHAR = 4
_TEXT_SUFFIXES = {".txt", ".text", ".md"}
# A web page adds markup (scripts, styles, navigation) to its text: this much on top.
_HTML_MARKUP_BYTES = 16_000_000
# Word XML per character of text is far below this; more is a zip bomb or not one notice.
# (Styles, numbering and theme parts add a fixed amount: hence the floor.)
_DOCX_XML_BYTES_PER_CHAR = 100
_DOCX_XML_FLOOR = 16_000_000
_OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
# A few stray NUL bytes (a damaged copy) are dropped; many control bytes mean a binary file.
_MAX_STRAY_CONTROLS = 16
_CONTROL_BYTES = bytes(b for b in range(32) if b not in b"\t\n\r\x0c")
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
    if isinstance(path, bytes):
        path = os.fsdecode(path)
    if not isinstance(path, (str, os.PathLike)):
        raise NoticeTypeError(f"a file path (str or pathlib.Path) is needed, got {type(path).__name__}; "
                              "for text use notice_nlp.tag(text)")
    path = Path(path)
    try:
        if not path.exists():
            raise NoticeFileNotFound(f"{path}: no such file; check the path")
        if not path.is_file():
            raise NoticeFileNotFound(f"{path}: not a regular file (a folder?); pass a file")
        size = path.stat().st_size
    except OSError as exc:
        if isinstance(exc, NoticeError):
            raise
        raise FileUnreadable(_unreadable(path, exc)) from exc
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED:
        raise UnsupportedFormat(
            f"{path}: unsupported file type {suffix or '(none)'}; "
            f"supported: {', '.join(sorted(SUPPORTED))} — convert it (e.g. .doc → .docx) first")
    if suffix in _TEXT_SUFFIXES and size > max_chars * _BYTES_PER_CHAR:
        raise DocumentTooLarge(_too_large(path, max_chars))
    if suffix in {".html", ".htm"} and size > max_chars * _BYTES_PER_CHAR + _HTML_MARKUP_BYTES:
        raise DocumentTooLarge(f"{path}: {size:,} bytes, more than a page holding a notice within the limit "
                               f"of {max_chars:,} characters can need; raise it with max_chars= "
                               "(CLI: --max-chars) if the page really is one notice")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise FileUnreadable(_unreadable(path, exc)) from exc
    if suffix == ".docx":
        raw = _docx_text(data, path, max_chars)
    elif suffix in {".html", ".htm"}:
        raw = _html_text(data, path)
    elif suffix == ".pdf":
        raw = _pdf_text(data, path, max_chars)
    else:
        raw = decode_bytes(data, str(path))
    check_text(raw.text, str(path), max_chars)
    return raw


def _unreadable(path: Path, exc: OSError) -> str:
    return (f"{path}: cannot be read ({exc.strerror or exc}); check the name, the file's permissions "
            "and that its disk is readable")


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
            return _decode_flagged(data, encoding)
    # UTF-8 first: UTF-16 or GBK bytes are almost never valid UTF-8. UTF-16 without
    # a BOM shows itself by NUL bytes (newlines, digits), which GBK text never has.
    try:
        return RawText(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    has_nul = b"\x00" in data[:4096]
    utf16 = _utf16_variant(data) if has_nul else None
    if utf16:
        return _decode_flagged(data, utf16)
    nuls = data.count(b"\x00")
    controls = len(data) - len(data.translate(None, _CONTROL_BYTES))
    if controls > max(_MAX_STRAY_CONTROLS, len(data) // 100):
        raise DecodeError(f"{name}: looks binary (NUL and control bytes), not a text notice; "
                          "pass the original .txt/.docx/.html/.pdf file")
    if nuls:
        raw = decode_bytes(data.replace(b"\x00", b""), name)
        raw.warnings.insert(0, f"{nuls} stray NUL byte(s) removed (a damaged copy?)")
        return raw
    try:
        return RawText(data.decode("gb18030"), "gb18030")
    except UnicodeDecodeError:
        return _best_effort(data, name)


def _decode_flagged(data: bytes, encoding: str) -> RawText:
    """Decode in a known encoding; bad bytes become U+FFFD, and a warning says how many."""
    try:
        return RawText(data.decode(encoding), encoding)
    except UnicodeDecodeError:
        text = data.decode(encoding, errors="replace")
    bad = text.count("\ufffd")
    return RawText(text, encoding, [f"{bad} undecodable byte sequence(s) replaced by U+FFFD ({encoding})"])


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
    guess = best.encoding if best else None
    candidates = ["utf-8", "gb18030"]
    if guess in {"big5", "utf_16", "utf_16_le", "utf_16_be"}:
        candidates.insert(0, guess)
    # charset-normalizer gives up (None) on GBK text with a bad byte or two: the
    # candidate that leaves the fewest replacement characters is the best guess.
    encoding = _most_plausible(data, candidates)
    text = data.decode(encoding, errors="replace")
    bad = text.count("\ufffd")
    if bad > max(16, len(text) // 10):
        raise DecodeError(f"{name}: cannot be decoded as UTF-8, GBK/GB18030 or UTF-16 "
                          f"({bad} undecodable characters); save it as UTF-8 and retry")
    return RawText(text, encoding, [f"{bad} undecodable byte sequence(s) replaced by U+FFFD ({encoding})"])


def _most_plausible(data: bytes, candidates: list[str]) -> str:
    def damage(encoding):
        return data.decode(encoding, errors="replace").count("\ufffd")
    return min(candidates, key=damage)


def _docx_text(data: bytes, path: Path, max_chars: int = DEFAULT_MAX_CHARS) -> RawText:
    """Paragraphs and table cells in reading order."""
    import docx

    _check_docx_container(data, path, max_chars)
    warnings = []
    try:
        body = docx.Document(io.BytesIO(data)).element.body
    except Exception as exc:  # python-docx raises assorted zip/lxml/opc errors on damaged files
        # python-docx parses every part (styles, settings …); one damaged part loses the
        # whole file. The text lives in word/document.xml alone: read it directly.
        body = _salvage_docx_body(data)
        if body is None:
            raise CorruptFile(f"{path}: damaged .docx ({exc.__class__.__name__}: {exc}); "
                              "re-save it from Word as .docx") from exc
        warnings.append(f"damaged .docx ({exc.__class__.__name__}: {str(exc)[:120]}); its text was read "
                        "from word/document.xml directly — check it against the original")
    return RawText("\n".join(_docx_lines(body)), None, warnings)


def _docx_lines(body) -> list[str]:
    from docx.oxml.ns import qn

    lines = []
    blocks = list(reversed(list(body.iterchildren())))  # a stack: the next block is last
    while blocks:
        block = blocks.pop()
        if block.tag == qn("w:p"):
            lines.append("".join(node.text or "" for node in block.iter(qn("w:t"))))
        elif block.tag == qn("w:tbl"):
            for row in block.iterchildren(qn("w:tr")):  # a nested table stays inside its cell
                cells = ["".join(t.text or "" for t in cell.iter(qn("w:t")))
                         for cell in row.iterchildren(qn("w:tc"))]
                lines.append(" ".join(c for c in cells if c))
        elif block.tag == qn("w:sdt"):  # a content control (Word templates): its blocks, in place
            content = block.find(qn("w:sdtContent"))
            blocks.extend(reversed(list(content.iterchildren())) if content is not None else [])
    return lines


def _salvage_docx_body(data: bytes):
    """The w:body of word/document.xml, parsed leniently; None if there is none to read."""
    from docx.oxml.ns import qn
    from lxml import etree

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            xml = archive.read("word/document.xml")
    except Exception:  # missing part, bad CRC, broken deflate stream: nothing to salvage
        return None
    parser = etree.XMLParser(recover=True, resolve_entities=False, no_network=True)
    try:
        root = etree.fromstring(xml, parser)
    except etree.XMLSyntaxError:
        return None
    return None if root is None else root.find(qn("w:body"))


def _check_docx_container(data: bytes, path: Path, max_chars: int) -> None:
    """Say what a file named .docx really is before python-docx trips over it."""
    if data.startswith(_OLE_MAGIC):
        raise CorruptFile(f"{path}: an OLE compound file, not a .docx zip: either a password-protected "
                          "(encrypted) Word file or an old binary .doc renamed; remove the password or "
                          "save it from Word as .docx, then retry")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise CorruptFile(f"{path}: not a readable Word .docx file (not a complete zip archive: {exc}); "
                          "it may be truncated or not a Word file — get a complete copy or re-save it as .docx") from exc
    with archive:
        names = set(archive.namelist())
        if not any(n.startswith("word/") for n in names):
            raise CorruptFile(f"{path}: a zip archive but not a Word document (no word/ part); "
                              "pass the .docx itself, not another zipped file")
        xml_bytes = sum(info.file_size for info in archive.infolist() if info.filename.endswith(".xml"))
    if xml_bytes > max(max_chars * _DOCX_XML_BYTES_PER_CHAR, _DOCX_XML_FLOOR):
        raise DocumentTooLarge(f"{path}: its Word XML unpacks to {xml_bytes:,} bytes, more than a document "
                               f"within the limit of {max_chars:,} characters can hold; raise it with "
                               "max_chars= (CLI: --max-chars) if the file really is one notice")


# Declared charsets worth trusting over detection: multi-byte Chinese ones (GB2312 and GBK
# pages are read as GB18030, their superset). Anything else (ISO-8859-1, windows-1252,
# a UTF-16 that ASCII markup contradicts) decodes Chinese bytes into silent mojibake.
_TRUSTED_CHARSETS = {"gb2312": "gb18030", "gbk": "gb18030", "gb18030": "gb18030",
                     "big5": "big5", "big5hkscs": "big5hkscs", "cp950": "cp950"}


def _html_text(data: bytes, path: Path) -> RawText:
    """Trust a declared Chinese charset when it decodes; drop script/style/navigation."""
    from bs4 import BeautifulSoup
    from bs4.dammit import EncodingDetector

    declared = EncodingDetector.find_declared_encoding(data, is_html=True)
    codec = _codec_name(declared)
    raw = None
    if codec in _TRUSTED_CHARSETS and not _is_utf8(data):
        try:
            raw = RawText(data.decode(_TRUSTED_CHARSETS[codec]), _TRUSTED_CHARSETS[codec])
        except UnicodeDecodeError:
            raw = None
    raw = raw or decode_bytes(data, str(path))
    if declared and not data.isascii() and _family(codec) != _family(_codec_name(raw.encoding)):
        raw.warnings.append(f"declared charset {declared!r} does not match the bytes; read as {raw.encoding}")
    try:
        soup = BeautifulSoup(raw.text, "lxml")
    except Exception as exc:
        raise CorruptFile(f"{path}: HTML could not be parsed ({exc})") from exc
    for tag in soup(["script", "style", "noscript", "nav", "header", "footer", "iframe", "form", "select"]):
        tag.decompose()
    return RawText(soup.get_text("\n"), raw.encoding, raw.warnings)


def _codec_name(name: str | None) -> str | None:
    try:
        return codecs.lookup(name).name if name else None
    except LookupError:
        return None


def _family(codec: str | None) -> str | None:
    if codec in {"gb2312", "gbk", "gb18030"}:
        return "gb"
    if codec and codec.startswith("utf-8"):
        return "utf-8"
    return codec


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


# pdfminer writes "(cid:42)" for a glyph its font maps to no character (no ToUnicode map).
_PDF_UNMAPPED = re.compile(r"\(cid:\d+\)")


def _pdf_text(data: bytes, path: Path, max_chars: int = DEFAULT_MAX_CHARS) -> RawText:
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFSyntaxError
    from pdfminer.psparser import PSEOF

    problems = _LogRecords()
    pdfminer_log = logging.getLogger("pdfminer")
    pdfminer_log.addHandler(problems)
    try:
        text = _pdf_pages_text(data, path, max_chars)
    except (PDFPasswordIncorrect, PDFEncryptionError) as exc:
        raise CorruptFile(f"{path}: the PDF is encrypted (password-protected); "
                          "save an unprotected copy first") from exc
    except (PDFSyntaxError, PSEOF) as exc:
        raise CorruptFile(f"{path}: damaged or truncated PDF ({exc.__class__.__name__}: {exc}); "
                          "get a complete copy") from exc
    except NoticeError:
        raise
    except Exception as exc:  # pdfminer raises assorted errors on damaged files
        raise CorruptFile(f"{path}: the PDF could not be read ({exc.__class__.__name__}: {exc}); "
                          "it is probably damaged — get a complete copy or re-export it") from exc
    finally:
        pdfminer_log.removeHandler(problems)
    text, unmapped = _PDF_UNMAPPED.subn("\ufffd", text)
    if not text.strip() and problems.messages:
        raise CorruptFile(f"{path}: damaged PDF: no text could be read ({problems.messages[0][:120]}); "
                          "get a complete copy or re-export it")
    if not text.strip():
        raise NeedsOCR(f"{path}: the PDF has no text layer (a scan); run OCR on it "
                       "(e.g. ocrmypdf) and tag the result")
    if unmapped > sum(not ch.isspace() for ch in text) // 2:
        raise NeedsOCR(f"{path}: the PDF's fonts map {unmapped} of its characters to no text "
                       "(no ToUnicode map), so its text layer is unusable; run OCR on it "
                       "(e.g. ocrmypdf --force-ocr) and tag the result")
    warnings = []
    if unmapped:
        warnings.append(f"{unmapped} PDF glyph(s) map to no character (the font has no Unicode map); "
                        "each is U+FFFD in the text")
    if problems.messages:
        warnings.append(f"the PDF is damaged ({len(problems.messages)} problem(s) worked around, first: "
                        f"{problems.messages[0][:120]}); some text may be missing — compare with the original")
    return RawText(text, None, warnings)


class _LogRecords(logging.Handler):
    """Collects pdfminer's warnings: the damage it repaired is worth a flag on the document."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def _pdf_pages_text(data: bytes, path: Path, max_chars: int) -> str:
    """pdfminer's extract_text, page by page, stopping once the text passes ``max_chars``."""
    from pdfminer.converter import TextConverter
    from pdfminer.layout import LAParams
    from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
    from pdfminer.pdfpage import PDFPage

    with io.StringIO() as output:
        manager = PDFResourceManager(caching=True)
        device = TextConverter(manager, output, codec="utf-8", laparams=LAParams())
        interpreter = PDFPageInterpreter(manager, device)
        for page in PDFPage.get_pages(io.BytesIO(data), caching=True):
            interpreter.process_page(page)
            if output.tell() > max_chars:
                raise DocumentTooLarge(_too_large(path, max_chars))
        return output.getvalue()
