"""Every supported file format and text encoding reads seed002 into the same sentences.

The files are made here from the seed text: .txt in six encodings, a .docx with one
paragraph per line, an .html with one <p> per line and a declared charset, and a .pdf
with a real text layer. Each must give the same sentence texts as the UTF-8 .txt.
"""
import codecs
import html

import pytest

import notice_nlp

from conftest import SAMPLES

SEED = "seed002"  # the smallest seed


@pytest.fixture(scope="module")
def seed_text() -> str:
    return (SAMPLES / f"{SEED}.txt").read_text("utf-8")


@pytest.fixture(scope="module")
def expected(seed_text, tmp_path_factory) -> list[str]:
    path = tmp_path_factory.mktemp("utf8") / f"{SEED}.txt"
    path.write_bytes(seed_text.encode("utf-8"))
    texts = _sentence_texts(path)
    assert len(texts) > 50
    return texts


def _sentence_texts(path) -> list[str]:
    return [s.text for s in notice_nlp.tag_file(path, model="keywords").sentences]


TXT_ENCODINGS = {
    "utf-8-bom": lambda t: codecs.BOM_UTF8 + t.encode("utf-8"),
    "gbk": lambda t: t.encode("gbk"),
    "gb18030": lambda t: t.encode("gb18030"),
    "utf-16-le-bom": lambda t: codecs.BOM_UTF16_LE + t.encode("utf-16-le"),
    "utf-16-be-bom": lambda t: codecs.BOM_UTF16_BE + t.encode("utf-16-be"),
}


@pytest.mark.parametrize("encoding", sorted(TXT_ENCODINGS))
def test_txt_encodings_give_the_same_sentences(encoding, seed_text, expected, tmp_path):
    path = tmp_path / f"{SEED}-{encoding}.txt"
    path.write_bytes(TXT_ENCODINGS[encoding](seed_text))
    assert _sentence_texts(path) == expected


def test_docx_gives_the_same_sentences(seed_text, expected, tmp_path):
    import docx

    document = docx.Document()
    for line in seed_text.split("\n"):
        document.add_paragraph(line)
    path = tmp_path / f"{SEED}.docx"
    document.save(path)
    assert _sentence_texts(path) == expected


@pytest.mark.parametrize("charset", ["utf-8", "gb18030"])
def test_html_gives_the_same_sentences(charset, seed_text, expected, tmp_path):
    paragraphs = "\n".join(f"<p>{html.escape(line)}</p>" for line in seed_text.split("\n"))
    page = (f'<!DOCTYPE html>\n<html><head><meta charset="{charset}"><title>{SEED}</title></head>\n'
            f"<body>\n{paragraphs}\n</body></html>\n")
    path = tmp_path / f"{SEED}.html"
    path.write_bytes(page.encode(charset))
    assert _sentence_texts(path) == expected


def test_pdf_with_a_text_layer_gives_the_same_sentences(seed_text, expected, tmp_path):
    # reportlab's built-in Adobe CID font STSong-Light needs no font file: the PDF names
    # the font and carries the text as UniGB-UCS2-H codes, which pdfminer.six maps back
    # to Unicode with its bundled CMaps. No CJK font has to be installed.
    canvas_mod = pytest.importorskip("reportlab.pdfgen.canvas",
                                     reason="reportlab is not installed (pip install reportlab)")
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    lines = seed_text.split("\n")
    size, leading, margin = 6, 9, 20
    # One PDF line per text line: a page wide enough that no line wraps (PDF allows 14400 pt).
    width = min(14400, margin * 2 + size * max(len(line) for line in lines))
    per_page = 80
    height = margin * 2 + leading * per_page
    path = tmp_path / f"{SEED}.pdf"
    canvas = canvas_mod.Canvas(str(path), pagesize=(width, height))
    for first in range(0, len(lines), per_page):
        y = height - margin
        for line in lines[first:first + per_page]:
            canvas.setFont("STSong-Light", size)
            canvas.drawString(margin, y, line)
            y -= leading
        canvas.showPage()
    canvas.save()
    assert _sentence_texts(path) == expected
