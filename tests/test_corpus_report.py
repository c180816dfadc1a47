"""The corpus report (issue 17, item 4): `notice-nlp report TABLES_DIR -o report.html --as-of DAY`.

The figures on the page are checked against the same figures computed here from the tables
with pandas; the overdue list against `due_date < as_of and status != completed` for several
days; a bad folder is a NoticeError (exit status 2); and the page in headless Chromium:
a screenshot, no console message, Chinese glyphs drawn (not tofu)."""
from __future__ import annotations

import shutil
import subprocess
import sys
from datetime import date

import lxml.html
import pytest

from conftest import SAMPLES, check_screenshot, run_chromium

pa = pytest.importorskip("pyarrow", reason="pip install 'notice_nlp[corpus]'")
pytest.importorskip("matplotlib", reason="pip install 'notice_nlp[corpus]'")
pd = pytest.importorskip("pandas")

import notice_nlp  # noqa: E402
from notice_nlp.errors import NoticeError  # noqa: E402
from notice_nlp.output.corpus_report import (OPEN_STATUSES, read_tables, render_report, sector_of,  # noqa: E402
                                             summarize, write_report)
from notice_nlp.output.parquet import write_parquet  # noqa: E402
from notice_nlp.taxonomy import STATUSES  # noqa: E402

AS_OF = "2025-10-01"


def cli(*args):
    return subprocess.run([sys.executable, "-m", "notice_nlp", *map(str, args)], capture_output=True, text=True,
                          encoding="utf-8")


@pytest.fixture(scope="module")
def tables(tmp_path_factory):
    """The four samples and one empty file (an error record), tagged as of AS_OF."""
    folder = tmp_path_factory.mktemp("corpus") / "tables"
    bad = folder.parent / "empty.txt"
    bad.write_text("", "utf-8")
    done = cli("tag", SAMPLES, bad, "--format", "parquet", "-o", folder, "--model", "keywords", "--as-of", AS_OF,
               "--quiet")
    assert done.returncode == 1, done.stderr
    return folder


@pytest.fixture(scope="module")
def frames(tables):
    return pd.read_parquet(tables / "sentences"), pd.read_parquet(tables / "documents")


@pytest.fixture(scope="module")
def report(tables):
    out = tables.parent / "report.html"
    done = cli("report", tables, "-o", out, "--as-of", AS_OF)
    assert done.returncode == 0, done.stderr
    assert f"as of {AS_OF}" in done.stderr
    return out


@pytest.fixture(scope="module")
def tree(report):
    return lxml.html.fromstring(report.read_text("utf-8"))


def overdue_frame(sentences, as_of: str):
    """The overdue sentences by the definition, computed here from the tables."""
    due = pd.to_datetime(sentences["due_date"])
    return sentences[(due < pd.Timestamp(as_of)) & (sentences["status"] != "completed")]


def group_counts(sentences, by: str, as_of: str = AS_OF) -> dict[str, dict[str, int]]:
    late = set(overdue_frame(sentences, as_of).index)
    out = {}
    for key, g in sentences.groupby(by):
        out[key] = {"sentences": len(g), "stated": int((g.status != "none").sum()),
                    "completed": int((g.status == "completed").sum()),
                    "open": int(g.status.isin(OPEN_STATUSES).sum()), "overdue": len(set(g.index) & late)}
    return out


def table_rows(tree, cls: str) -> dict[str, dict[str, int]]:
    return {tr.get("data-key"): {k: int(tr.get(f"data-{k}")) for k in ("sentences", "stated", "completed", "open",
                                                                         "overdue")}
            for tr in tree.xpath(f"//table[@class='{cls}']//tr[@data-key]")}


def listed(tree, cls: str) -> list[tuple[str, str]]:
    return [(tr.get("data-doc"), tr.get("data-sentence"))
            for tr in tree.xpath(f"//table[contains(@class, 'measures') and contains(@class, '{cls}')]//tr[@data-doc]")]


# --- the figures equal those computed from the tables --------------------------

def test_headline_figures(tree, frames):
    sentences, documents = frames
    figure = {div.get("data-figure"): div.xpath("./dd")[0].text for div in tree.xpath("//dl[@class='figures']/div")}
    assert int(figure["notices"]) == len(documents) == 4
    assert int(figure["institutions"]) == documents["issuer"].nunique() == 4
    assert int(figure["sentences"]) == len(sentences) > 400
    assert int(figure["open"]) == sentences.status.isin(OPEN_STATUSES).sum() > 0
    assert int(figure["overdue"]) == len(overdue_frame(sentences, AS_OF)) > 0
    assert int(figure["errors"]) == 1
    stated = (sentences.status != "none").sum()
    assert figure["completion"] == f"{(sentences.status == 'completed').sum() / stated:.0%}"
    assert tree.xpath("//*[@data-as-of]")[0].get("data-as-of") == AS_OF


