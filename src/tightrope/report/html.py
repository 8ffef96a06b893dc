"""The HTML situation report: one self-contained file (no CDN, works offline).

All article-derived text goes through Jinja2 autoescaping; nothing from an
article is ever marked safe.  The only ``|safe`` values are our own CSS and JS,
read from package files; the page's Content-Security-Policy allows exactly that
script (by hash), so even a markup bug could not run injected script.
Charts, map and network are inline SVG built from numbers in sibling modules.
Above ``Settings.report_max_events`` events the page lists rows for the latest ones
only and takes its figures from SQL (``aggregate.py``); below it, everything as before.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from tightrope.report import aggregate, charts, data, geomap, network, outlook
from tightrope.report.spans import segments
from tightrope.settings import Settings
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


def build_context(store: Store, max_events: int | None = None) -> dict[str, Any]:
    """Everything the templates show.  Up to ``max_events`` events (default: the setting) every
    row is listed; above it, figures come from SQL and rows from the latest ``max_events``."""
    settings = Settings()
    limit = settings.report_max_events if max_events is None else max_events
    types = _actor_types()
    total = aggregate.count(store, "events")
    if total <= limit:
        d = data.load(store)
        if d.get("canonical") is not None:
            d["canonical_members"] = data.optional_rows(store, "canonical_members")
        agg = data.aggregates(d, types)
        return _context(store, d, agg, view=store, outlook_of=outlook.outlook, cut=None)
    agg = aggregate.aggregates(store, types, settings.report_top_actors)
    latest = aggregate.latest_event_ids(store, limit)
    shown = set(latest)
    extra = [e["event_id"] for e in agg["firsts"] if e["event_id"] not in shown]
    # Reported series: every one feeds the escalation headlines; the chart draws the longest few.
    # The figures they link to are listed with their articles, wherever those are.
    agg["chart_series"] = agg["series"][:settings.report_top_series]
    linked = aggregate.stat_ids(data.escalations(agg["series"]) + agg["chart_series"])
    d = data.load(store, latest + extra, linked)
    d["canonical"], d["canonical_members"] = aggregate.top_canonical(store, KEY_EVENTS)
    cut = {"shown": len(latest), "total": total, "extra": len(extra)}
    return _context(store, d, agg, view=aggregate.ScopedStore(store, d), cut=cut,
                    outlook_of=lambda st, monthly: outlook.scaled_outlook(st, monthly, settings.report_top_series))


def _context(store: Store, d: dict[str, Any], agg: dict[str, Any], *, view: Any, outlook_of, cut) -> dict[str, Any]:
    """The template context from listed rows ``d`` and figures ``agg`` (equal shapes either way)."""
    events, stats = d["events"], d["stats"]
    titles = {doc["doc_id"]: doc["title"] or doc["path"] or doc["doc_id"] for doc in d["docs"]}
    series = agg["series"]
    charts_by = {}
    for key in ("dyad", "type"):
        months, groups, counts = agg["groups"][key]
        cells = data.group_cells(events, key, [g for g in groups if g != "other"])  # bar links: listed rows
        charts_by[key] = charts.monthly_chart(months, groups, cells, agg.get("chart_series", series), counts)
    firsts = agg["firsts"]
    violent = [e for e in events if e.get("plover_type") == data.VIOLENT]
    keys, keys_origin = key_events(d, firsts)
    script = (TEMPLATES / "report.js").read_text(encoding="utf-8")
    return {
        "generated": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "script": script, "style": (TEMPLATES / "report.css").read_text(encoding="utf-8"),
        "csp": f"default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src '{csp_hash(script)}'",
        "n_docs": agg["n_docs"], "n_events": agg["n_events"], "n_violent": agg["n_violent"],
        "violent_ids": [e["event_id"] for e in violent], "fatal_ids": [e["event_id"] for e in violent
                                                                        if e.get("fatalities")],
        "n_statements": agg["n_statements"], "n_stats": agg["n_stats"], "n_relations": agg["n_relations"],
        "n_canonical": agg["n_canonical"], "fatalities": agg["fatalities"], "first": agg["first"],
        "last": agg["last"], "cut": cut,
        "events": events, "statements": d["statements"], "stats": stats, "relations": d["relations"],
        "titles": titles, "docs": document_views(d),
        "escalations": data.escalations(series), "firsts": firsts, "top_dyads": agg["top_dyads"],
        "key_events": keys, "key_origin": keys_origin,
        "charts": charts_by, "series": series,
        "map": geomap.event_map(events, {e["event_id"] for e in firsts}),
        "net": network.actor_network(view, d),
        "stances": data.statements_by_stance(d["statements"]),
        "outlook": outlook_of(store, agg["monthly"]),
        "filter_types": agg["filter_types"], "filter_actors": agg["filter_actors"],
        "filter_months": agg["filter_months"],
    }


def render_report(store: Store, max_events: int | None = None) -> str:
    return _env().get_template("report.html.j2").render(**build_context(store, max_events))


def write_report(store: Store, out: Path, max_events: int | None = None) -> Path:
    out.parent.mkdir(parents=True, exist_ok=True)
    # Streamed, so the page never sits in memory whole; written aside and renamed, so a
    # failure halfway leaves the previous report, not half of a new one.
    part = out.with_name(out.name + ".part")
    with part.open("w", encoding="utf-8") as f:
        for chunk in _env().get_template("report.html.j2").generate(**build_context(store, max_events)):
            f.write(chunk)
    part.replace(out)
    return out
