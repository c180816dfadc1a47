"""A corpus report over the Parquet tables: one self-contained HTML page (README, "Corpus tables and report").

    notice-nlp report tables/ -o report.html --as-of 2025-10-01

    from notice_nlp.output.corpus_report import read_tables, summarize, render_report, write_report
    info = write_report("tables/", "report.html", as_of="2025-10-01")   # {"bytes": …, "seconds": …, …}
    summary = summarize(read_tables("tables/"), as_of="2025-10-01")    # the same figures as a dict

The page shows the notices and institutions covered; the completion rate by category, by
sector and by institution; a category × status heat map; a month-by-month timeline of
dated measures; and the overdue and open measures, each with its notice and deadline.
Plots are matplotlib SVG kept inline with their text as text, so the browser draws the
Chinese labels with the reader's own CJK font; the page needs no network and no script.

How the figures are reckoned, per measure sentence:

- **completion rate**: ``completed`` ÷ sentences whose status is stated (not ``none``);
- **open**: status ``unfinished``, ``in_progress`` or ``planned`` (work still to do);
- **overdue**: ``due_date`` (the last day ``due`` covers) before ``as_of`` and status not
  ``completed``. It is recomputed here for ``as_of`` (default today); the tables'
  ``overdue`` column was reckoned on the day they were tagged;
- **institution**: the document's ``issuer`` (else its title, else its source); **sector**:
  the first row of :data:`SECTORS` with a keyword in the issuer or title (else 其他);
- **dated**: the sentence has a ``due`` or a date known to the month; the timeline places it
  at the month of its ``due``, else of its latest such date.

The lists of overdue and open measures show at most ``max_rows`` rows each (the counts
above them are always complete). pyarrow and matplotlib (the ``corpus`` extra) are imported
only when a report is read or drawn.
"""
from __future__ import annotations

import datetime as dt
import io
import re
import time
import warnings
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import NoticeError
from ..taxonomy import STATUSES
from .view import STATUS_COLOURS, STATUS_NAMES, _category_order, _colours, category_name, esc

OPEN_STATUSES = ("unfinished", "in_progress", "planned")
MAX_ROWS = 1000  # rows of each measure list (overdue, open) on the page
TOP_INSTITUTIONS = 15  # institutions in the open/overdue chart
TIMELINE_YEARS = (6, 4)  # the timeline shows the years before and after as_of
# (sector, keywords in the issuer or title): the first row that matches wins, so the more
# specific rows come first (社区卫生服务中心 is health, not a neighbourhood; 教育工委 is education).
SECTORS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("卫生健康", ("医院", "卫生", "卫健", "健康", "疾控", "疾病预防", "医疗", "医保", "中医", "妇幼", "药品", "血站")),
    ("教育", ("教育", "教工委", "学校", "大学", "学院", "中学", "小学", "幼儿园", "中专", "职业技术")),
    ("政法", ("法院", "高院", "检察", "公安", "司法", "政法")),
    ("国有企业", ("公司", "集团", "银行")),
    ("群团组织", ("工会", "妇女", "婦女", "共青团", "红十字", "科学技术协会", "科协", "文联", "联合会", "残联")),
    ("宣传文化", ("文化", "旅游", "广电", "融媒体", "纪念馆", "博物馆", "考古", "社会科学", "宣传")),
    ("经济社会管理", ("发展和改革", "发改", "市场监督", "审计", "财政", "税务", "农业", "科学技术", "科技", "应急",
                "交通", "水务", "城市管理", "自然资源", "住房", "建设", "生态环境", "商务", "统计", "民政",
                "人力资源", "开发区", "开发建设", "管理局")),
    ("乡镇街道", ("街道", "乡", "镇", "社区", "村")),
    ("党委政府", ("区委", "市委", "县委", "省委", "旗委", "工委", "人民政府", "区政府", "市政府", "县政府")),
)
OTHER_SECTOR = "其他"
FONTS = ["Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Zen Hei", "WenQuanYi Micro Hei", "SimHei",
         "Microsoft YaHei", "PingFang SC", "Heiti SC", "DejaVu Sans"]
_CJK_FILE = re.compile(r"cjk|wqy|wenquanyi|simhei|msyh|yahei|pingfang|sourcehan|source-han|droidsansfallback",
                       re.IGNORECASE)
_SENTENCE_COLUMNS = ["doc_key", "sentence_id", "issue_title", "text", "category", "status", "due", "due_date",
                     "dates"]
