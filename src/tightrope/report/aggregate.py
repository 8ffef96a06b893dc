"""The report at any store size: figures over every event from SQL, rows for a bounded scope.

``data.load`` + ``data.aggregates`` hold every row of every table in Python: fine for
a few thousand events, ~20 s and gigabytes at a million, and a page listing a million
events and 100k article texts would be useless anyway.  Above the row limit
(``Settings.report_max_events``) the report instead takes

* every figure from GROUP BY queries here, the same dict ``data.aggregates`` returns
  (tests hold the two equal on one store); ties are broken as the Python code's
  stable sorts break them, by an event's place in the report's event order;
* rows (event table, statements, figures, source texts, map points, key events) for
  the most recent N events, their documents and those documents' facts, plus each
  armed group's first operation, so every link on the page has its target.

All SQL is our own text; values (ids, limits, actor ids from the KB) go in as parameters.
"""

from __future__ import annotations

from typing import Any

from tightrope.report import data
from tightrope.store.db import Store

# An event's place in the report's order (data.load sorts by date, undated last, then
# doc and offset; the store returns rows by doc, offset, id, and Python's sort is stable).
# min(POS) over a group is where Counter.most_common's tie order puts the group; a row
# value, not a row_number() window, so DuckDB need not sort a million rows for it.
POS = "(coalesce(event_date, DATE '9999-12-31'), doc_id, char_start, event_id)"
MONTHLY = ("plover_type = 'ASSAULT' AND event_date IS NOT NULL "
           "AND date_precision IS DISTINCT FROM 'year'")  # data.monthly_events
LABELS = {"dyad": "coalesce(nullif(actor1, ''), 'unknown') || ' \u2192 ' || coalesce(nullif(actor2, ''), 'unknown')",
          "type": "coalesce(nullif(sub_event_type, ''), 'Other attack')"}
FIRST_TYPES = ("armed_group", "coalition")  # as data.first_operations


def _one(store: Store, sql: str, params: list[Any] | None = None) -> Any:
    return store.con.execute(sql, params or []).fetchone()[0]


def _dicts(store: Store, sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
    cur = store.con.execute(sql, params or [])
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r)) for r in cur.fetchall()]


def latest_event_ids(store: Store, n: int) -> list[str]:
    """The ``n`` most recent events (dated ones first; undated only when fewer are dated)."""
    return [r[0] for r in store.con.execute(
        "SELECT event_id FROM events ORDER BY event_date DESC NULLS LAST, doc_id DESC, char_start DESC, "
        "event_id DESC LIMIT ?", [n]).fetchall()]


def monthly_groups(store: Store, key: str) -> tuple[list[str], list[str], dict[str, dict[str, int]]]:
    """``data.monthly_groups`` as counts: (months, top groups + 'other', counts[month][group])."""
    label = LABELS[key]
    v = (f"WITH v AS (SELECT {label} AS g, strftime(event_date, '%Y-%m') AS m, {POS} AS pos FROM events "
         f"WHERE {MONTHLY}) ")
    # The top groups and how many groups there are (a million events have ~10^5 dyads: count, don't fetch).
    totals = store.con.execute(v + "SELECT g, count(*) OVER () FROM v GROUP BY g ORDER BY count(*) DESC, min(pos) "
                                   "LIMIT ?", [data.TOP_DYADS]).fetchall()
    if not totals:
        return [], [], {}
    top = [g for g, _ in totals]
    rows = store.con.execute(v + "SELECT m, CASE WHEN list_contains(?, g) THEN g ELSE 'other' END AS grp, count(*) "
                                 "FROM v GROUP BY ALL", [top]).fetchall()
    groups = top + (["other"] if totals[0][1] > len(top) else [])
    counts: dict[str, dict[str, int]] = {}
    for m, g, n in rows:
        counts.setdefault(m, {})[g] = n
    return data.month_range(min(counts), max(counts)), groups, counts


def first_operations(store: Store, actor_types: dict[str, str]) -> list[dict[str, Any]]:
    """``data.first_operations`` over every event: each group's earliest day-dated attack at a site."""
    ids = sorted(a for a, t in actor_types.items() if t in FIRST_TYPES)
    if not ids:
        return []
    rows = _dicts(store, (
        "WITH c AS (SELECT *, row_number() OVER (ORDER BY event_date, doc_id, char_start, event_id) AS pos "
        "  FROM events WHERE plover_type = 'ASSAULT' AND actor1_id IN (SELECT unnest(?::VARCHAR[])) "
        "  AND latitude IS NOT NULL AND coalesce(nullif(geo_precision, 0), 3) <= 2 "
        "  AND date_precision = 'day' AND event_date IS NOT NULL), "
        "b AS (SELECT *, min(pos) OVER (PARTITION BY actor1_id) AS seen FROM c "
        "  QUALIFY row_number() OVER (PARTITION BY actor1_id ORDER BY event_date, char_start, pos) = 1) "
        # Python keeps a group's first-seen slot in its dict and sorts stably by date.
        "SELECT * EXCLUDE (pos, seen) FROM b ORDER BY event_date, seen"), [ids])
    return data._iso_dates(rows, "event_date")


def stat_series(store: Store) -> list[dict[str, Any]]:
    """``data.stat_series`` over every statistic, reading only one-month counts (no sentences)."""
    rows = _dicts(store, (
        "SELECT stat_id, subject, origin, target, source, value, unit, period_start, period_end FROM stats "
        "WHERE unit = 'count' AND period_start IS NOT NULL "
        "AND strftime(period_start, '%Y-%m') = strftime(coalesce(period_end, period_start), '%Y-%m') "
        "ORDER BY doc_id, char_start, stat_id"))
    return data.stat_series(data.stat_rows(rows))


