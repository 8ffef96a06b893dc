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

    def conditions(self) -> tuple[list[str], list[Any]]:
        """The filter as SQL conditions (to be ANDed) and their parameters."""
        parts: list[str] = []
        params: list[Any] = []
        if self.date_from:
            parts.append("event_date >= ?")
            params.append(self.date_from)
        if self.date_to:
            parts.append("event_date <= ?")
            params.append(self.date_to)
        if self.actor:
            parts.append("actor1_id = ? OR actor2_id = ? OR contains(lower(actor1), lower(?))"
                         " OR contains(lower(actor2), lower(?))")
            params += [self.actor] * 4
        if self.type:
            parts.append("plover_type = ? OR event_type = ? OR sub_event_type = ?")
            params += [self.type] * 3
        if self.place:
            parts.append("contains(lower(location), lower(?)) OR contains(lower(admin1), lower(?))"
                         " OR contains(lower(country), lower(?))")
            params += [self.place] * 3
        return parts, params

    def where(self) -> tuple[str, list[Any]]:
        parts, params = self.conditions()
        return _where(parts), params


def _where(conds: list[str]) -> str:
    """`` WHERE`` and the conditions ANDed, each in parentheses (they may hold ORs); none: ``""``."""
    return (" WHERE " + " AND ".join(f"({c})" for c in conds)) if conds else ""


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
    def _dates(self, conds: list[str], params: list[Any]) -> list[tuple[dt.date | None, int]]:
        """Matching events per date, in EVENT_ORDER's date order (undated last): ~10 ms at a million."""
        return self.con.execute(f"SELECT event_date, count(*) FROM events{_where(conds)} GROUP BY 1"
                                " ORDER BY 1 NULLS LAST", params).fetchall()

    def _window(self, conds: list[str], params: list[Any], limit: int, offset: int,
                dates: list[tuple[dt.date | None, int]] | None = None) -> tuple[list[str], list[Any], int] | None:
        """Narrow a page to the dates that hold it.  EVENT_ORDER leads with the date, so rows
        ``offset .. offset+limit-1`` of the matches lie between the dates where those positions
        fall, and skipping the matches dated before the first leaves the page's offset among those
        dates alone.  The sort then covers a few days' events instead of every match: page 1000
        (offset 50,000) of a million took ~0.55 s as one top-N, ~0.05 s so.  Returns the
        conditions with the window added, their parameters and the offset within the window;
        None when the page lies past the last match.  ``dates``: _dates(conds, params) if known."""
        first = last = None
        seen = skip = 0
        dates = self._dates(conds, params) if dates is None else dates
        for i, (_, n) in enumerate(dates):
            if first is None and seen + n > offset:
                first, skip = i, offset - seen
            seen += n
            if first is not None and seen >= offset + limit:
                last = i
                break
        if first is None:
            return None
        d0, d1 = dates[first][0], dates[-1 if last is None else last][0]
        if d0 is None:  # undated events sort last: the page is among them only
            return conds + ["event_date IS NULL"], params, skip
        if d1 is None:
            return conds + ["event_date >= ? OR event_date IS NULL"], params + [d0], skip
        return conds + ["event_date BETWEEN ? AND ?"], params + [d0, d1], skip

    def _page(self, cols: str, conds: list[str], params: list[Any], limit: int | None, offset: int,
              dates: list[tuple[dt.date | None, int]] | None = None) -> list[dict[str, Any]]:
        """Rows of a page in EVENT_ORDER, found within the page's dates (see _window)."""
        if limit is None:
            return self._all(f"SELECT {cols} FROM events{_where(conds)} {EVENT_ORDER}", params)
        window = self._window(conds, params, limit, offset, dates)
        if window is None:
            return []
        conds, params, skip = window
        page = f"FROM events{_where(conds)} {EVENT_ORDER} LIMIT ? OFFSET ?"
        if cols != "*":  # narrow rows (the map's): one top-N reads them as cheaply as their ids
            return self._all(f"SELECT {cols} {page}", params + [limit, skip])
        # Whole rows carry the texts: sort the ids alone, then read the page's rows by id.  An
        # IN (subquery) here made DuckDB read every column of every row (0.3 s at a million
        # events); a bound list of ids reads only the rows' own (~0.02 s for 200 ids).
        ids = [r[0] for r in self.con.execute(f"SELECT event_id {page}", params + [limit, skip]).fetchall()]
        return self._all(f"SELECT * FROM events WHERE list_contains(?, event_id) {EVENT_ORDER}", [ids]) if ids else []

    def events(self, f: EventFilter, limit: int = 50, offset: int = 0) -> tuple[int, list[dict[str, Any]]]:
        conds, params = f.conditions()
        dates = self._dates(conds, params)  # the total, and where the page lies
        return sum(n for _, n in dates), self._page("*", conds, params, limit, offset, dates)

    def map_events(self, f: EventFilter, limit: int) -> list[dict[str, Any]]:
        """The first ``limit`` matches in EVENT_ORDER, with only the map's columns."""
        conds, params = f.conditions()
        return self._page(MAP_COLS, conds, params, limit, 0)

    def event(self, event_id: str) -> dict[str, Any] | None:
        return self._one("SELECT * FROM events WHERE event_id = ?", [event_id])

    def facets(self) -> dict[str, list[str]]:
        """The filter form's choices: two DISTINCT scans of every event (~15-25 ms at a million,
        on every page view), so once per state of the store like the actors table."""
        got = self._memo("facets", self._facets)
        return {k: list(v) for k, v in got.items()}  # copies: the memo's lists stay as computed

    def _facets(self) -> dict[str, list[str]]:
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
            "events": self._page("*", [ACTOR_EVENTS], [key] * 4, limit, offset),
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