_DOCUMENT_COLUMNS = ["doc_key", "source", "title", "issuer", "doc_date", "issues", "issues_completed", "as_of"]
_FINE_DATES = {"date", "month", "part", "range", "deadline"}  # types that can name a month


@dataclass
class Corpus:
    """The columns of the tables a report needs: ``documents`` (one dict per document),
    ``sentences`` (column name → list, plus ``months``: each sentence's latest date known to
    the month, ISO ``YYYY-MM``, or None), the error records and the folder."""
    folder: Path
    documents: list[dict]
    sentences: dict[str, list]
    errors: list[dict] = field(default_factory=list)


# --- reading ------------------------------------------------------------------

def read_tables(folder: str | Path) -> Corpus:
    """Read the ``documents``, ``sentences`` (and ``errors``) tables of a folder written by
    ``notice-nlp tag … --format parquet -o DIR``.

    Raises:
        NoticeError: the folder is missing, holds no tables, or a part file cannot be read
            (the message names the file and how to write the tables).
        MissingDependency: pyarrow is not installed.
    """
    from .parquet import require_pyarrow
    pa, pq = require_pyarrow()
    folder = Path(folder)
    how = f"write them with: notice-nlp tag NOTICES --format parquet -o {folder}"
    if not folder.is_dir():
        raise NoticeError(f"{folder}: no such folder of tables; {how}")
    for name in ("documents", "sentences"):
        if not _parts(folder / name):
            raise NoticeError(f"{folder} is not a folder of notice_nlp tables: no {name}/*.parquet in it; {how}")
    documents = _read(pa, pq, folder / "documents", _DOCUMENT_COLUMNS).to_pylist()
    table = _read(pa, pq, folder / "sentences", _SENTENCE_COLUMNS)
    sentences = {name: table.column(name).to_pylist() for name in _SENTENCE_COLUMNS if name != "dates"}
    sentences["months"] = _latest_months(pa, table.column("dates"))
    errors = _read(pa, pq, folder / "errors", ["source", "error", "message"]).to_pylist() \
        if _parts(folder / "errors") else []
    return Corpus(folder, documents, sentences, errors)


def _parts(folder: Path) -> list[Path]:
    """A table's part files; hidden ones (a run still writing) are not parts yet."""
    return sorted(p for p in folder.glob("*.parquet") if not p.name.startswith((".", "_"))) if folder.is_dir() else []


def _read(pa, pq, folder: Path, columns: list[str]):
    tables = []
    for part in _parts(folder):
        try:
            tables.append(pq.read_table(part, columns=columns))
        except (pa.ArrowException, OSError, KeyError) as exc:
            raise NoticeError(f"{part}: not a readable part of the {folder.name} table ({exc}); "
                              "remove it, or rewrite the tables with notice-nlp tag … --format parquet") from None
    return pa.concat_tables(tables, promote_options="default")


def _latest_months(pa, dates) -> list[str | None]:
    """Per sentence, the latest point of its dates known to the month (``YYYY-MM``)."""
    import pyarrow.compute as pc
    from ..tagging.due import _end_point

    dates = dates.combine_chunks() if hasattr(dates, "combine_chunks") else dates
    months: list[str | None] = [None] * len(dates)
    flat = pc.list_flatten(dates)
    owners = pc.list_parent_indices(dates).to_pylist()
    kinds, values = pc.struct_field(flat, "type").to_pylist(), pc.struct_field(flat, "value").to_pylist()
    for owner, kind, value in zip(owners, kinds, values):
        point = _end_point(value) if kind in _FINE_DATES and value else None
        if point and len(point) >= 7 and (months[owner] is None or point[:7] > months[owner]):
            months[owner] = point[:7]
    return months


# --- the figures --------------------------------------------------------------

def sector_of(*names: str | None, sectors=SECTORS) -> str:
    """The sector of an institution from its names, the most telling first (issuer, then
    title): the first row of ``sectors`` with a keyword in the first name that has one, else 其他.

    >>> sector_of("张范街道社区卫生服务中心"), sector_of("", "中共厦门市教育局党组关于…的通报")
    ('卫生健康', '教育')
    """
    for text in names:
        found = next((sector for sector, words in sectors if text and any(w in text for w in words)), None)
        if found:
            return found
    return OTHER_SECTOR


