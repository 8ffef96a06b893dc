"""Read what the report needs from the store, as plain dicts, and derive the series.

Reads only through parameterised SQL / ``Store.rows``.  ``aggregates`` is the Python
computation of the report's figures; ``aggregate.py`` is its SQL twin for big stores.  Tables other developers add
later (``canonical_events``) are optional: their absence is a note, not an error.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from typing import Any

from tightrope.store.db import Store

VIOLENT = "ASSAULT"
# Stances analysts scan first; other statement types still appear in the full list.
STANCES = ("THREATEN", "ACCUSE", "REQUEST", "REJECT")
TOP_DYADS = 5


# Countries whose first-level divisions are called governorates (muhafazat).
GOVERNORATE_COUNTRIES = frozenset({"Iraq", "Jordan", "Syria", "Egypt", "Yemen", "Lebanon", "Palestine", "Kuwait",
                                   "Bahrain", "Oman", "Tunisia"})


def admin_label(admin1: str | None, country: str | None) -> str:
    """'Erbil governorate' where that is what the division is called; the plain name elsewhere."""
    if not admin1:
        return ""
    generic = any(w in admin1.lower() for w in ("governorate", "district", "province", "region", "strip"))
    return f"{admin1} governorate" if country in GOVERNORATE_COUNTRIES and not generic else admin1


def table_exists(store: Store, table: str) -> bool:
    row = store.con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [table]).fetchone()
    return bool(row and row[0])


def optional_rows(store: Store, table: str) -> list[dict[str, Any]] | None:
    """Rows of a table another stage may not have created yet; None when absent."""
    if not table_exists(store, table):
        return None
    cur = store.con.execute(f"SELECT * FROM {table}")  # table name is ours, from a fixed list
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r)) for r in cur.fetchall()]


def month_of(value: Any) -> str | None:
    if value is None:
        return None
    return str(value)[:7]


def month_range(first: str, last: str) -> list[str]:
    y, m = int(first[:4]), int(first[5:7])
    out = []
    while f"{y:04d}-{m:02d}" <= last:
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def dyad(e: dict[str, Any]) -> str:
    return f"{e.get('actor1') or 'unknown'} \u2192 {e.get('actor2') or 'unknown'}"


def monthly_events(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Violent events dated to a month or better (a year-precision date has no month)."""
    return [e for e in events if e.get("plover_type") == VIOLENT and e.get("event_date")
            and e.get("date_precision") != "year"]


def group_label(key: str):
    """The chart's stacking label of an event: its dyad, or its sub-type."""
    return dyad if key == "dyad" else (lambda e: e.get("sub_event_type") or "Other attack")


def group_cells(events: list[dict[str, Any]], key: str, top: list[str]) -> dict:
    """counts[month][group] -> [event ids] of the violent events, groups outside ``top`` as 'other'."""
    label = group_label(key)
    cells: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for e in monthly_events(events):
        g = label(e)
        cells[month_of(e["event_date"])][g if g in top else "other"].append(e["event_id"])
    return cells


def monthly_groups(events: list[dict[str, Any]], key: str) -> tuple[list[str], list[str], dict]:
    """(months, groups, counts[month][group] -> [event ids]) for key 'dyad' or 'type'."""
    rows = monthly_events(events)
    if not rows:
        return [], [], {}
    label = group_label(key)
    totals = Counter(label(e) for e in rows)
    top = [g for g, _ in totals.most_common(TOP_DYADS)]
    groups = top + (["other"] if len(totals) > len(top) else [])
    cells = group_cells(rows, key, top)
    months = month_range(min(cells), max(cells))
    return months, groups, cells


