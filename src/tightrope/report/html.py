"""The HTML situation report: one self-contained file (no CDN, works offline).

All article-derived text goes through Jinja2 autoescaping; nothing from an
article is ever marked safe.  The only ``|safe`` values are our own CSS and JS,
read from package files; the page's Content-Security-Policy allows exactly that
script (by hash), so even a markup bug could not run injected script.
Charts, map and network are inline SVG built from numbers in sibling modules.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
from collections import Counter
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from tightrope.report import charts, data, geomap, network, outlook
from tightrope.report.spans import segments
from tightrope.store.db import Store

TEMPLATES = Path(__file__).parent / "templates"
KEY_EVENTS = 15


@lru_cache(maxsize=1)
def _env() -> Environment:
    env = Environment(loader=PackageLoader("tightrope", "report/templates"),
                      autoescape=select_autoescape(["html", "j2"], default=True, default_for_string=True),
                      trim_blocks=True, lstrip_blocks=True)
    env.globals["admin_label"] = data.admin_label
    env.filters["num"] = lambda v: "" if v is None else (f"{v:,.0f}" if float(v).is_integer() else f"{v:,.2f}")
    return env


def csp_hash(source: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(source.encode("utf-8")).digest()).decode("ascii")


def _actor_types() -> dict[str, str]:
    try:
        from tightrope.resolve.actors import ActorKB

        return {a.actor_id: a.actor_type for a in ActorKB.load().actors()}
    except Exception:  # a broken user KB file: the report still renders, minus type-based sections
        return {}


def key_events(d: dict[str, Any], firsts: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], str]:
    """The rows of the key-events timeline, and where they came from.

    Merged incidents (``canonical_events``) when the merge stage has run: the most
    reported ones.  Otherwise day-dated attacks with deaths, plus each group's first
    operation, one row per (date, actors, place) so repeated mentions collapse.
    """
    canon = d.get("canonical") or []
    if canon and "canonical_event_id" in canon[0]:
        members: dict[str, list[str]] = {}
        for m in d.get("canonical_members") or []:
            members.setdefault(m["canonical_event_id"], []).append(m["event_id"])
        top = sorted(canon, key=lambda c: (-(c.get("n_documents") or 0), -(c.get("fatalities") or 0)))[:KEY_EVENTS]
        rows = [{**c, "event_date": str(c.get("event_date") or ""), "ids": members.get(c["canonical_event_id"], [])}
                for c in top]
        return sorted(rows, key=lambda r: r["event_date"]), "merged incidents (most reported)"
    seen: dict[tuple, dict[str, Any]] = {}
    first_ids = {e["event_id"] for e in firsts}
    for e in d["events"]:
        if not (e["event_id"] in first_ids or (e.get("plover_type") == data.VIOLENT and e.get("fatalities")
                                               and e.get("date_precision") == "day")):
            continue
        k = (e["event_date"], e.get("actor1"), e.get("actor2"), e.get("location"))
        row = seen.setdefault(k, {**e, "ids": []})
        row["ids"].append(e["event_id"])
        row["first"] = row.get("first") or e["event_id"] in first_ids
    rows = sorted(seen.values(), key=lambda r: r["event_date"] or "")
    return rows[:KEY_EVENTS], "attacks with reported deaths and each group's first operation"


def document_views(d: dict[str, Any]) -> list[dict[str, Any]]:
    """Each source with its full text cut at every evidence span (events, statements, stats, relations)."""
    spans: dict[str, list[tuple[int, int, str]]] = {}
    for table, key in (("events", "event_id"), ("statements", "statement_id"), ("stats", "stat_id"),
                       ("relations", "relation_id")):
        for r in d[table]:
            spans.setdefault(r["doc_id"], []).append((r["char_start"], r["char_end"], r[key]))
    return [{**doc, "segments": segments(doc["text"], spans.get(doc["doc_id"], []))} for doc in d["docs"]]


def build_context(store: Store) -> dict[str, Any]:
    d = data.load(store)
    if d.get("canonical") is not None:
        d["canonical_members"] = data.optional_rows(store, "canonical_members")
    events, stats = d["events"], d["stats"]
    types = _actor_types()
    titles = {doc["doc_id"]: doc["title"] or doc["path"] or doc["doc_id"] for doc in d["docs"]}
    series = data.stat_series(stats)
    charts_by = {}
    for key in ("dyad", "type"):
        months, groups, cells = data.monthly_groups(events, key)
        charts_by[key] = charts.monthly_chart(months, groups, cells, series)
    monthly = sorted(Counter(data.month_of(e["event_date"]) for e in data.monthly_events(events)).items())
    firsts = data.first_operations(events, types)
    violent = [e for e in events if e.get("plover_type") == data.VIOLENT]
    dates = [e["event_date"] for e in events if e["event_date"]]
    keys, keys_origin = key_events(d, firsts)
    fatal_ids = [e["event_id"] for e in violent if e.get("fatalities")]
    top_dyads = Counter(data.dyad(e) for e in violent if e.get("actor1") and e.get("actor2")).most_common(3)
    script = (TEMPLATES / "report.js").read_text(encoding="utf-8")
    return {
        "generated": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "script": script, "style": (TEMPLATES / "report.css").read_text(encoding="utf-8"),
        "csp": f"default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src '{csp_hash(script)}'",
        "n_docs": len(d["docs"]), "n_events": len(events), "n_violent": len(violent),
        "violent_ids": [e["event_id"] for e in violent], "fatal_ids": fatal_ids,
        "n_statements": len(d["statements"]), "n_stats": len(stats), "n_relations": len(d["relations"]),
        "n_canonical": len(d["canonical"]) if d.get("canonical") else None,
        "fatalities": sum(e["fatalities"] or 0 for e in violent),
        "first": min(dates) if dates else None, "last": max(dates) if dates else None,
        "events": events, "statements": d["statements"], "stats": stats, "relations": d["relations"],
        "titles": titles, "docs": document_views(d),
        "escalations": data.escalations(series), "firsts": firsts, "top_dyads": top_dyads,
        "key_events": keys, "key_origin": keys_origin,
        "charts": charts_by, "series": series,
        "map": geomap.event_map(events, {e["event_id"] for e in firsts}),
        "net": network.actor_network(store, d),
        "stances": data.statements_by_stance(d["statements"]),
        "outlook": outlook.outlook(store, monthly),
        "filter_types": sorted({e["plover_type"] for e in events if e.get("plover_type")}),
        "filter_actors": sorted({a for e in events for a in (e.get("actor1"), e.get("actor2")) if a}),
        "filter_months": sorted({data.month_of(e["event_date"]) for e in events if e["event_date"]}),
    }


def render_report(store: Store) -> str:
    return _env().get_template("report.html.j2").render(**build_context(store))


def write_report(store: Store, out: Path) -> Path:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render_report(store), encoding="utf-8")
    return out