def summarize(corpus: Corpus, as_of: str | dt.date | None = None, sectors=SECTORS) -> dict[str, Any]:
    """The report's figures as plain data: totals, ``by_category``, ``by_sector``,
    ``by_institution`` (lists of groups with ``sentences``, ``stated``, ``completed``,
    ``completion``, ``open``, ``overdue``, ``by_status``), ``heat`` (category → status →
    sentences), ``timeline`` (``YYYY-MM`` → status → sentences), and the measures themselves:
    ``overdue_measures`` and ``open_measures`` (open, not overdue), all of them, most pressing
    first. Overdue is reckoned at ``as_of``
    (default today) from ``due_date`` and status."""
    from ..tagging.due import as_of_date
    day = as_of_date(as_of)
    docs = {}
    for d in corpus.documents:
        institution = (d.get("issuer") or "").strip() or (d.get("title") or "").strip() or d.get("source") or "?"
        docs.setdefault(d["doc_key"], {**d, "institution": institution,
                                       "sector": sector_of(d.get("issuer"), d.get("title"), sectors=sectors)})
    groups = {"category": defaultdict(_Group), "sector": defaultdict(_Group), "institution": defaultdict(_Group)}
    heat: dict[str, Counter] = defaultdict(Counter)
    timeline: dict[str, Counter] = defaultdict(Counter)
    overdue, open_ = [], []
    s = corpus.sentences
    for i, key in enumerate(s["doc_key"]):
        doc = docs.get(key)
        if doc is None:  # a sentence whose document row is missing (a part deleted by hand)
            continue
        category, status, due_date = s["category"][i] or "other", s["status"][i] or "none", s["due_date"][i]
        late = due_date is not None and due_date < day and status != "completed"
        is_open = status in OPEN_STATUSES
        for name, group in (("category", category), ("sector", doc["sector"]), ("institution", doc["institution"])):
            groups[name][group].add(key, status, is_open, late)
        heat[category][status] += 1
        month = f"{due_date:%Y-%m}" if due_date else s["months"][i]
        if month:
            timeline[month][status] += 1
        if late or is_open:
            row = {"doc_key": key, "sentence_id": s["sentence_id"][i], "title": doc.get("title"),
                   "institution": doc["institution"], "source": doc.get("source"), "issue": s["issue_title"][i],
                   "text": s["text"][i], "category": category, "status": status, "due": s["due"][i],
                   "due_date": due_date, "days_overdue": (day - due_date).days if late else None}
            (overdue if late else open_).append(row)
    overdue.sort(key=lambda r: (r["due_date"], r["institution"], r["doc_key"], r["sentence_id"]))
    open_.sort(key=lambda r: (r["due_date"] is None, r["due_date"] or day, r["institution"], r["doc_key"],
                              r["sentence_id"]))
    category_order = _category_order(groups["category"])
    issues: dict[str, Counter] = defaultdict(Counter)
    for d in docs.values():
        issues[d["institution"]].update(issues=d.get("issues") or 0, issues_completed=d.get("issues_completed") or 0)
    sector = {d["institution"]: d["sector"] for d in docs.values()}
    by_institution = [_row(name, g, sector=sector[name], issues=issues[name]["issues"],
                           issues_completed=issues[name]["issues_completed"])
                      for name, g in groups["institution"].items()]
    by_institution.sort(key=lambda r: (-r["overdue"], -r["open"], r["key"]))
    tagged_as_of = sorted({d["as_of"].isoformat() for d in docs.values() if d.get("as_of")})
    return {
        "folder": str(corpus.folder), "as_of": day.isoformat(), "tagged_as_of": tagged_as_of,
        "notices": len(docs), "institutions": len({d["institution"] for d in docs.values()}),
        "sectors": len({d["sector"] for d in docs.values()}),
        "sentences": sum(g.sentences for g in groups["category"].values()),
        "stated": sum(g.stated for g in groups["category"].values()),
        "completed": sum(g.completed for g in groups["category"].values()),
        "open": sum(g.open for g in groups["category"].values()),
        "overdue": len(overdue), "dated": sum(sum(c.values()) for c in timeline.values()),
        "issues": sum(d.get("issues") or 0 for d in docs.values()),
        "issues_completed": sum(d.get("issues_completed") or 0 for d in docs.values()),
        "errors": corpus.errors,
        "by_category": [_row(c, groups["category"][c], name=category_name(c)) for c in category_order
                        if c in groups["category"]],
        "by_sector": sorted((_row(name, g) for name, g in groups["sector"].items()),
                            key=lambda r: (r["key"] == OTHER_SECTOR, -r["sentences"], r["key"])),
        "by_institution": by_institution,
        "heat": {c: dict(heat[c]) for c in category_order if c in heat},
        "timeline": {m: dict(timeline[m]) for m in sorted(timeline)},
        "overdue_measures": overdue, "open_measures": open_,
    }


