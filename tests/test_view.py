"""The HTML viewer (notice_nlp.output.view): structure of the page, and a real headless Chromium."""
from __future__ import annotations

import copy
import re
from pathlib import Path

import lxml.html
import pytest

import notice_nlp
from conftest import check_screenshot, run_chromium
from notice_nlp.taxonomy import STATUSES, categories, category_table, is_valid
from notice_nlp.output.view import REVIEW_BELOW, iter_sentences, needs_review, render_html

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "samples"

SENTENCE = "//span[contains(concat(' ', normalize-space(@class), ' '), ' sentence ')]"


def _cls(name: str) -> str:
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')"


@pytest.fixture(scope="module")
def docs() -> list[dict]:
    return [notice_nlp.tag_file(p, model="keywords").to_dict() for p in sorted(SAMPLES.glob("*.txt"))]


@pytest.fixture(scope="module")
def page(docs) -> str:
    return render_html(docs)


@pytest.fixture(scope="module")
def tree(page):
    return lxml.html.fromstring(page)


def _sentences(docs: list[dict]) -> list[dict]:
    return [s for d in docs for s in iter_sentences(d)]


def _text(el) -> str:
    """The sentence text of a sentence element (its status badge excluded)."""
    return el.xpath(f"./span[{_cls('text')}]")[0].text_content()


# --- structure -----------------------------------------------------------------------------

def test_one_sentence_element_per_sentence_in_order(docs, tree):
    sentences = _sentences(docs)
    elements = tree.xpath(SENTENCE)
    assert len(sentences) > 100
    assert len(elements) == len(sentences)
    assert [e.get("data-id") for e in elements] == [s["id"] for s in sentences]
    assert [_text(e) for e in elements] == [s["text"] for s in sentences]
    # element ids are unique over the page although sentence ids repeat across documents
    assert len({e.get("id") for e in elements}) == len(elements)


def test_data_attributes_are_valid_codes(docs, tree):
    sentences = _sentences(docs)
    for el, s in zip(tree.xpath(SENTENCE), sentences):
        cat, sub, status = el.get("data-category"), el.get("data-subcategory"), el.get("data-status")
        assert is_valid(cat, sub), (cat, sub)
        assert status in STATUSES
        assert (cat, sub, status) == (s["category"], s["subcategory"], s["status"])
        score = float(el.get("data-score"))
        assert 0.0 <= score <= 1.0 and score == pytest.approx(s["score"], abs=1e-4)
        assert f"cat-{cat}" in el.get("class").split()
        badge = el.xpath(f"./span[{_cls('badge')}]")
        assert len(badge) == 1 and badge[0].get("data-status") == status


def test_output_without_a_review_flag_falls_back_to_the_score():
    assert needs_review({"score": REVIEW_BELOW - 0.01}) and not needs_review({"score": REVIEW_BELOW})
    assert needs_review({"score": 0.99, "review": True}) and not needs_review({"score": 0.1, "review": False})


def test_flagged_sentences_are_marked_for_review(docs):
    flagged = copy.deepcopy(docs[:2])
    for n, sentence in enumerate(_sentences(flagged)):
        sentence["review"] = n % 3 == 0
    tree = lxml.html.fromstring(render_html(flagged))
    flags = [("review" in el.get("class").split()) for el in tree.xpath(SENTENCE)]
    assert flags == [s["review"] for s in _sentences(flagged)]
    assert any(flags) and not all(flags)
    assert re.search(r"\.sentence\.review\{[^}]*dashed", render_html(docs[:1]))


def test_every_date_and_count_is_underlined_with_its_value(docs, tree):
    seen = {"date": 0, "count": 0}
    for el, s in zip(tree.xpath(SENTENCE), _sentences(docs)):
        for kind, key in (("date", "dates"), ("count", "counts")):
            marks = el.xpath(f".//span[{_cls('ent')} and {_cls(kind)}]")
            assert [m.text_content() for m in marks] == [span["text"] for span in s[key]], s["id"]
            for mark, span in zip(marks, s[key]):
                # absolute offsets in the JSON point at the same text
                rel = span["start"] - s["start"], span["end"] - s["start"]
                assert s["text"][rel[0]:rel[1]] == span["text"]
                title = mark.get("title")
                if kind == "date":
                    if span["value"] is not None:
                        assert title.startswith(str(span["value"]))
                else:
                    value = span["value"]
                    number = "–".join(map(_num, value)) if isinstance(value, list) else _num(value)
                    assert title.startswith(f"{number} {span['unit']}".strip()), (title, span)
                seen[kind] += 1
    assert seen["date"] > 20 and seen["count"] > 20
    assert re.search(r"\.ent\{[^}]*underline", render_html(docs[:1]))