def test_completion_by_category_equals_the_tables(tree, frames):
    sentences, _ = frames
    expected = group_counts(sentences, "category")
    assert table_rows(tree, "by-category") == expected
    assert sum(r["sentences"] for r in expected.values()) == len(sentences)


def test_completion_by_institution_and_sector_equals_the_tables(tree, frames):
    sentences, documents = frames
    issuer = dict(zip(documents.doc_key, documents.issuer))
    with_issuer = sentences.assign(institution=sentences.doc_key.map(issuer))
    assert table_rows(tree, "by-institution") == group_counts(with_issuer, "institution")
    sector = {k: sector_of(i, t) for k, i, t in zip(documents.doc_key, documents.issuer, documents.title)}
    assert set(sector.values()) == {"卫生健康"}  # the samples are all health institutions
    assert table_rows(tree, "by-sector") == group_counts(sentences.assign(sector=sentences.doc_key.map(sector)),
                                                         "sector")


def test_heat_map_numbers_equal_the_crosstab(tree, frames):
    sentences, _ = frames
    cross = pd.crosstab(sentences.category, sentences.status)
    cells = tree.xpath("//table[@class='heat']//td[@data-category]")
    assert len(cells) == len(cross.index) * len(STATUSES)
    for td in cells:
        category, status = td.get("data-category"), td.get("data-status")
        expected = int(cross.loc[category, status]) if status in cross.columns else 0
        assert int(td.text) == expected, (category, status)


def test_summary_totals_are_consistent(tables, frames):
    sentences, _ = frames
    summary = summarize(read_tables(tables), AS_OF)
    assert summary["sentences"] == len(sentences)
    assert summary["dated"] == sum(sum(month.values()) for month in summary["timeline"].values())
    assert summary["dated"] >= sentences["due"].notna().sum()
    assert len(summary["open_measures"]) + summary["overdue"] >= summary["open"]
    assert {(r["doc_key"], r["sentence_id"]) for r in summary["open_measures"]}.isdisjoint(
        {(r["doc_key"], r["sentence_id"]) for r in summary["overdue_measures"]})


# --- overdue is reckoned at --as-of -------------------------------------------

@pytest.mark.parametrize("as_of", ["2024-01-01", "2025-06-30", "2025-07-01", AS_OF, "2027-01-01"])
def test_overdue_list_respects_as_of(tables, frames, as_of):
    sentences, _ = frames
    tree = lxml.html.fromstring(render_report(summarize(read_tables(tables), as_of)))
    expected = overdue_frame(sentences, as_of)
    assert sorted(listed(tree, "overdue")) == sorted(zip(expected.doc_key, expected.sentence_id))
    for tr in tree.xpath("//table[contains(@class, 'overdue')]//tr[@data-doc]"):
        assert tr.get("data-due") and date.fromisoformat(_last_day(tr.get("data-due"))) < date.fromisoformat(as_of)
    # open and not overdue: the open statuses, less the overdue ones
    still_open = sentences[sentences.status.isin(OPEN_STATUSES) & ~sentences.index.isin(expected.index)]
    assert sorted(listed(tree, "open")) == sorted(zip(still_open.doc_key, still_open.sentence_id))


def _last_day(due: str) -> str:
    from notice_nlp.tagging.due import last_day
    return last_day(due).isoformat()


def test_overdue_is_any_status_but_completed_and_ends_with_the_due_day(tmp_path):
    base = notice_nlp.tag("一、整改情况\n计划7月底前完成制度修订。", doc_date="2025-06-30", model="keywords",
                          as_of=AS_OF).to_dict()
    docs = []
    for status in ("planned", "ongoing", "none", "completed"):
        doc = {**base, "content_sha256": f"{status:x<64}"[:64]}
        doc["sections"] = [{**sec, "issues": [{**i, "measures": [{**m, "sentences": [
            {**sen, "status": status} for sen in m["sentences"]]} for m in i["measures"]]} for i in sec["issues"]]}
            for sec in base["sections"]]
        docs.append(doc)
    write_parquet(docs, [], tmp_path / "t")
    corpus = read_tables(tmp_path / "t")
    assert set(corpus.sentences["due"]) == {"2025-07-31"}
    late = {day: sorted(r["status"] for r in summarize(corpus, day)["overdue_measures"])
            for day in ("2025-07-31", "2025-08-01")}
    assert late == {"2025-07-31": [], "2025-08-01": ["none", "ongoing", "planned"]}


