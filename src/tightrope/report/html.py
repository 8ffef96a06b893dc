"""The HTML situation report: one self-contained file (no CDN, works offline).

All article-derived text goes through Jinja2 autoescaping; nothing from an
article is ever marked safe.  Charts are inline SVG built here from numbers.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from tightrope.store.db import Store


def _env() -> Environment:
    return Environment(loader=PackageLoader("tightrope", "report/templates"),
                       autoescape=select_autoescape(["html", "j2"], default=True), trim_blocks=True,
                       lstrip_blocks=True)


def monthly_counts(events: list[dict[str, Any]]) -> list[tuple[str, int]]:
    c: Counter[str] = Counter()
    for e in events:
        if e["event_date"] and e["plover_type"] == "ASSAULT":
            c[str(e["event_date"])[:7]] += 1
    return sorted(c.items())


def bar_chart(series: list[tuple[str, float]], width: int = 640, height: int = 180) -> dict[str, Any]:
    """Geometry for an SVG bar chart; the template draws it (values escaped there)."""
    if not series:
        return {"bars": [], "width": width, "height": height}
    top = max(v for _, v in series) or 1
    bw = width / len(series)
    bars = []
    for i, (label, v) in enumerate(series):
        h = (height - 30) * v / top
        bars.append({"x": round(i * bw + 2, 1), "y": round(height - 20 - h, 1), "w": round(bw - 4, 1),
                     "h": round(h, 1), "label": label, "value": v})
    return {"bars": bars, "width": width, "height": height}


def build_context(store: Store) -> dict[str, Any]:
    docs = store.rows("documents")
    events = store.rows("events")
    statements = store.rows("statements")
    stats = store.rows("stats")
    relations = store.rows("relations")
    titles = {d["doc_id"]: d["title"] or d["path"] or d["doc_id"] for d in docs}
    events_sorted = sorted(events, key=lambda e: (str(e["event_date"] or "9999"), e["doc_id"], e["char_start"]))
    violent = [e for e in events if e["plover_type"] == "ASSAULT"]
    dates = [e["event_date"] for e in events if e["event_date"]]
    stat_series = sorted({(str(s["period_start"])[:7], s["value"]) for s in stats
                          if s["period_start"] and s["unit"] == "count"})
    return {
        "generated": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "n_docs": len(docs), "n_events": len(events), "n_violent": len(violent),
        "n_statements": len(statements), "n_stats": len(stats), "n_relations": len(relations),
        "fatalities": sum(e["fatalities"] or 0 for e in violent),
        "first": min(dates) if dates else None, "last": max(dates) if dates else None,
        "events": events_sorted, "statements": statements, "stats": stats, "relations": relations,
        "docs": docs, "titles": titles,
        "chart": bar_chart(monthly_counts(events)),
        "stat_chart": bar_chart([(k, v) for k, v in stat_series]),
        "by_type": Counter(e["sub_event_type"] or e["plover_type"] for e in events).most_common(),
    }


def render_report(store: Store) -> str:
    return _env().get_template("report.html.j2").render(**build_context(store))


def write_report(store: Store, out: Path) -> Path:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render_report(store), encoding="utf-8")
    return out