def _num(v) -> str:
    return str(int(v)) if float(v).is_integer() else str(v)


def test_legend_names_colours_and_counts(docs, tree):
    table = category_table()
    items = tree.xpath(f"//li[{_cls('legend-item')}]")
    assert [li.get("data-category") for li in items] == categories()
    totals = {}
    for d in docs:
        for cat, n in d["summary"]["by_category"].items():
            totals[cat] = totals.get(cat, 0) + n
    for li in items:
        cat = li.get("data-category")
        assert table[cat]["name"] in li.text_content()
        assert int(li.xpath(f".//span[{_cls('count')}]")[0].text) == totals.get(cat, 0)
    css = tree.xpath("//style")[0].text
    for cat in categories():
        assert f".sentence.cat-{cat}{{background:" in css


def test_per_document_header_outline_and_counts(docs, tree):
    articles = tree.xpath("//article")
    assert len(articles) == len(docs)
    for art, d in zip(articles, docs):
        head = art.xpath(".//header")[0].text_content()
        for key in ("title", "issuer", "inspector", "feedback_date", "doc_date"):
            if d["meta"].get(key):
                assert d["meta"][key] in head
        counts = {li.get("data-category"): int(li.get("data-count"))
                  for li in art.xpath(f".//ul[{_cls('cat-counts')}]/li")}
        assert counts == d["summary"]["by_category"]
        issues = [i for sec in d["sections"] for i in sec["issues"]]
        outline = art.xpath(f".//nav//li[{_cls('outline-issue')}]")
        assert len(outline) == len(issues)
        for li, issue in zip(outline, issues):
            assert li.get("data-status") == (issue["status"] or "")
            if issue["title"]:
                assert issue["title"] in li.text_content()
            # the outline links to the issue in the body
            target = li.xpath("./a")[0].get("href").lstrip("#")
            assert art.xpath(f".//*[@id='{target}']")


def test_page_is_self_contained(page):
    tree = lxml.html.fromstring(page)
    assert page.startswith("<!DOCTYPE html>")
    assert not tree.xpath("//link | //img | //iframe | //script[@src] | //*[@src]")
    assert not re.search(r"(https?:)?//[a-z0-9.-]+\.[a-z]{2,}/", page.split("<script>")[1]
                         if "<script>" in page else "")
    assert "@import" not in page and "url(" not in page
    assert tree.xpath("//meta[@charset='utf-8']")


def _toy_doc(text: str, title: str) -> dict:
    """A hand-made document dict: one sentence at offset 10 with a date and a count."""
    return {
        "schema_version": "1", "source": None,
        "meta": {"title": title, "issuer": "<b>单位</b>", "inspector": "巡察组 & co"},
        "sections": [{"index": 1, "title": "一、<i>方面</i>", "issues": [
            {"index": 1, "title": "关于<script>的问题", "status": "completed", "measures": [
                {"index": 1, "sentences": [
                    {"id": "s0001", "text": text, "start": 10, "end": 10 + len(text),
                     "category": "finance", "subcategory": "audit", "score": 0.31, "categories": ["finance"],
                     "status": "completed",
                     "dates": [{"start": 10 + text.index("2025年3月"), "end": 10 + text.index("2025年3月") + 7,
                                "text": "2025年3月", "type": "month", "value": "2025-03"}],
                     "counts": [{"start": 10 + text.index("3.8万余元"), "end": 10 + text.index("3.8万余元") + 6,
                                 "text": "3.8万余元", "value": 38000.0, "unit": "元", "qualifier": "more_than"}]},
                ]}]}]}],
        "summary": {"sentences": 1, "by_category": {"finance": 1}, "by_status": {"completed": 1},
                    "issues": 1, "issues_completed": 1},
    }


def test_text_is_escaped():
    text = '<script>alert("x")</script>2025年3月，追回资金3.8万余元 & 完成<b>整改</b>。'
    page = render_html([_toy_doc(text, "标题<script>alert(1)</script>")])
    tree = lxml.html.fromstring(page)
    scripts = tree.xpath("//script")
    assert len(scripts) == 1 and "alert" not in scripts[0].text  # only the viewer's own script
    assert not tree.xpath("//b[text()='整改'] | //i[text()='方面'] | //b[text()='单位']")
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    [el] = tree.xpath(SENTENCE)
    assert _text(el) == text
    [date] = el.xpath(f".//span[{_cls('date')}]")
    [count] = el.xpath(f".//span[{_cls('count')}]")
    assert (date.text_content(), date.get("title").split(" ")[0]) == ("2025年3月", "2025-03")
    assert count.text_content() == "3.8万余元" and count.get("title").startswith("38000 元")
    assert "review" in el.get("class").split()
    assert tree.xpath("//title")[0].text == "标题<script>alert(1)</script>"
    assert "关于<script>的问题" in tree.xpath(f"//h3[{_cls('issue-title')}]")[0].text_content()


