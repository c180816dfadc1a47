"""An HTML viewer for tagged notices — displaCy, but for 整改通报.

    from notice_nlp.view import render_html
    page = render_html([doc.to_dict() for doc in docs])   # one self-contained page
    Path("view.html").write_text(page, encoding="utf-8")

Per document the page shows a header with the notice's meta, an outline of its
sections and issues (with the issue status), and the measures' sentences in
order. Each sentence is a ``<span class="sentence">`` coloured by category, with
its status as a small badge and the attributes ``data-id``, ``data-category``,
``data-subcategory``, ``data-status`` and ``data-score``. Dates and counts are
underlined inside the sentence, their ISO value / number and unit in a
``title`` tooltip. Sentences the classifier flags for review (``review: true``;
output without that key: a score below ``REVIEW_BELOW``) get the class
``review`` (a dashed outline). A legend gives the categories' Chinese names,
colours and counts.

The page has inline CSS and a little inline JS only (legend click = focus a
category, a "review only" switch, deep links ``#focus=finance`` / ``#review``);
it needs no network and reads fine without JS.
All text from the document is escaped with ``html.escape``.
"""
from __future__ import annotations

import html
from collections import Counter
from typing import Any, Iterable

from ..taxonomy import STATUSES, category_table

REVIEW_BELOW = 0.5

# One colour per top-level category: background tint, and a stronger accent for
# borders and swatches. Unknown codes fall back to FALLBACK_COLOURS.
CATEGORY_COLOURS: dict[str, tuple[str, str]] = {
    "party_building": ("#fde2e1", "#c62828"),
    "discipline": ("#ffe9cc", "#e65100"),
    "finance": ("#fff6bf", "#a67c00"),
    "medical_quality": ("#dcecff", "#1565c0"),
    "development": ("#e9e0fb", "#6a1b9a"),
    "personnel": ("#d8f3ee", "#00796b"),
    "rectification": ("#e3f3d6", "#2e7d32"),
    "other": ("#ececec", "#616161"),
}
FALLBACK_COLOURS = [("#f8e1f0", "#ad1457"), ("#dff4fb", "#00838f"), ("#efe7dd", "#5d4037")]

STATUS_NAMES: dict[str, str] = {
    "completed": "已完成", "in_progress": "推进中", "planned": "计划", "ongoing": "常态化",
    "unfinished": "未完成", "none": "无状态",
}
STATUS_COLOURS: dict[str, str] = {
    "completed": "#2e7d32", "in_progress": "#1565c0", "planned": "#6a1b9a", "ongoing": "#00838f",
    "unfinished": "#c62828", "none": "#9e9e9e",
}

META_FIELDS = [("issuer", "发文单位"), ("inspector", "巡察组"), ("inspection_period", "巡察期间"),
               ("feedback_date", "反馈日期"), ("doc_date", "发文日期")]
CONTACT_FIELDS = [("phone", "电话"), ("email", "邮箱"), ("address", "地址")]


def esc(value: Any) -> str:
    """Escape anything for HTML text and (double-quoted) attribute values."""
    return html.escape("" if value is None else str(value), quote=True)


# --- taxonomy helpers -------------------------------------------------------------------

def category_name(code: str | None) -> str:
    entry = category_table().get(code or "")
    return entry["name"] if entry else (code or "—")


def subcategory_name(category: str | None, sub: str | None) -> str:
    entry = category_table().get(category or "")
    if entry and sub in entry.get("subcategories", {}):
        return entry["subcategories"][sub]["name"]
    return sub or "—"


def _category_order(extra: Iterable[str]) -> list[str]:
    order = list(category_table())
    return order + sorted({c for c in extra if c and c not in order})


def _colours(code: str | None) -> tuple[str, str]:
    if code in CATEGORY_COLOURS:
        return CATEGORY_COLOURS[code]
    return FALLBACK_COLOURS[sum(map(ord, code or "")) % len(FALLBACK_COLOURS)]


def _css_token(code: str | None) -> str:
    """A class-name-safe form of a code (codes are [a-z_], but be safe)."""
    return "".join(ch if ch.isalnum() or ch in "_-" else "_" for ch in (code or "none"))