class _Group:
    def __init__(self):
        self.docs: set[str] = set()
        self.by_status: Counter = Counter()
        self.sentences = self.open = self.overdue = 0

    def add(self, key: str, status: str, is_open: bool, late: bool) -> None:
        self.docs.add(key)
        self.by_status[status] += 1
        self.sentences += 1
        self.open += is_open
        self.overdue += late

    @property
    def stated(self) -> int:
        return self.sentences - self.by_status["none"]

    @property
    def completed(self) -> int:
        return self.by_status["completed"]


def _row(key: str, g: _Group, **extra) -> dict:
    return {"key": key, "name": extra.pop("name", key), "notices": len(g.docs), "sentences": g.sentences,
            "stated": g.stated, "completed": g.completed, "completion": g.completed / g.stated if g.stated else None,
            "open": g.open, "overdue": g.overdue, "by_status": {s: g.by_status[s] for s in STATUSES}, **extra}


# --- plots --------------------------------------------------------------------

_FONT_READY: list[str] = []


def _font_family() -> list[str]:
    """The font list for the plots, a CJK font found on this machine first (registered with
    matplotlib if its cache does not know it). With none, the SVG text still names the usual
    CJK fonts and the browser finds one."""
    if not _FONT_READY:
        from matplotlib import font_manager
        known = {f.name for f in font_manager.fontManager.ttflist}
        found = [name for name in FONTS[:-1] if name in known]
        if not found:
            for path in sorted(font_manager.findSystemFonts()):
                if _CJK_FILE.search(Path(path).name) and "serif" not in Path(path).name.lower().replace("sans", ""):
                    try:
                        font_manager.fontManager.addfont(path)
                    except (OSError, RuntimeError, ValueError):
                        continue
            known = {f.name for f in font_manager.fontManager.ttflist}
            found = [name for name in FONTS[:-1] if name in known] + sorted(
                n for n in known if "CJK SC" in n and "Mono" not in n and n not in FONTS)
        _FONT_READY.extend(dict.fromkeys(found + FONTS))
    return _FONT_READY


def _require_matplotlib():
    try:
        import matplotlib
        from matplotlib.figure import Figure
    except ImportError:
        from .parquet import MissingDependency
        raise MissingDependency("the corpus report needs matplotlib: pip install 'notice_nlp[corpus]'") from None
    return matplotlib, Figure


def _svg(draw, size: tuple[float, float], name: str) -> str:
    """One figure drawn by ``draw(fig)`` as inline SVG; text kept as text, ids prefixed so
    several figures can share a page."""
    matplotlib, Figure = _require_matplotlib()
    rc = {"svg.fonttype": "none", "svg.hashsalt": name, "font.family": "sans-serif",
          "font.sans-serif": _font_family(), "font.size": 9, "axes.spines.top": False, "axes.spines.right": False}
    with matplotlib.rc_context(rc), warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Glyph .* missing from font")  # the browser draws the text
        warnings.filterwarnings("ignore", message="findfont")
        fig = Figure(figsize=size, dpi=96, layout="constrained")
        draw(fig)
        buffer = io.StringIO()
        fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg"):]
    svg = re.sub(r"<metadata>.*?</metadata>\s*", "", svg, flags=re.S)
    svg = re.sub(r'\bid="([^"]+)"', rf'id="{name}-\1"', svg)
    svg = re.sub(r'(url\(#|href="#)([^")]+)', rf"\1{name}-\2", svg)
    return svg.replace("<svg ", f'<svg class="plot" role="img" aria-label="{esc(name)}" ', 1)


