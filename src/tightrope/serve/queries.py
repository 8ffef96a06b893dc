"""Read-only queries behind the dashboard and the JSON API.

Every value from a request is a bound parameter: filters only choose among fixed
SQL fragments written here, never contribute text to the statement.  Matching is
``contains(lower(col), lower(?))`` rather than LIKE so user input carries no
wildcard syntax either.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import duckdb

from tightrope.store.export import plain_value as _plain  # one JSON-safe conversion for export and API

EVENT_ORDER = "ORDER BY event_date NULLS LAST, doc_id, char_start, event_id"
# What geomap.event_map reads of an event: a map of thousands of matches fetches these, not the texts.
MAP_COLS = "event_id, latitude, longitude, geo_precision, location, admin1, country"
# Every actor met in events/statements: KB id where resolved, else the name as written.  A full
# GROUP BY (with a distinct-document count) over every mention: ~1 s of CPU at a million events,
# so Reader.actors computes it once per state of the store file (see StoreAccess.memo).
ACTORS_SQL = (
    "SELECT coalesce(id, name) AS key, id AS actor_id, min(name) AS name, count(*) AS mentions,"
    " count(DISTINCT doc_id) AS documents FROM ("
    " SELECT actor1_id AS id, actor1 AS name, doc_id FROM events WHERE actor1 IS NOT NULL UNION ALL"
    " SELECT actor2_id, actor2, doc_id FROM events WHERE actor2 IS NOT NULL UNION ALL"
    " SELECT speaker_id, speaker, doc_id FROM statements WHERE speaker IS NOT NULL)"
    " GROUP BY 1, 2 ORDER BY mentions DESC, name")
ACTOR_EVENTS = "actor1_id = ? OR actor2_id = ? OR actor1 = ? OR actor2 = ?"
DOC_COLS = "doc_id, path, url, title, publisher, published, published_precision, published_method, source_format"


@dataclass(frozen=True)
class EventFilter:
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    actor: str | None = None
    type: str | None = None
    place: str | None = None

    def where(self) -> tuple[str, list[Any]]:
        parts: list[str] = []
        params: list[Any] = []
        if self.date_from:
            parts.append("event_date >= ?")
            params.append(self.date_from)
        if self.date_to:
            parts.append("event_date <= ?")
            params.append(self.date_to)
        if self.actor:
            parts.append("(actor1_id = ? OR actor2_id = ? OR contains(lower(actor1), lower(?))"
                         " OR contains(lower(actor2), lower(?)))")
            params += [self.actor] * 4
        if self.type:
            parts.append("(plover_type = ? OR event_type = ? OR sub_event_type = ?)")
            params += [self.type] * 3
        if self.place:
            parts.append("(contains(lower(location), lower(?)) OR contains(lower(admin1), lower(?))"
                         " OR contains(lower(country), lower(?)))")
            params += [self.place] * 3
        return (" WHERE " + " AND ".join(parts)) if parts else "", params




class Reader:
    """Queries over one open read-only connection."""

    def __init__(self, con: duckdb.DuckDBPyConnection, memo=None):
        self.con = con
        # memo(name, fn): fn() once per state of the store (app.StoreAccess.memo); none: always fn().
        self._memo = memo or (lambda _name, fn: fn())

    def _all(self, sql: str, params: list[Any] | tuple = ()) -> list[dict[str, Any]]:
        cur = self.con.execute(sql, list(params))
        names = [d[0] for d in cur.description]
        return [{k: _plain(v) for k, v in zip(names, r)} for r in cur.fetchall()]

    def _one(self, sql: str, params: list[Any]) -> dict[str, Any] | None:
        rows = self._all(sql, params)
        return rows[0] if rows else None

    def has_table(self, table: str) -> bool:
        return bool(self.con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = ?",
                                     [table]).fetchone()[0])

    # -- events ------------------------------------------------------------
    def _page(self, cols: str, where: str, params: list[Any], limit: int | None, offset: int) -> list[dict[str, Any]]:
        """Rows of a page in EVENT_ORDER.  The sort runs over the order columns and ids only; whole
        rows (texts included) are read for the page's ids alone: ~2x faster at a million events."""
        if limit is None:
            return self._all(f"SELECT {cols} FROM events{where} {EVENT_ORDER}", params)
        return self._all(f"SELECT {cols} FROM events WHERE event_id IN (SELECT event_id FROM events{where} "
                         f"{EVENT_ORDER} LIMIT ? OFFSET ?) {EVENT_ORDER}", params + [limit, offset])

    def events(self, f: EventFilter, limit: int = 50, offset: int = 0) -> tuple[int, list[dict[str, Any]]]:
        where, params = f.where()
        total = self.con.execute(f"SELECT count(*) FROM events{where}", params).fetchone()[0]
        return total, self._page("*", where, params, limit, offset)

    def map_events(self, f: EventFilter, limit: int) -> list[dict[str, Any]]:
        """The first ``limit`` matches in EVENT_ORDER, with only the map's columns."""
        where, params = f.where()
        return self._page(MAP_COLS, where, params, limit, 0)

    def event(self, event_id: str) -> dict[str, Any] | None:
        return self._one("SELECT * FROM events WHERE event_id = ?", [event_id])

    def facets(self) -> dict[str, list[str]]:
        types = [r["t"] for r in self._all("SELECT DISTINCT plover_type AS t FROM events WHERE plover_type IS NOT NULL"
                                           " ORDER BY 1")]
        places = [r["c"] for r in self._all("SELECT DISTINCT country AS c FROM events WHERE country IS NOT NULL"
                                            " ORDER BY 1")]
        return {"types": types, "countries": places}

    # -- documents ---------------------------------------------------------
    def document(self, doc_id: str) -> dict[str, Any] | None:
        return self._one(f"SELECT {DOC_COLS}, text FROM documents WHERE doc_id = ?", [doc_id])

    def doc_spans(self, doc_id: str) -> list[tuple[int, int, str]]:
        rows = self.con.execute(
            "SELECT char_start, char_end, event_id FROM events WHERE doc_id = ? UNION ALL "
            "SELECT char_start, char_end, statement_id FROM statements WHERE doc_id = ? UNION ALL "
            "SELECT char_start, char_end, stat_id FROM stats WHERE doc_id = ? UNION ALL "
            "SELECT char_start, char_end, relation_id FROM relations WHERE doc_id = ?", [doc_id] * 4).fetchall()
        return [(a, b, i) for a, b, i in rows]

    def doc_facts(self, doc_id: str) -> dict[str, list[dict[str, Any]]]:
        return {"events": self._all(f"SELECT * FROM events WHERE doc_id = ? {EVENT_ORDER}", [doc_id]),
                "statements": self._all("SELECT * FROM statements WHERE doc_id = ? ORDER BY char_start", [doc_id]),
                "stats": self._all("SELECT * FROM stats WHERE doc_id = ? ORDER BY char_start", [doc_id])}

    # -- actors ------------------------------------------------------------
    def actors(self, limit: int | None = None, offset: int = 0) -> list[dict[str, Any]]:
        """Actors by mentions (most first), ``limit`` from ``offset`` (None: all of them)."""
        rows = self._memo("actors", lambda: self._all(ACTORS_SQL))
        end = None if limit is None else offset + limit
        return [dict(r) for r in rows[offset:end]]  # copies: callers may annotate them

    def actors_total(self) -> int:
        return len(self._memo("actors", lambda: self._all(ACTORS_SQL)))

    def actor_facts(self, key: str, limit: int | None = None, offset: int = 0) -> dict[str, list[dict[str, Any]]]:
        """An actor's events, statements and relations, each in its order, ``limit`` rows of each
        from ``offset`` (None: all; a main actor of a million events has tens of thousands)."""
        page = "" if limit is None else " LIMIT ? OFFSET ?"
        more = [] if limit is None else [limit, offset]
        return {
            "events": self._page("*", f" WHERE {ACTOR_EVENTS}", [key] * 4, limit, offset),
            "statements": self._all("SELECT * FROM statements WHERE speaker_id = ? OR speaker = ?"
                                    f" ORDER BY date NULLS LAST, doc_id, char_start{page}", [key] * 2 + more),
            "relations": self._all("SELECT * FROM relations WHERE subject_id = ? OR object_id = ? OR subject = ?"
                                   f" OR object = ? ORDER BY doc_id, char_start{page}", [key] * 4 + more),
        }

    def actor_totals(self, key: str) -> dict[str, int]:
        """How many rows each list of ``actor_facts`` has in all."""
        return {
            "events": self.con.execute(f"SELECT count(*) FROM events WHERE {ACTOR_EVENTS}", [key] * 4).fetchone()[0],
            "statements": self.con.execute("SELECT count(*) FROM statements WHERE speaker_id = ? OR speaker = ?",
                                           [key] * 2).fetchone()[0],
            "relations": self.con.execute("SELECT count(*) FROM relations WHERE subject_id = ? OR object_id = ? "
                                          "OR subject = ? OR object = ?", [key] * 4).fetchone()[0]}

    # -- statements, stats ---------------------------------------------------
    def statements(self, stance: str | None = None, speaker: str | None = None,
                   limit: int = 100, offset: int = 0) -> list[dict[str, Any]]:
        parts, params = [], []
        if stance:
            parts.append("statement_type = ?")
            params.append(stance)
        if speaker:
            parts.append("(speaker_id = ? OR contains(lower(speaker), lower(?)))")
            params += [speaker, speaker]
        where = (" WHERE " + " AND ".join(parts)) if parts else ""
        return self._all(f"SELECT * FROM statements{where} ORDER BY date NULLS LAST, doc_id, char_start"
                         " LIMIT ? OFFSET ?", params + [limit, offset])

    def stats(self, limit: int | None = None, offset: int = 0) -> list[dict[str, Any]]:
        page, more = ("", []) if limit is None else (" LIMIT ? OFFSET ?", [limit, offset])
        return self._all(f"SELECT * FROM stats ORDER BY period_start NULLS LAST, doc_id, char_start, stat_id{page}",
                         more)

    def count(self, table: str) -> int:
        assert table in ("documents", "events", "statements", "stats", "relations")  # fixed names, never input
        return self.con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]

    def titles(self, doc_ids: list[str]) -> dict[str, str]:
        if not doc_ids:
            return {}
        rows = self.con.execute("SELECT doc_id, coalesce(title, path, doc_id) FROM documents"
                                " WHERE list_contains(?, doc_id)", [sorted(set(doc_ids))]).fetchall()
        return dict(rows)
