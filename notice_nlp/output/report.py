"""A self-contained HTML evaluation report: metric tables, confusion matrix, worst errors."""
from __future__ import annotations

import base64
import html
import io

from ..evaluate import Predicted
from ..taxonomy import categories

WORST_ERRORS = 25


def confusion_png(predicted: list[Predicted]) -> bytes:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from sklearn.metrics import ConfusionMatrixDisplay

    labels = [c for c in categories() if any(p.record["category"] == c or p.prediction.category == c
                                             for p in predicted)]
    fig, ax = plt.subplots(figsize=(7, 6), dpi=110)
    ConfusionMatrixDisplay.from_predictions([p.record["category"] for p in predicted],
                                            [p.prediction.category for p in predicted], labels=labels,
                                            ax=ax, colorbar=False, xticks_rotation=45, cmap="Blues")
    ax.set_title("category: gold (rows) vs predicted (columns)")
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    plt.close(fig)
    return buffer.getvalue()


def _table(headers: list[str], rows: list[list]) -> str:
    head = "".join(f"<th>{html.escape(str(h))}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


def render(result: dict, predicted: list[Predicted], title: str = "notice_nlp evaluation") -> str:
    summary = [[k, result[k]] for k in ("sentences", "documents", "macro_f1", "micro_f1",
                                         "subcategory_accuracy", "status_macro_f1", "status_accuracy")]
    per_cat = [[c, m["precision"], m["recall"], m["f1"], m["support"]] for c, m in result["category"].items()]
    spans = [[kind] + [result[kind][k] for k in ("gold", "predicted", "precision", "recall", "f1", "value_accuracy")]
             for kind in ("dates", "counts")]
    wrong = sorted((p for p in predicted if p.prediction.category != p.record["category"]),
                   key=lambda p: -p.prediction.score)[:WORST_ERRORS]
    errors = [[p.record["id"], p.record["category"], p.prediction.category, f"{p.prediction.score:.2f}",
               p.record["text"]] for p in wrong]
    picture = base64.b64encode(confusion_png(predicted)).decode()
    return f"""<!DOCTYPE html><html lang="zh"><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<style>body{{font-family:sans-serif;margin:2em;max-width:1100px}}table{{border-collapse:collapse;margin:1em 0}}
td,th{{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top}}th{{background:#f3f3f3}}</style></head>
<body><h1>{html.escape(title)}</h1>
<h2>Summary</h2>{_table(["metric", "value"], summary)}
<h2>Categories</h2>{_table(["category", "precision", "recall", "F1", "support"], per_cat)}
<h2>Confusion matrix</h2><img alt="confusion matrix" src="data:image/png;base64,{picture}">
<h2>Dates and counts (exact spans)</h2>{_table(["spans", "gold", "predicted", "precision", "recall", "F1", "value accuracy"], spans)}
<h2>Most confident errors</h2>{_table(["id", "gold", "predicted", "score", "text"], errors)}
</body></html>"""