# --- document walking --------------------------------------------------------------------

def iter_sentences(doc: dict) -> Iterable[dict]:
    for section in doc.get("sections") or []:
        for issue in section.get("issues") or []:
            for measure in issue.get("measures") or []:
                yield from measure.get("sentences") or []


def _number(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value)


def span_tooltip(span: dict, kind: str) -> str:
    """The title= text of a date or count: ISO value, or number + unit."""
    if kind == "date":
        value = span.get("value")
        tip = f"{value if value is not None else '（无值）'} · {span.get('type') or 'date'}"
        if span.get("malformed"):
            tip += " · malformed"
        return tip
    value = span.get("value")
    if isinstance(value, (list, tuple)):
        number = "–".join(_number(v) for v in value)
    else:
        number = _number(value)
    tip = f"{number} {span.get('unit') or ''}".strip()
    if span.get("qualifier"):
        tip += f" · {span['qualifier']}"
    return tip


def relative_spans(sentence: dict) -> list[dict]:
    """Dates and counts of a sentence with offsets relative to its text.

    Offsets in the JSON are absolute (document text); the sentence has
    ``start``. A span whose offsets do not match its text, but whose text occurs
    in the sentence, is placed at that occurrence; one that cannot be placed is
    dropped. Partly overlapping spans are clipped to nest; contained ones nest.
    """
    text = sentence.get("text") or ""
    base = sentence.get("start") or 0
    spans = []
    for kind, key in (("date", "dates"), ("count", "counts")):
        for span in sentence.get(key) or []:
            try:
                start, end = int(span["start"]) - base, int(span["end"]) - base
            except (KeyError, TypeError, ValueError):
                start = end = -1
            want = span.get("text")
            if not (0 <= start < end <= len(text)) or (want and text[start:end] != want):
                found = text.find(want) if want else -1
                if found < 0:
                    continue
                start, end = found, found + len(want)
            spans.append({"kind": kind, "start": start, "end": end, "span": span})
    spans.sort(key=lambda s: (s["start"], -s["end"]))
    # nest or clip: keep a stack of open spans; a span crossing an open one is clipped
    placed: list[dict] = []
    stack: list[dict] = []
    for s in spans:
        while stack and stack[-1]["end"] <= s["start"]:
            stack.pop()
        while stack and s["end"] > stack[-1]["end"]:  # crosses an open span: clip
            s = {**s, "start": stack[-1]["end"]}
            while stack and stack[-1]["end"] <= s["start"]:
                stack.pop()
        if s["start"] >= s["end"]:
            continue
        placed.append(s)
        stack.append(s)
    return placed


def _render_text(text: str, spans: list[dict]) -> str:
    """Sentence text with nested <span class="ent date|count"> around the spans."""
    out: list[str] = []

    def emit(lo: int, hi: int, items: list[dict]) -> None:
        pos, i = lo, 0
        while i < len(items):
            s = items[i]
            inner = []
            j = i + 1
            while j < len(items) and items[j]["start"] < s["end"]:
                inner.append(items[j])
                j += 1
            out.append(esc(text[pos:s["start"]]))
            span = s["span"]
            extra = f' data-value="{esc(_value_attr(span.get("value")))}"'
            if s["kind"] == "date":
                extra += f' data-type="{esc(span.get("type"))}"'
            else:
                extra += f' data-unit="{esc(span.get("unit"))}"'
            out.append(f'<span class="ent {s["kind"]}" title="{esc(span_tooltip(span, s["kind"]))}"{extra}>')
            emit(s["start"], s["end"], inner)
            out.append("</span>")
            pos, i = s["end"], j
        out.append(esc(text[pos:hi]))

    emit(0, len(text), spans)
    return "".join(out)