def test_overdue_is_recomputed_not_read_from_the_tables(tables, frames):
    sentences, _ = frames
    counts = {day: summarize(read_tables(tables), day)["overdue"] for day in ("2024-01-01", AS_OF, "2027-01-01")}
    assert counts["2024-01-01"] == 0 < counts[AS_OF] < counts["2027-01-01"]
    assert counts[AS_OF] == int(sentences["overdue"].sum())  # the day the tables were tagged: the same
    # the CLI: a later --as-of lists more
    out = tables.parent / "later.html"
    assert cli("report", tables, "-o", out, "--as-of", "2027-01-01").returncode == 0
    assert len(listed(lxml.html.fromstring(out.read_text("utf-8")), "overdue")) == counts["2027-01-01"]


def test_max_rows_cuts_the_lists_not_the_counts(tables):
    summary = summarize(read_tables(tables), AS_OF)
    tree = lxml.html.fromstring(render_report(summary, max_rows=2))
    assert len(listed(tree, "open")) == 2 < len(summary["open_measures"])
    assert tree.xpath("//p[@class='more']")
    assert table_rows(tree, "by-category") == {r["key"]: {k: r[k] for k in ("sentences", "stated", "completed",
                                                                               "open", "overdue")}
                                               for r in summary["by_category"]}


# --- the page -----------------------------------------------------------------

def test_page_is_self_contained_with_chinese_labels_as_text(report, tree):
    page = report.read_text("utf-8")
    assert page.startswith("<!DOCTYPE html>") and tree.xpath("//meta[@charset='utf-8']")
    assert not tree.xpath("//script | //link | //img | //iframe | //*[@src]")
    assert "http://" not in page.replace("http://www.w3.org/", "") and "https://" not in page
    assert "@import" not in page
    plots = tree.xpath("//*[local-name()='svg' and contains(@class, 'plot')]")
    assert len(plots) == 5  # by category, heat map, by sector, institutions, timeline
    labels = " ".join(t.text_content() for t in tree.xpath("//*[local-name()='svg']//*[local-name()='text']"))
    for name in ("党的建设", "财务与资产", "已完成", "卫生健康", "完成率"):
        assert name in labels, name
    ids = tree.xpath("//@id")
    assert len(ids) == len(set(ids))  # several inline SVGs, no id twice


def test_text_from_the_tables_is_escaped(tmp_path):
    doc = notice_nlp.tag("一、整改情况\n<script>alert(1)</script>计划7月底前完成<b>制度</b>修订。",
                         doc_date="2025-06-30", model="keywords", as_of=AS_OF).to_dict()
    doc["meta"].update(title="<i>标题</i>", issuer="<b>单位</b>")
    write_parquet([doc], [], tmp_path / "t")
    info = write_report(tmp_path / "t", tmp_path / "r.html", AS_OF)
    page = (tmp_path / "r.html").read_text("utf-8")
    assert info["overdue"] == 1 and info["notices"] == 1
    assert "<script>" not in page and "<b>" not in page and "<i>" not in page
    assert "&lt;b&gt;单位&lt;/b&gt;" in page


def test_tables_without_sentences_still_make_a_page(tmp_path):
    doc = notice_nlp.tag("一、整改情况\n成立整改领导小组。", model="keywords").to_dict()
    doc["sections"] = []
    write_parquet([doc], [{"source": "x.txt", "error": "EmptyDocument", "message": "x.txt: empty"}], tmp_path / "t")
    info = write_report(tmp_path / "t", tmp_path / "r.html", AS_OF)
    tree = lxml.html.fromstring((tmp_path / "r.html").read_text("utf-8"))
    assert (info["notices"], info["sentences"], info["overdue"]) == (1, 0, 0)
    assert not tree.xpath("//*[local-name()='svg']") and "没有措施句" in tree.text_content()
    assert [td.text for td in tree.xpath("//table[@class='errors']//td")][:2] == ["x.txt", "EmptyDocument"]


def test_sector_of():
    assert sector_of("张范街道社区卫生服务中心") == "卫生健康"
    assert sector_of("中共厦门市教育局党组") == "教育"
    assert sector_of("中共东莞市人民检察院党组") == "政法"
    assert sector_of("中共茂租镇委员会") == "乡镇街道"
    assert sector_of("合肥市建投集团党委") == "国有企业"
    assert sector_of(None, "") == "其他"


# --- a bad folder ---------------------------------------------------------------

def test_missing_or_bad_folder_is_a_notice_error(tmp_path, tables):
    with pytest.raises(NoticeError, match="no such folder"):
        read_tables(tmp_path / "nope")
    (tmp_path / "empty").mkdir()
    with pytest.raises(NoticeError, match="not a folder of notice_nlp tables"):
        read_tables(tmp_path / "empty")
    broken = tmp_path / "broken"
    shutil.copytree(tables, broken)
    (broken / "sentences" / "part-zz.parquet").write_bytes(b"not parquet at all")
    with pytest.raises(NoticeError, match="part-zz.parquet"):
        read_tables(broken)