def _status_bars(groups: list[dict], title: str, name: str) -> str:
    """Horizontal 100 % bars of status shares, one per group, its completion rate beside it."""
    def draw(fig):
        ax = fig.subplots()
        ys = range(len(groups))
        left = [0.0] * len(groups)
        for status in STATUSES:
            shares = [g["by_status"][status] / g["sentences"] if g["sentences"] else 0 for g in groups]
            ax.barh(ys, shares, left=left, color=STATUS_COLOURS[status], height=0.7,
                    label=f"{STATUS_NAMES[status]} {status}")
            left = [a + b for a, b in zip(left, shares)]
        for y, g in zip(ys, groups):
            rate = "—" if g["completion"] is None else f"{g['completion']:.0%}"
            ax.text(1.02, y, f"完成率 {rate}  (n={g['sentences']})", va="center", fontsize=8)
        ax.set_yticks(list(ys), [g["name"] for g in groups])
        ax.invert_yaxis()
        ax.set_xlim(0, 1)
        ax.xaxis.set_major_formatter(lambda x, _: f"{x:.0%}")
        ax.set_title(title, loc="left")
        fig.legend(ncols=6, loc="outside lower center", fontsize=7, frameon=False)
    return _svg(draw, (9.5, 1.5 + 0.32 * len(groups)), name)


def _heat_map(heat: dict[str, dict], name: str) -> str:
    cats = list(heat)
    statuses = [s for s in STATUSES if any(heat[c].get(s) for c in cats)] or list(STATUSES)
    grid = [[heat[c].get(s, 0) for s in statuses] for c in cats]

    def draw(fig):
        ax = fig.subplots()
        image = ax.imshow(grid, cmap="YlOrRd", aspect="auto")
        peak = max(max(row) for row in grid) or 1
        for y, row in enumerate(grid):
            for x, n in enumerate(row):
                ax.text(x, y, str(n), ha="center", va="center", fontsize=8,
                        color="white" if n > peak * 0.6 else "#222")
        ax.set_xticks(range(len(statuses)), [f"{STATUS_NAMES[s]}\n{s}" for s in statuses])
        ax.set_yticks(range(len(cats)), [category_name(c) for c in cats])
        ax.tick_params(length=0)
        for side in ax.spines.values():
            side.set_visible(False)
        ax.set_title("类别 × 状态（措施句数）", loc="left")
        fig.colorbar(image, ax=ax, shrink=0.8, label="句数")
    return _svg(draw, (8.5, 1.0 + 0.42 * len(cats)), name)


