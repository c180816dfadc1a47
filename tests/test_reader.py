import codecs

import pytest

from notice_nlp import errors
from notice_nlp.text.reader import read_file

TEXT = "中共某某医院委员会关于巡察整改进展情况的通报\n一、整改情况\n成立巡察整改工作领导小组，召开专题会议3次。\n"


@pytest.mark.parametrize("encoding, bom", [
    ("utf-8", b""), ("utf-8", codecs.BOM_UTF8), ("gbk", b""), ("gb18030", b""),
    ("utf-16-le", codecs.BOM_UTF16_LE), ("utf-16-be", codecs.BOM_UTF16_BE),
    ("utf-16-le", b""), ("utf-16-be", b""),
])
def test_text_encodings_are_detected(tmp_path, encoding, bom):
    path = tmp_path / "notice.txt"
    path.write_bytes(bom + TEXT.encode(encoding))
    assert read_file(path).text.lstrip("\ufeff") == TEXT


def test_gbk_bytes_in_a_file_named_anything(tmp_path):
    path = tmp_path / "notice.md"
    path.write_bytes(TEXT.encode("gbk"))
    assert read_file(path).text == TEXT


def test_a_few_bad_bytes_are_replaced_and_flagged(tmp_path):
    path = tmp_path / "notice.txt"
    path.write_bytes(TEXT.encode("utf-8") + b"\xff\xfe\xfa" + TEXT.encode("utf-8") * 20)
    raw = read_file(path)
    assert "\ufffd" in raw.text and raw.warnings and "replaced" in raw.warnings[0]
    assert raw.text.count("领导小组") == 21  # nothing else lost


def test_docx_paragraphs_and_tables_in_order(tmp_path):
    docx = pytest.importorskip("docx")
    document = docx.Document()
    document.add_paragraph("一、整改情况")
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "成立领导小组。"
    table.rows[0].cells[1].text = "已完成"
    document.add_paragraph("召开专题会议。")
    path = tmp_path / "notice.docx"
    document.save(path)
    assert read_file(path).text.split("\n") == ["一、整改情况", "成立领导小组。 已完成", "召开专题会议。"]


def test_html_declared_charset_and_no_scripts(tmp_path):
    html = ('<html><head><meta charset="gbk"><style>p{color:red}</style><script>var x="脚本";</script></head>'
            '<body><nav>首页</nav><p>成立巡察整改工作领导小组。</p></body></html>')
    path = tmp_path / "notice.html"
    path.write_bytes(html.encode("gbk"))
    text = read_file(path).text
    assert "成立巡察整改工作领导小组。" in text and "脚本" not in text and "color" not in text and "首页" not in text


MINIMAL_PDF_NO_TEXT = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
                       b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
                       b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
                       b"trailer<</Root 1 0 R>>\n%%EOF\n")


@pytest.mark.parametrize("name, data, error, keyword", [
    ("scan.pdf", MINIMAL_PDF_NO_TEXT, errors.NeedsOCR, "OCR"),
    ("broken.pdf", b"%PDF-1.4 garbage", errors.CorruptFile, "PDF"),
    ("notice.docx", b"not a zip at all", errors.CorruptFile, ".docx"),
    ("notice.xyz", b"text", errors.UnsupportedFormat, "unsupported"),
    ("empty.txt", b"", errors.EmptyDocument, "no text"),
    ("blank.txt", " \n\t\u3000\n".encode(), errors.EmptyDocument, "no text"),
    ("binary.txt", bytes(range(256)) * 8, errors.DecodeError, "binary"),
])
def test_bad_files_raise_clear_notice_errors(tmp_path, name, data, error, keyword):
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(error, match=keyword):
        read_file(path)


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(errors.NoticeFileNotFound, match="no such file"):
        read_file(tmp_path / "missing.txt")
    with pytest.raises(errors.NoticeFileNotFound, match="not a regular file"):
        read_file(tmp_path)


def test_size_limit_is_enforced_before_reading(tmp_path):
    path = tmp_path / "big.txt"
    path.write_text("成立小组。" * 1000, "utf-8")
    with pytest.raises(errors.DocumentTooLarge, match="max_chars"):
        read_file(path, max_chars=100)