def _value_attr(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return "/".join(_number(v) for v in value)
    return "" if value is None else _number(value)


# --- rendering ------------------------------------------------------------------------------

def _badge(status: str | None, cls: str = "badge") -> str:
    status = status or "none"
    return (f'<span class="{cls} st-{_css_token(status)}" data-status="{esc(status)}" '
            f'title="{esc(status)}">{esc(STATUS_NAMES.get(status, status))}</span>')


def needs_review(sentence: dict) -> bool:
    """The model's own flag; for output written before it had one, a low score."""
    if "review" in sentence:
        return bool(sentence["review"])
    score = sentence.get("score")
    return isinstance(score, (int, float)) and score < REVIEW_BELOW


def _sentence_html(sentence: dict, doc_no: int) -> str:
    category, sub = sentence.get("category"), sentence.get("subcategory")
    score = sentence.get("score")
    status = sentence.get("status") or "none"
    classes = ["sentence", f"cat-{_css_token(category)}"]
    if needs_review(sentence):
        classes.append("review")
    score_attr = "" if score is None else format(round(float(score), 4), "g")
    tip = f"{category_name(category)} · {subcategory_name(category, sub)}"
    tip += f" ({category}.{sub})"
    tip += f" · {STATUS_NAMES.get(status, status)} · score {score_attr or '—'}"
    secondary = [c for c in sentence.get("categories") or [] if c != category]
    if secondary:
        tip += " · also " + ", ".join(secondary)
    if sentence.get("due"):
        tip += f" · due {sentence['due']}" + (" (overdue)" if sentence.get("overdue") else "")
    sid = sentence.get("id") or ""
    return (f'<span class="{" ".join(classes)}" id="d{doc_no}-{esc(sid)}" data-id="{esc(sid)}" '
            f'data-category="{esc(category or "")}" data-subcategory="{esc(sub or "")}" '
            f'data-status="{esc(status)}" data-score="{esc(score_attr)}" '
            f'data-categories="{esc(" ".join(sentence.get("categories") or []))}" '
            f'data-due="{esc(sentence.get("due") or "")}" title="{esc(tip)}">'
            f'<span class="text">{_render_text(sentence.get("text") or "", relative_spans(sentence))}</span>'
            f'{_badge(status)}{_overdue_badge(sentence)}</span>')


def _overdue_badge(item: dict) -> str:
    """逾期 (overdue) with the date that passed, for a sentence or issue whose ``due`` is past."""
    if not item.get("overdue"):
        return ""
    return f'<span class="overdue" title="overdue: due {esc(item.get("due"))}">逾期 {esc(item.get("due"))}</span>'


def _category_counts(sentences: list[dict]) -> Counter:
    return Counter(s.get("category") for s in sentences if s.get("category"))


def _counts_bar(counts: Counter, order: list[str]) -> str:
    total = sum(counts.values()) or 1
    cells = []
    for cat in order:
        n = counts.get(cat, 0)
        if not n:
            continue
        cells.append(f'<span class="bar-part cat-{_css_token(cat)}" data-category="{esc(cat)}" '
                     f'style="flex-grow:{n}" title="{esc(category_name(cat))} {n} ({100 * n / total:.0f}%)"></span>')
    items = "".join(
        f'<li data-category="{esc(cat)}" data-count="{counts.get(cat, 0)}"><i class="swatch cat-{_css_token(cat)}"></i>'
        f'{esc(category_name(cat))} <b class="num">{counts.get(cat, 0)}</b></li>' for cat in order if counts.get(cat, 0))
    return (f'<div class="bar">{"".join(cells)}</div>'
            f'<ul class="cat-counts">{items}</ul>')


def _doc_html(doc: dict, doc_no: int, order: list[str]) -> str:
    meta = doc.get("meta") or {}
    sentences = list(iter_sentences(doc))
    title = meta.get("title") or doc.get("source") or f"文档 {doc_no}"
    parts = [f'<article class="document" id="doc-{doc_no}" data-source="{esc(doc.get("source"))}">',
             '<header class="doc-head">', f'<h1 class="doc-title">{esc(title)}</h1>', '<dl class="meta">']
    for key, label in META_FIELDS:
        if meta.get(key):
            parts.append(f'<div class="meta-{key}"><dt>{esc(label)}</dt><dd>{esc(meta[key])}</dd></div>')
    contact = meta.get("contact") or {}
    for key, label in CONTACT_FIELDS:
        if isinstance(contact, dict) and contact.get(key):
            parts.append(f'<div class="meta-{key}"><dt>{esc(label)}</dt><dd>{esc(contact[key])}</dd></div>')
    if doc.get("source"):
        parts.append(f'<div class="meta-source"><dt>来源</dt><dd>{esc(doc["source"])}</dd></div>')
    parts.append("</dl>")
    statuses = Counter(s.get("status") or "none" for s in sentences)
    issues = [i for sec in doc.get("sections") or [] for i in sec.get("issues") or []]
    parts.append(f'<p class="doc-stats"><b>{len(sentences)}</b> 句 · <b>{len(issues)}</b> 个问题 · '
                 + " ".join(f'{_badge(st)}<span class="num">{statuses[st]}</span>'
                            for st in STATUSES if statuses.get(st)) + "</p>")
    parts.append(_counts_bar(_category_counts(sentences), order))
    for warning in doc.get("warnings") or []:
        parts.append(f'<p class="warning">⚠ {esc(warning)}</p>')
    parts.append("</header>")

    # outline
    parts.append('<nav class="outline"><h2>目录</h2><ol>')
    for s_no, section in enumerate(doc.get("sections") or [], 1):
        anchor = f"d{doc_no}-sec{s_no}"
        parts.append(f'<li class="outline-section"><a href="#{anchor}">{esc(section.get("title") or "（引言）")}</a><ol>')
        for i_no, issue in enumerate(section.get("issues") or [], 1):
            n = sum(len(m.get("sentences") or []) for m in issue.get("measures") or [])
            status = issue.get("status")
            parts.append(f'<li class="outline-issue" data-status="{esc(status or "")}">'
                         f'<a href="#{anchor}-i{i_no}">{esc(issue.get("title") or "（未命名问题）")}</a> '
                         f'<span class="n">{n} 句</span>'
                         + (_badge(status, "badge issue-status") if status else "") + _overdue_badge(issue) + "</li>")
        parts.append("</ol></li>")
    parts.append("</ol></nav>")

    # body
    parts.append('<div class="doc-body">')
    for s_no, section in enumerate(doc.get("sections") or [], 1):
        anchor = f"d{doc_no}-sec{s_no}"
        parts.append(f'<section class="section" id="{anchor}" data-index="{esc(section.get("index"))}">'
                     f'<h2 class="section-title">{esc(section.get("title") or "（引言）")}</h2>')
        for i_no, issue in enumerate(section.get("issues") or [], 1):
            status = issue.get("status")
            parts.append(f'<div class="issue" id="{anchor}-i{i_no}" data-index="{esc(issue.get("index"))}" '
                         f'data-status="{esc(status or "")}">')
            if issue.get("title") or status:
                parts.append(f'<h3 class="issue-title">{esc(issue.get("title") or "")} '
                             + (_badge(status, "badge issue-status") if status else "") + "</h3>")
            for measure in issue.get("measures") or []:
                parts.append(f'<p class="measure" data-index="{esc(measure.get("index"))}">'
                             f'<span class="measure-no">{esc(measure.get("index"))}</span>')
                parts.extend(_sentence_html(s, doc_no) for s in measure.get("sentences") or [])
                parts.append("</p>")
            parts.append("</div>")
        parts.append("</section>")
    parts.append("</div></article>")
    return "".join(parts)


def _legend(counts: Counter, order: list[str]) -> str:
    items = []
    for cat in order:
        items.append(f'<li class="legend-item cat-{_css_token(cat)}" data-category="{esc(cat)}" tabindex="0" '
                     f'title="{esc(cat)}"><i class="swatch cat-{_css_token(cat)}"></i>'
                     f'<span class="name">{esc(category_name(cat))}</span> <code>{esc(cat)}</code> '
                     f'<span class="count" data-count="{counts.get(cat, 0)}">{counts.get(cat, 0)}</span></li>')
    statuses = "".join(f'<li>{_badge(st)} <code>{esc(st)}</code></li>' for st in STATUSES)
    return (f'<section class="legend"><h2>图例 · 类别（点击聚焦）</h2><ul class="legend-cats">{"".join(items)}</ul>'
            f'<h2>状态</h2><ul class="legend-status">{statuses}</ul>'
            f'<p class="legend-marks"><span class="ent date" title="ISO 值">日期</span> '
            f'<span class="ent count" title="数值 单位">数量</span> 下划线：悬停看取值 · '
            f'<span class="review-demo">虚线框</span>：模型对类别把握不足，待复核 '
            f'<label><input type="checkbox" id="nv-review-only"> 只看待复核</label></p></section>')


def _css(order: list[str]) -> str:
    rules = []
    for cat in order:
        bg, accent = _colours(cat)
        tok = _css_token(cat)
        rules.append(f".nv .sentence.cat-{tok}{{background:{bg};border-bottom:2px solid {accent}}}"
                     f".nv .swatch.cat-{tok},.nv .bar-part.cat-{tok}{{background:{accent}}}")
    for st, colour in STATUS_COLOURS.items():
        rules.append(f".nv .badge.st-{st}{{background:{colour}}}")
    return BASE_CSS + "".join(rules)


BASE_CSS = """
.nv{font-family:"Noto Sans CJK SC","Source Han Sans SC","PingFang SC","Microsoft YaHei",sans-serif;
 color:#222;line-height:1.9;max-width:1100px;margin:0 auto;padding:12px 20px}
.nv h1{font-size:1.45em;margin:.2em 0 .3em}.nv h2{font-size:1.1em;margin:.8em 0 .3em}
.nv h3{font-size:1em;margin:.9em 0 .2em;color:#333}
.nv .page-head{border-bottom:3px solid #333;margin-bottom:8px}
.nv .page-head small{color:#666}
.nv .legend{background:#fafafa;border:1px solid #ddd;border-radius:6px;padding:4px 12px;margin:8px 0 16px;
 position:sticky;top:0;z-index:5}
.nv .legend h2{font-size:.85em;color:#555;margin:.3em 0}
.nv .legend ul{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:4px 14px}
.nv .legend-item{cursor:pointer;padding:0 6px;border-radius:4px;user-select:none}
.nv .legend-item:hover,.nv .legend-item.active{background:#e8e8e8}
.nv .legend-item code,.nv .legend-status code{color:#888;font-size:.8em}
.nv .legend-item .count{font-weight:bold}
.nv .legend-marks{font-size:.85em;margin:.3em 0}
.nv .swatch{display:inline-block;width:.9em;height:.9em;border-radius:2px;margin-right:4px;vertical-align:-1px}
.nv .document{border-top:2px solid #bbb;padding-top:6px;margin-top:20px}
.nv .meta{display:flex;flex-wrap:wrap;gap:2px 20px;margin:0;font-size:.9em}
.nv .meta div{display:flex;gap:6px}.nv .meta dt{color:#777}.nv .meta dd{margin:0}
.nv .doc-stats{font-size:.9em;margin:.3em 0}.nv .doc-stats .num{margin:0 8px 0 2px}
.nv .bar{display:flex;height:10px;border-radius:5px;overflow:hidden;margin:4px 0;max-width:700px}
.nv .cat-counts{list-style:none;margin:0;padding:0;font-size:.8em;display:flex;flex-wrap:wrap;gap:0 14px}
.nv .warning{color:#a15c00;font-size:.85em}
.nv .outline{font-size:.9em;background:#f6f8fa;border-radius:6px;padding:2px 12px;margin:10px 0}
.nv .outline ol{margin:0;padding-left:1.4em}.nv .outline a{color:#1a4f8b;text-decoration:none}
.nv .outline .n{color:#888;font-size:.85em}
.nv .section-title{border-left:4px solid #555;padding-left:8px}
.nv .measure{margin:.25em 0;text-align:justify}
.nv .measure-no{display:inline-block;min-width:1.4em;font-size:.75em;color:#999;vertical-align:top}
.nv .sentence{padding:1px 2px;margin:0 1px;border-radius:3px;box-decoration-break:clone;
 -webkit-box-decoration-break:clone;transition:opacity .15s}
.nv .sentence.review{outline:2px dashed #d32f2f;outline-offset:1px}
.nv .review-demo{padding:0 4px;outline:2px dashed #d32f2f;outline-offset:1px}
.nv .ent{text-decoration:underline;text-decoration-thickness:2px;text-underline-offset:3px;cursor:help}
.nv .ent.date{text-decoration-color:#d81b60}
.nv .ent.count{text-decoration-color:#0277bd;text-decoration-style:double}
.nv .badge{display:inline-block;font-size:.65em;line-height:1.5;color:#fff;border-radius:8px;
 padding:0 5px;margin-left:3px;vertical-align:2px;white-space:nowrap}
.nv .overdue{display:inline-block;font-size:.65em;line-height:1.5;color:#b71c1c;border:1px solid #b71c1c;
 border-radius:8px;padding:0 5px;margin-left:3px;vertical-align:2px;white-space:nowrap}
.nv.focus .sentence.dim{opacity:.25}
.nv.review-only .sentence:not(.review){opacity:.25}
@media print{.nv .legend{position:static}}
"""

JS = r"""
(function(){
  var root = document.currentScript && document.currentScript.closest('.nv');
  if (!root) { return; }
  var focused = null;
  function apply(){
    root.classList.toggle('focus', !!focused);
    root.querySelectorAll('.legend-item').forEach(function(li){
      li.classList.toggle('active', li.getAttribute('data-category') === focused);
    });
    root.querySelectorAll('.sentence[data-id]').forEach(function(s){
      s.classList.toggle('dim', !!focused && s.getAttribute('data-category') !== focused);
    });
  }
  root.querySelectorAll('.legend-item').forEach(function(li){
    function toggle(){
      var c = li.getAttribute('data-category');
      focused = (focused === c) ? null : c;
      apply();
    }
    li.addEventListener('click', toggle);
    li.addEventListener('keydown', function(e){ if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); toggle(); } });
  });
  var box = root.querySelector('#nv-review-only');
  if (box) { box.addEventListener('change', function(){ root.classList.toggle('review-only', box.checked); }); }
  // deep links: #focus=<category> focuses a category, #review shows only sentences to review
  var hash = decodeURIComponent(location.hash || '');
  var m = /focus=([A-Za-z0-9_-]+)/.exec(hash);
  if (m) { focused = m[1]; apply(); }
  if (/\breview\b/.test(hash) && box) { box.checked = true; root.classList.add('review-only'); }
  root.setAttribute('data-ready', '1');
})();
"""


def render_html(docs: list[dict] | dict, title: str | None = None, page: bool = True) -> str:
    """One self-contained HTML page for one or more ``Document.to_dict()`` dicts.

    ``page=False`` returns only the ``<div class="nv">`` fragment (with its own
    ``<style>`` and ``<script>``), for embedding, e.g. in a notebook via
    ``IPython.display.HTML``. Document objects are accepted too.
    """
    if isinstance(docs, dict) or hasattr(docs, "to_dict"):
        docs = [docs]
    docs = [d.to_dict() if hasattr(d, "to_dict") else d for d in docs]
    all_sentences = [s for d in docs for s in iter_sentences(d)]
    counts = _category_counts(all_sentences)
    order = _category_order(counts)
    if title is None:
        titles = [(d.get("meta") or {}).get("title") for d in docs]
        title = titles[0] if len(docs) == 1 and titles[0] else f"notice_nlp · {len(docs)} 份通报"
    body = (f'<div class="nv"><style>{_css(order)}</style>'
            f'<header class="page-head"><h1>{esc(title)}</h1><small>notice_nlp view · {len(docs)} 份文档 · '
            f'{len(all_sentences)} 句</small></header>'
            + _legend(counts, order)
            + "".join(_doc_html(d, n, order) for n, d in enumerate(docs, 1))
            + _footer(docs)
            + f"<script>{JS}</script></div>")
    if not page:
        return body
    return ('<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<title>{esc(title)}</title></head><body style="margin:0">{body}</body></html>\n')


def _footer(docs: list[dict]) -> str:
    """Provenance: which library version and which model made each distinct output."""
    from .export import producer_line
    lines = sorted({producer_line(d) for d in docs})
    return f'<footer class="producer"><small>{"<br>".join(esc(line) for line in lines)}</small></footer>'