def _timeline(timeline: dict[str, dict], as_of: str, name: str) -> str:
    """Monthly stacked bars of dated measures by status, in the window of TIMELINE_YEARS
    around ``as_of`` (a note says how many fall outside)."""
    day = dt.date.fromisoformat(as_of)
    lo, hi = f"{day.year - TIMELINE_YEARS[0]}-{day.month:02d}", f"{day.year + TIMELINE_YEARS[1]}-{day.month:02d}"
    months = [m for m in timeline if lo <= m <= hi]
    outside = sum(sum(c.values()) for m, c in timeline.items() if not lo <= m <= hi)
    note = (f'<p class="more">{outside} dated measures outside {lo} … {hi} not drawn.</p>' if outside else "")
    if not months:
        return note
    span = [_month(months[0])]
    while span[-1] < _month(months[-1]):
        d = span[-1]
        span.append(dt.date(d.year + d.month // 12, d.month % 12 + 1, 1))

    def draw(fig):
        ax = fig.subplots()
        bottom = dict.fromkeys(span, 0)
        for status in STATUSES:
            bars = [(m, n) for m in span if (n := timeline.get(f"{m:%Y-%m}", {}).get(status, 0))]
            if bars:
                ax.bar([m for m, _ in bars], [n for _, n in bars], bottom=[bottom[m] for m, _ in bars], width=25,
                       align="edge", color=STATUS_COLOURS[status], label=f"{STATUS_NAMES[status]} {status}")
                for m, n in bars:
                    bottom[m] += n
        ax.axvline(day, color="#c62828", linestyle="--", linewidth=1.2)
        ax.annotate(f"as of {as_of}", (day, 1), xycoords=("data", "axes fraction"), xytext=(3, -10),
                    textcoords="offset points", color="#c62828", fontsize=8)
        ax.set_ylabel("措施句数")
        ax.set_title("有日期的措施：按月（期限，否则最晚日期）", loc="left")
        fig.legend(ncols=6, loc="outside lower center", fontsize=7, frameon=False)
        for tick in ax.get_xticklabels():
            tick.set_rotation(30)
            tick.set_horizontalalignment("right")
    return _svg(draw, (9.5, 3.4), name) + note


def _month(iso: str) -> dt.date:
    return dt.date(int(iso[:4]), int(iso[5:7]), 1)


def _institution_bars(rows: list[dict], name: str) -> str:
    def draw(fig):
        ax = fig.subplots()
        ys = range(len(rows))
        ax.barh([y - 0.2 for y in ys], [r["open"] for r in rows], height=0.4, color=STATUS_COLOURS["planned"],
                label="未完成的措施 open")
        ax.barh([y + 0.2 for y in ys], [r["overdue"] for r in rows], height=0.4, color="#c62828",
                label="逾期 overdue")
        ax.set_yticks(list(ys), [_short(r["key"], 22) for r in rows])
        ax.invert_yaxis()
        ax.set_xlabel("措施句数")
        ax.set_title(f"未完成与逾期最多的单位（前 {len(rows)}）", loc="left")
        ax.legend(loc="lower right", fontsize=7, frameon=False)
    return _svg(draw, (9.5, 1.0 + 0.34 * len(rows)), name)


def _short(text: str | None, n: int) -> str:
    text = text or ""
    return text if len(text) <= n else text[: n - 1] + "…"


# --- the page -----------------------------------------------------------------

CSS = """
body{font-family:"Noto Sans CJK SC","Source Han Sans SC","PingFang SC","Microsoft YaHei","WenQuanYi Micro Hei",
"SimHei",sans-serif;margin:0;color:#222;background:#fafafa;line-height:1.5}
main{max-width:1180px;margin:0 auto;padding:1.5em 2em 3em}
h1{font-size:1.6em;margin:.2em 0}h2{font-size:1.25em;margin:1.8em 0 .5em;border-bottom:2px solid #ddd}
.sub{color:#666;font-size:.9em}
.figures{display:flex;flex-wrap:wrap;gap:.8em;margin:1em 0;padding:0}
.figures div{background:#fff;border:1px solid #ddd;border-radius:6px;padding:.5em 1em;min-width:8em}
.figures dt{color:#666;font-size:.85em}.figures dd{margin:0;font-size:1.6em;font-weight:600}
.figures .alert dd{color:#c62828}
svg.plot{display:block;max-width:100%;height:auto;background:#fff;margin:.5em 0}
table{border-collapse:collapse;background:#fff;font-size:.88em;margin:.5em 0;width:100%}
th,td{border:1px solid #ddd;padding:3px 7px;text-align:left;vertical-align:top}
th{background:#f0f0f0;position:sticky;top:0}td.n{text-align:right;font-variant-numeric:tabular-nums}
.swatch{display:inline-block;width:.8em;height:.8em;border-radius:2px;margin-right:.3em;vertical-align:-.05em}
.status{display:inline-block;padding:0 .4em;border-radius:3px;color:#fff;font-size:.85em;white-space:nowrap}
tr.late td.due{color:#c62828;font-weight:600}.more{color:#666;font-style:italic}
details{margin:.5em 0}summary{cursor:pointer;color:#1565c0}
footer{margin-top:3em;color:#888;font-size:.8em}
"""


def render_report(summary: dict[str, Any], title: str | None = None, max_rows: int = MAX_ROWS) -> str:
    """One self-contained HTML page (inline CSS and SVG, no script) from :func:`summarize`'s
    figures. Every value from the tables is escaped."""
    from .. import __version__
    title = title or "巡察整改通报：语料报告"
    s = summary
    rate = f"{s['completed'] / s['stated']:.0%}" if s["stated"] else "—"
    figures = [("notices", "通报 notices", s["notices"]), ("institutions", "单位 institutions", s["institutions"]),
               ("sentences", "措施句 sentences", s["sentences"]), ("completion", "完成率 completion", rate),
               ("open", "未完成 open", s["open"]), ("overdue", "逾期 overdue", s["overdue"]),
               ("dated", "有日期 dated", s["dated"]), ("errors", "读取失败 failed files", len(s["errors"]))]
    cards = "".join(f'<div data-figure="{key}" class="{"alert" if key == "overdue" and value else ""}">'
                    f"<dt>{esc(label)}</dt><dd>{esc(value)}</dd></div>" for key, label, value in figures)
    tagged = ", ".join(s["tagged_as_of"]) or "—"
    parts = [
        f'<header><h1>{esc(title)}</h1><p class="sub">表格 tables: <code>{esc(s["folder"])}</code> · '
        f'逾期按 <b data-as-of="{esc(s["as_of"])}">{esc(s["as_of"])}</b> 计算 (overdue as of; the tables were tagged '
        f"as of {esc(tagged)}) · {s['issues']} 个问题，其中 {s['issues_completed']} 个已整改完成 "
        f"({s['issues']} issues, {s['issues_completed']} completed)</p></header>",
        f'<dl class="figures">{cards}</dl>',
    ]
    if not s["sentences"]:
        parts.append("<p>这些表格中没有措施句。 (No measure sentences in these tables.)</p>")
    else:
        parts += [
            '<section id="by-category"><h2>完成率：按类别 <span class="sub">completion by category</span></h2>',
            _status_bars(s["by_category"], "各类别措施的状态构成", "by-category"),
            _group_table(s["by_category"], "by-category", "类别 category", swatch=True), "</section>",
            '<section id="heat"><h2>类别 × 状态 <span class="sub">category × status</span></h2>',
            _heat_map(s["heat"], "heat"), _heat_table(s["heat"]), "</section>",
            '<section id="by-sector"><h2>完成率：按领域 <span class="sub">completion by sector</span></h2>',
            _status_bars(s["by_sector"], "各领域措施的状态构成（领域由单位名称推断）", "by-sector"),
            _group_table(s["by_sector"], "by-sector", "领域 sector"), "</section>",
            '<section id="by-institution"><h2>按单位 <span class="sub">by institution</span></h2>',
        ]
        busiest = [r for r in s["by_institution"] if r["open"] or r["overdue"]][:TOP_INSTITUTIONS]
        parts.append(_institution_bars(busiest, "institutions") if busiest else "<p>没有未完成或逾期的措施。</p>")
        parts += [_group_table(s["by_institution"], "by-institution", "单位 institution", institution=True),
                  "</section>",
                  '<section id="timeline"><h2>时间线 <span class="sub">timeline of dated measures</span></h2>',
                  _timeline(s["timeline"], s["as_of"], "timeline") if s["timeline"]
                  else "<p>没有带日期的措施。 (No dated measures.)</p>", "</section>"]
    parts += [
        f'<section id="overdue"><h2>逾期的措施 <span class="sub">overdue measures: due before {esc(s["as_of"])}, '
        f"not completed ({s['overdue']})</span></h2>",
        _measure_table(s["overdue_measures"], "overdue", max_rows), "</section>",
        f'<section id="open"><h2>未完成、未逾期的措施 <span class="sub">open measures (unfinished, in progress, '
        f"planned), not overdue ({len(s['open_measures'])})</span></h2>",
        _measure_table(s["open_measures"], "open", max_rows), "</section>",
    ]
    if s["errors"]:
        rows = "".join(f"<tr><td>{esc(e.get('source'))}</td><td>{esc(e.get('error'))}</td>"
                       f"<td>{esc(e.get('message'))}</td></tr>" for e in s["errors"][:max_rows])
        parts.append(f'<section id="errors"><h2>读取失败的文件 <span class="sub">failed files '
                     f"({len(s['errors'])})</span></h2><details><summary>列表 list</summary>"
                     f'<table class="errors"><tr><th>文件 source</th><th>错误 error</th><th>说明 message</th></tr>'
                     f"{rows}</table></details></section>")
    footer = (f"<footer>notice_nlp {esc(__version__)} · completion = completed ÷ sentences with a stated status; "
              "open = unfinished, in progress or planned; overdue = due before the as-of day and not completed; "
              "sector inferred from the institution's name.</footer>")
    return (f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1"><title>{esc(title)}</title>'
            f"<style>{CSS}</style></head><body><main>{''.join(parts)}{footer}</main></body></html>")


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.1%}"


def _group_table(rows: list[dict], cls: str, head: str, swatch: bool = False, institution: bool = False) -> str:
    extra_head = "<th>领域 sector</th><th>通报</th><th>问题 完成/总数</th>" if institution else "<th>通报</th>"
    lines = [f'<table class="{cls}"><tr><th>{esc(head)}</th>{extra_head}<th>措施句</th><th>状态已知</th>'
             "<th>已完成</th><th>完成率</th><th>未完成</th><th>逾期</th></tr>"]
    for r in rows:
        mark = f'<span class="swatch" style="background:{_colours(r["key"])[1]}"></span>' if swatch else ""
        name = f"{esc(r['name'])} <span class=\"sub\">{esc(r['key'])}</span>" if r["name"] != r["key"] else esc(r["key"])
        extra = (f"<td>{esc(r['sector'])}</td><td class=\"n\">{r['notices']}</td>"
                 f"<td class=\"n\">{r['issues_completed']}/{r['issues']}</td>" if institution
                 else f"<td class=\"n\">{r['notices']}</td>")
        lines.append(
            f'<tr data-key="{esc(r["key"])}" data-sentences="{r["sentences"]}" data-stated="{r["stated"]}" '
            f'data-completed="{r["completed"]}" data-open="{r["open"]}" data-overdue="{r["overdue"]}">'
            f"<td>{mark}{name}</td>{extra}<td class=\"n\">{r['sentences']}</td><td class=\"n\">{r['stated']}</td>"
            f"<td class=\"n\">{r['completed']}</td><td class=\"n\">{_percent(r['completion'])}</td>"
            f"<td class=\"n\">{r['open']}</td><td class=\"n\">{r['overdue']}</td></tr>")
    table = "".join(lines) + "</table>"
    return f"<details><summary>全部 {len(rows)} 个单位 (all institutions)</summary>{table}</details>" \
        if institution and len(rows) > TOP_INSTITUTIONS else table


def _heat_table(heat: dict[str, dict]) -> str:
    head = "".join(f"<th>{esc(STATUS_NAMES[s])} <span class=\"sub\">{s}</span></th>" for s in STATUSES)
    rows = "".join(f"<tr><td>{esc(category_name(c))}</td>" + "".join(
        f'<td class="n" data-category="{esc(c)}" data-status="{s}">{counts.get(s, 0)}</td>' for s in STATUSES)
        + "</tr>" for c, counts in heat.items())
    return (f'<details><summary>数字 (the numbers)</summary><table class="heat"><tr><th>类别</th>{head}</tr>'
            f"{rows}</table></details>")


def _measure_table(rows: list[dict], cls: str, max_rows: int) -> str:
    if not rows:
        return "<p>无。 (None.)</p>"
    lines = [f'<table class="measures {cls}"><tr><th>期限 due</th><th>逾期天数</th><th>单位 · 通报</th>'
             "<th>问题 issue</th><th>措施 measure</th><th>类别</th><th>状态</th></tr>"]
    for r in rows[:max_rows]:
        status = r["status"]
        lines.append(
            f'<tr class="{"late" if r["days_overdue"] is not None else ""}" data-doc="{esc(r["doc_key"])}" '
            f'data-sentence="{esc(r["sentence_id"])}" data-due="{esc(r["due"] or "")}">'
            f'<td class="due">{esc(r["due"] or "—")}</td><td class="n">{esc(r["days_overdue"] or "")}</td>'
            f'<td>{esc(r["institution"])}<br><span class="sub" title="{esc(r["source"])}">'
            f'{esc(_short(r["title"], 60))}</span></td><td>{esc(_short(r["issue"], 60))}</td>'
            f"<td>{esc(r['text'])}</td><td>{esc(category_name(r['category']))}</td>"
            f'<td><span class="status" style="background:{STATUS_COLOURS.get(status, "#9e9e9e")}">'
            f"{esc(STATUS_NAMES.get(status, status))}</span></td></tr>")
    more = (f'<p class="more">… {len(rows) - max_rows} more not listed (first {max_rows} shown; '
            f"--max-rows raises the limit)</p>" if len(rows) > max_rows else "")
    return "".join(lines) + "</table>" + more


def write_report(folder: str | Path, output: str | Path, as_of: str | dt.date | None = None, *,
                 title: str | None = None, max_rows: int = MAX_ROWS) -> dict[str, Any]:
    """Read the tables in ``folder``, write the report to ``output``; returns ``path``,
    ``bytes``, ``seconds`` and the headline figures (notices, institutions, sentences,
    open, overdue, as_of). Raises NoticeError for a folder without tables (see
    :func:`read_tables`) and MissingDependency without pyarrow or matplotlib."""
    started = time.perf_counter()
    summary = summarize(read_tables(folder), as_of)
    page = render_report(summary, title, max_rows)
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(page, encoding="utf-8")
    return {"path": str(output), "bytes": len(page.encode("utf-8")), "seconds": time.perf_counter() - started,
            **{k: summary[k] for k in ("as_of", "notices", "institutions", "sentences", "open", "overdue")}}