def count(store: Store, table: str) -> int:
    return _one(store, f"SELECT count(*) FROM {table}")  # table names are ours, from fixed lists


def aggregates(store: Store, actor_types: dict[str, str], top_actors: int | None = None) -> dict[str, Any]:
    """``data.aggregates(data.load(store), actor_types)`` in SQL; ``top_actors`` bounds the actor filter."""
    n_events, n_violent, deaths, first, last = store.con.execute(
        "SELECT count(*), count(*) FILTER (WHERE plover_type = 'ASSAULT'), "
        "coalesce(sum(fatalities) FILTER (WHERE plover_type = 'ASSAULT'), 0), min(event_date), max(event_date) "
        "FROM events").fetchone()
    n_canonical = count(store, "canonical_events") if data.table_exists(store, "canonical_events") else 0
    top_dyads = store.con.execute(
        "SELECT actor1 || ' \u2192 ' || actor2 AS g, count(*) AS n FROM events "
        "WHERE plover_type = 'ASSAULT' AND coalesce(actor1, '') <> '' AND coalesce(actor2, '') <> '' "
        f"GROUP BY g ORDER BY n DESC, min({POS}) LIMIT 3").fetchall()
    actors = [r[0] for r in store.con.execute(
        "SELECT a FROM (SELECT unnest([actor1, actor2]) AS a FROM events) WHERE coalesce(a, '') <> '' "
        "GROUP BY a ORDER BY count(*) DESC, a LIMIT ?", [top_actors]).fetchall()]
    return {
        "n_docs": count(store, "documents"), "n_events": n_events, "n_violent": n_violent,
        "n_statements": count(store, "statements"), "n_stats": count(store, "stats"),
        "n_relations": count(store, "relations"), "n_canonical": n_canonical or None,
        "fatalities": int(deaths),
        "first": first.isoformat() if first else None, "last": last.isoformat() if last else None,
        "monthly": [tuple(r) for r in store.con.execute(
            f"SELECT strftime(event_date, '%Y-%m') AS m, count(*) FROM events WHERE {MONTHLY} "
            "GROUP BY m ORDER BY m").fetchall()],
        "groups": {key: monthly_groups(store, key) for key in ("dyad", "type")},
        "top_dyads": [tuple(r) for r in top_dyads],
        "firsts": first_operations(store, actor_types),
        "series": stat_series(store),
        "filter_types": sorted(r[0] for r in store.con.execute(  # Python's order, whatever the collation
            "SELECT DISTINCT plover_type FROM events WHERE coalesce(plover_type, '') <> ''").fetchall()),
        "filter_actors": sorted(actors),
        "filter_months": [r[0] for r in store.con.execute(
            "SELECT DISTINCT strftime(event_date, '%Y-%m') FROM events WHERE event_date IS NOT NULL "
            "ORDER BY 1").fetchall()],
    }


def top_canonical(store: Store, n: int) -> tuple[list[dict[str, Any]] | None, list[dict[str, Any]] | None]:
    """The ``n`` most reported merged incidents and their members (``html.key_events``' pick), or Nones."""
    if not data.table_exists(store, "canonical_events") or not count(store, "canonical_events"):
        return None, None
    top = _dicts(store, "SELECT * FROM canonical_events ORDER BY coalesce(n_documents, 0) DESC, "
                        "coalesce(fatalities, 0) DESC, rowid LIMIT ?", [n])
    members = _dicts(store, "SELECT * FROM canonical_members WHERE canonical_event_id IN "
                            "(SELECT unnest(?::VARCHAR[])) ORDER BY rowid",
                     [[c["canonical_event_id"] for c in top]])
    return top, members


def stat_ids(series: list[dict[str, Any]]) -> list[str]:
    return [p["stat_id"] for s in series for p in s["points"]]


class ScopedStore:
    """The store as row readers see it in a cut report: ``rows(table)`` is the report's scope.

    ``network.actor_network`` hands the store to ``resolve.graph.actor_graph``, which counts
    mentions (``actor_mentions``) and reads relation and text-actor rows; through this view
    it counts and reads the page's rows, so the drawing matches the listed events.
    Everything else (``con``, filtered ``rows``) goes to the real store.
    """

    KEYS = {"documents": "docs", "events": "events", "statements": "statements", "stats": "stats",
            "relations": "relations", "text_actors": "text_actors"}

    def __init__(self, store: Store, scope: dict[str, Any]):
        self._store, self._scope = store, scope

    def rows(self, table: str, where: str = "", params: Any = ()) -> list[dict[str, Any]]:
        if where or table not in self.KEYS:
            return self._store.rows(table, where, params)
        return [dict(r) for r in self._scope[self.KEYS[table]]]

    def actor_mentions(self) -> dict[str, int]:
        """``Store.actor_mentions`` over the report's rows (the page's network sizes nodes by them)."""
        out: dict[str, int] = {}
        for r in self._scope["events"]:
            for aid in (r.get("actor1_id"), r.get("actor2_id")):
                if aid is not None:
                    out[aid] = out.get(aid, 0) + 1
        for r in self._scope["statements"]:
            if r.get("speaker_id") is not None:
                out[r["speaker_id"]] = out.get(r["speaker_id"], 0) + 1
        return out

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)