def stat_series(stats: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Reported counts whose period is one calendar month, grouped into comparable series.

    A series is one (subject, origin, target, source) as the articles state it, so a
    source's month-on-month figures line up; multi-month totals stay in the table.
    """
    series: dict[tuple, list[dict[str, Any]]] = defaultdict(list)
    for s in stats:
        a, b = s.get("period_start"), s.get("period_end")
        if not a or s.get("unit") != "count" or month_of(a) != month_of(b or a):
            continue
        key = (s.get("subject") or "", s.get("origin") or "", s.get("target") or "", s.get("source") or "")
        series[key].append(s)
    out = []
    for (subject, origin, target, source), rows in series.items():
        by_month: dict[str, dict[str, Any]] = {}
        for r in rows:
            by_month.setdefault(month_of(r["period_start"]), r)
        points = [{"month": m, "value": r["value"], "stat_id": r["stat_id"]} for m, r in sorted(by_month.items())]
        label = " ".join(x for x in (subject, f"from {origin}" if origin else "", f"on {target}" if target else "") if x)
        out.append({"label": label, "source": source, "points": points})
    out.sort(key=lambda s: (-len(s["points"]), s["label"]))
    return out


def escalations(series: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Maximal runs of >= 3 consecutive months of strictly rising figures in one reported series."""
    found = []
    for s in series:
        runs: list[list[dict[str, Any]]] = []
        for p in s["points"]:
            prev = runs[-1][-1] if runs else None
            if prev and month_range(prev["month"], p["month"])[1:2] == [p["month"]] and p["value"] > prev["value"]:
                runs[-1].append(p)
            else:
                runs.append([p])
        found += [{"label": s["label"], "source": s["source"], "points": r} for r in runs if len(r) >= 3]
    return found


def first_operations(events: list[dict[str, Any]], actor_types: dict[str, str]) -> list[dict[str, Any]]:
    """Each armed group's / coalition's earliest day-dated attack at a town or site (not a country)."""
    best: dict[str, dict[str, Any]] = {}
    for e in events:
        aid = e.get("actor1_id")
        # A country centroid (geo_precision 3) says nothing about where an operation began.
        if (e.get("plover_type") != VIOLENT or not aid or e.get("latitude") is None
                or (e.get("geo_precision") or 3) > 2
                or actor_types.get(aid) not in ("armed_group", "coalition") or e.get("date_precision") != "day"):
            continue
        cur = best.get(aid)
        if cur is None or (e["event_date"], e["char_start"]) < (cur["event_date"], cur["char_start"]):
            best[aid] = e
    return sorted(best.values(), key=lambda e: e["event_date"])


def statements_by_stance(statements: list[dict[str, Any]]) -> list[tuple[str, list[dict[str, Any]]]]:
    groups = [(st, [s for s in statements if s.get("statement_type") == st]) for st in STANCES]
    rest = [s for s in statements if s.get("statement_type") not in STANCES]
    return [(k, v) for k, v in groups if v] + ([("OTHER", rest)] if rest else [])


def _iso_dates(rows: list[dict[str, Any]], *keys: str) -> list[dict[str, Any]]:
    for r in rows:  # JSON-friendly dates so templates and the API agree
        for k in keys:
            r[k] = r[k].isoformat() if isinstance(r[k], dt.date) else r[k]
    return rows


def stat_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    for s in _iso_dates(rows, "period_start", "period_end"):
        v = s.get("value")
        if isinstance(v, float) and v.is_integer():
            s["value"] = int(v)
    return rows


def load(store: Store, event_ids: list[str] | None = None, stat_ids: list[str] = ()) -> dict[str, Any]:
    """Every row the report lists; with ``event_ids``, only those events and their documents' rows
    (``stat_ids``: statistics whose documents are listed too, for figures drawn from all).

    The id list goes in as one parameter and is joined (``IN (SELECT unnest(?))``), so
    DuckDB hash-joins it rather than scanning the list per row.
    """
    where_e = where_d = ""
    p_e: list[Any] = []
    p_d: list[Any] = []
    if event_ids is not None:
        where_e, p_e = "WHERE event_id IN (SELECT unnest(?::VARCHAR[]))", [list(event_ids)]
    events = _iso_dates(store.rows("events", where_e, p_e), "event_date")
    if event_ids is not None:
        docs = {e["doc_id"] for e in events} | {r[0] for r in store.con.execute(
            "SELECT doc_id FROM stats WHERE stat_id IN (SELECT unnest(?::VARCHAR[]))", [list(stat_ids)]).fetchall()}
        where_d, p_d = "WHERE doc_id IN (SELECT unnest(?::VARCHAR[]))", [sorted(docs)]
    return {
        "docs": store.rows("documents", where_d, p_d),
        "events": sorted(events, key=lambda e: (e["event_date"] or "9999", e["doc_id"], e["char_start"])),
        "statements": store.rows("statements", where_d, p_d),
        "stats": stat_rows(store.rows("stats", where_d, p_d)),
        "relations": store.rows("relations", where_d, p_d),
        "text_actors": store.rows("text_actors", where_d, p_d),
        # A subset load leaves merged incidents to report/aggregate.py (top ones by SQL).
        "canonical": optional_rows(store, "canonical_events") if event_ids is None else None,
    }


def aggregates(d: dict[str, Any], actor_types: dict[str, str]) -> dict[str, Any]:
    """The report's figures over every row of ``d`` (a full ``load``), computed in Python.

    ``report/aggregate.py`` computes the same dict in SQL for stores above the row
    limit; tests hold the two equal.
    """
    events = d["events"]
    violent = [e for e in events if e.get("plover_type") == VIOLENT]
    dates = [e["event_date"] for e in events if e["event_date"]]
    groups = {}
    for key in ("dyad", "type"):
        months, gs, cells = monthly_groups(events, key)
        groups[key] = (months, gs, {m: {g: len(v) for g, v in row.items()} for m, row in cells.items()})
    return {
        "n_docs": len(d["docs"]), "n_events": len(events), "n_violent": len(violent),
        "n_statements": len(d["statements"]), "n_stats": len(d["stats"]), "n_relations": len(d["relations"]),
        "n_canonical": len(d["canonical"]) if d.get("canonical") else None,
        "fatalities": sum(e["fatalities"] or 0 for e in violent),
        "first": min(dates) if dates else None, "last": max(dates) if dates else None,
        "monthly": sorted(Counter(month_of(e["event_date"]) for e in monthly_events(events)).items()),
        "groups": groups,
        "top_dyads": Counter(dyad(e) for e in violent if e.get("actor1") and e.get("actor2")).most_common(3),
        "firsts": first_operations(events, actor_types),
        "series": stat_series(d["stats"]),
        "filter_types": sorted({e["plover_type"] for e in events if e.get("plover_type")}),
        "filter_actors": sorted({a for e in events for a in (e.get("actor1"), e.get("actor2")) if a}),
        "filter_months": sorted({month_of(e["event_date"]) for e in events if e["event_date"]}),
    }