def test_cli_exit_2_on_a_bad_folder_or_day(tmp_path, tables):
    for args, message in [((tmp_path / "nope",), "no such folder"), ((tmp_path,), "not a folder of notice_nlp"),
                          ((tables, "--as-of", "2025-02-30"), "--as-of"), ((tables, "--max-rows", "0"), "--max-rows")]:
        done = cli("report", *args, "-o", tmp_path / "r.html")
        assert done.returncode == 2 and message in done.stderr, (args, done.stderr)
        assert "Traceback" not in done.stderr
    assert not (tmp_path / "r.html").exists()


def test_report_without_pyarrow_says_which_extra(tmp_path, tables):
    code = ("import sys; sys.modules['pyarrow'] = None; from notice_nlp.cli import main; "
            f"sys.exit(main(['report', {str(tables)!r}, '-o', {str(tmp_path / 'r.html')!r}]))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, encoding="utf-8")
    assert done.returncode == 2 and "notice_nlp[corpus]" in done.stderr


def test_tagging_never_imports_the_report_or_its_dependencies(tmp_path):
    code = ("import sys; from notice_nlp.cli import main; "
            f"main(['tag', {str(SAMPLES / 'seed000.txt')!r}, '-o', {str(tmp_path / 'o.json')!r}, "
            "'--model', 'keywords', '--quiet']); "
            "print(sorted(m for m in ('pyarrow', 'matplotlib', 'notice_nlp.output.corpus_report') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
    code = ("import sys, notice_nlp.output.corpus_report; "
            "print(sorted(m for m in ('pyarrow', 'matplotlib') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"  # importing the module loads neither; reading and drawing do


# --- a real browser (conftest: the chromium fixture) ----------------------------

# Draws two CJK characters and two unassigned code points on a canvas in the page's font
# and the plots' font: missing glyphs all draw the same box, real glyphs differ.
GLYPH_PROBE = """<script>(function () {
  function ink(font, ch) {
    var c = document.createElement('canvas'); c.width = c.height = 64;
    var x = c.getContext('2d'); x.font = '48px ' + font; x.fillText(ch, 4, 52);
    var d = x.getImageData(0, 0, 64, 64).data, out = [];
    for (var i = 3; i < d.length; i += 4) out.push(d[i]);
    return out.join(',');
  }
  var fonts = [getComputedStyle(document.body).fontFamily,
               getComputedStyle(document.querySelector('svg.plot text')).fontFamily];
  var missing = ink(fonts[0], '\\u{10FFFD}') === ink(fonts[0], '\\u{10FFFC}');
  var result = fonts.map(function (f) {
    var a = ink(f, '完'), b = ink(f, '率'), box = ink(f, '\\u{10FFFD}');
    return a !== b && a !== box && /[1-9]/.test(a) ? 'glyphs' : 'tofu';
  });
  document.body.setAttribute('data-cjk', result.join(' '));
  document.body.setAttribute('data-missing-same', String(missing));
})();</script>"""


def test_in_headless_chromium(chromium, report, tmp_path):
    url = report.resolve().as_uri()
    logging = ("--enable-logging=stderr", "--v=0")

    # the logging catches a console message (so its absence below means something)
    control = tmp_path / "control.html"
    control.write_text('<!DOCTYPE html><meta charset="utf-8"><script>console.error("probe-error")</script>', "utf-8")
    done = run_chromium(chromium, *logging, "--dump-dom", control.resolve().as_uri())
    assert done.returncode == 0 and "CONSOLE" in done.stderr and "probe-error" in done.stderr, done.stderr[-2000:]

    # the page loads without a console message, its plots and Chinese text in the DOM
    done = run_chromium(chromium, *logging, "--dump-dom", url)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "CONSOLE" not in done.stderr, [line for line in done.stderr.splitlines() if "CONSOLE" in line]
    dom = lxml.html.fromstring(done.stdout)
    assert len(dom.xpath("//*[local-name()='svg' and contains(@class, 'plot')]")) == 5
    assert "完成率" in dom.text_content() and "逾期" in dom.text_content()

    # Chinese glyphs are drawn, in the page's font and in the plots' font
    probe = tmp_path / "probe.html"
    probe.write_text(report.read_text("utf-8").replace("</body>", GLYPH_PROBE + "</body>"), "utf-8")
    done = run_chromium(chromium, *logging, "--dump-dom", probe.resolve().as_uri())
    assert done.returncode == 0, done.stderr[-2000:]
    body = lxml.html.fromstring(done.stdout).xpath("//body")[0]
    assert body.get("data-missing-same") == "true", "two unassigned code points should draw the same box"
    assert body.get("data-cjk") == "glyphs glyphs", body.get("data-cjk")

    # a screenshot
    check_screenshot(chromium, url, tmp_path / "report.png", (1280, 2400), "NOTICE_NLP_REPORT_SCREENSHOT")