def test_overlapping_and_misplaced_spans_do_not_break_the_text():
    text = "2025年3月28日至6月30日，完成5项整改。"
    doc = _toy_doc("2025年3月追回3.8万余元", "t")
    s = doc["sections"][0]["issues"][0]["measures"][0]["sentences"][0]
    s.update(text=text, start=0, end=len(text),
             dates=[{"start": 0, "end": 16, "text": "2025年3月28日至6月30日", "type": "range",
                     "value": "2025-03-28/2025-06-30"},
                    {"start": 0, "end": 10, "text": "2025年3月28日", "type": "date", "value": "2025-03-28"},
                    {"start": 8, "end": 12, "text": "28日至", "type": "date", "value": "x"},
                    {"start": 900, "end": 902, "text": "不在", "type": "date", "value": "y"}],
             counts=[{"start": 50, "end": 52, "text": "5项", "value": 5, "unit": "项", "qualifier": None}])
    tree = lxml.html.fromstring(render_html([doc]))
    [el] = tree.xpath(SENTENCE)
    assert _text(el) == text  # nothing lost or doubled
    assert [d.text_content() for d in el.xpath(f".//span[{_cls('date')}]")][:2] == \
        ["2025年3月28日至6月30日", "2025年3月28日"]
    # a count with stale offsets is placed where its text is
    [count] = el.xpath(f".//span[{_cls('count')}]")
    assert count.text_content() == "5项"


def test_render_document_objects_and_fragment():
    doc = notice_nlp.tag_file(SAMPLES / "seed003.txt", model="keywords")
    assert render_html(doc) == render_html([doc.to_dict()])
    assert render_html(doc.to_dict()) == render_html([doc.to_dict()])
    fragment = render_html([doc.to_dict()], page=False)
    assert fragment.startswith('<div class="nv">') and "<html" not in fragment
    assert len(lxml.html.fromstring(fragment).xpath(SENTENCE)) == len(doc.sentences)


def test_empty_document_list_renders():
    tree = lxml.html.fromstring(render_html([]))
    assert not tree.xpath(SENTENCE) and len(tree.xpath(f"//li[{_cls('legend-item')}]")) == len(categories())


# --- a real browser (conftest: the chromium fixture, run_chromium) -------------------------

def test_in_headless_chromium(chromium, docs, tmp_path):
    page = tmp_path / "view.html"
    page.write_text(render_html(docs), encoding="utf-8")
    url = page.resolve().as_uri()

    # the DOM after the page's script ran
    done = run_chromium(chromium, "--dump-dom", url)
    assert done.returncode == 0, done.stderr[-2000:]
    dom = lxml.html.fromstring(done.stdout)
    root = dom.xpath(f"//div[{_cls('nv')}]")[0]
    assert root.get("data-ready") == "1", "the page's script did not run"
    assert len(dom.xpath(SENTENCE)) == len(_sentences(docs))
    legend = dom.xpath(f"//li[{_cls('legend-item')}]")
    assert [li.get("data-category") for li in legend] == categories()
    names = [li.xpath(f".//span[{_cls('name')}]")[0].text for li in legend]
    assert names == [category_table()[c]["name"] for c in categories()]
    assert not dom.xpath(f"//span[{_cls('dim')}]")

    # a deep link focuses one category: the script dims all other sentences
    done = run_chromium(chromium, "--dump-dom", url + "#focus=finance")
    assert done.returncode == 0, done.stderr[-2000:]
    dom = lxml.html.fromstring(done.stdout)
    dimmed = dom.xpath(f"{SENTENCE}[{_cls('dim')}]")
    n_finance = sum(s["category"] == "finance" for s in _sentences(docs))
    assert 0 < n_finance and len(dimmed) == len(_sentences(docs)) - n_finance
    assert all(el.get("data-category") != "finance" for el in dimmed)

    # a screenshot of the first screens
    check_screenshot(chromium, url, tmp_path / "view.png", (1280, 2000), "NOTICE_NLP_VIEW_SCREENSHOT")
