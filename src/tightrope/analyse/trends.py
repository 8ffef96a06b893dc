"""Trends from stored events, and reported statistics set beside our own counts.

Counts group events by week or month and by a key: type, dyad, front, place,
source...  Events dated too coarsely for the period (a month-precision event in
a weekly count, a year-precision one anywhere) are counted apart, never guessed
into a bucket.  Each count keeps the ids of its events: the evidence.

A statistic an article reports ("90 in October") is compared with the events
we extracted for the same period, origin and target, and the gap is explained.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import duckdb

from tightrope.analyse.periods import full_range, month_end, month_key, period_key, to_date

GROUPS = ("all", "type", "sub_type", "plover", "dyad", "front", "target", "country", "place", "source", "claim")


def _s(v) -> str:
    return str(v).strip() if v not in (None, "") else "?"


def group_key(row: dict, by: str) -> str:
    """The key of an event row for grouping ``by`` (one of GROUPS)."""
    if by == "all":
        return "all"
    if by == "type":
        return _s(row.get("event_type") or row.get("plover_type"))
    if by == "sub_type":
        return _s(row.get("sub_event_type"))
    if by == "plover":
        return _s(row.get("plover_type"))
    if by == "dyad":  # who acts on whom, as named
        return f"{_s(row.get('actor1'))} -> {_s(row.get('actor2'))}"
    if by == "front":  # where attacks come from -> where they land (e.g. Iraq -> Israel)
        return f"{_s(row.get('origin_country') or row.get('actor1'))} -> {_s(row.get('country') or row.get('actor2'))}"
    if by == "target":  # the region hit
        admin1, country = row.get("admin1"), row.get("country")
        return f"{admin1}, {country}" if admin1 and country else _s(country)
    if by == "country":
        return _s(row.get("country"))
    if by == "place":
        return _s(row.get("location"))
    if by == "source":
        return _s(row.get("publisher"))
    if by == "claim":
        return _s(row.get("claim_status"))
    raise ValueError(f"unknown grouping {by!r}; one of {', '.join(GROUPS)}")


def load_events(store, *, canonical: bool = True) -> list[dict]:
    """Event rows with the publisher and publication date of their (first) document.

    Canonical events (one per incident, merged across articles by ``resolve.merge``)
    when the store has them, so an incident that five articles report counts once;
    the raw mentions otherwise.  A canonical row's ``event_id`` is its
    ``canonical_event_id``; ``origin_country`` and ``claim_status`` come from its
    members (the first one given), since the canonical table does not carry them.
    """
    cur = store.con.execute("SELECT doc_id, publisher, published FROM documents")
    docs = {d: (p, pub) for d, p, pub in cur.fetchall()}
    rows = _canonical_rows(store) if canonical else []
    if not rows:
        rows = store.rows("events")
        for r in rows:
            r["doc_ids"] = [r["doc_id"]]
    for r in rows:
        r["publisher"], r["published"] = docs.get(r["doc_id"], (None, None))
    return rows


def _canonical_rows(store) -> list[dict]:
    try:
        cur = store.con.execute("SELECT * FROM canonical_events ORDER BY event_date NULLS LAST, canonical_event_id")
    except duckdb.Error:  # an older store opened read-only, without the table
        return []
    names = [d[0] for d in cur.description]
    rows = [dict(zip(names, r)) for r in cur.fetchall()]
    if not rows:
        return []
    extra: dict[str, dict] = {}
    members = store.con.execute(
        "SELECT m.canonical_event_id, e.origin_country, e.claim_status FROM canonical_members m "
        "JOIN events e ON e.event_id = m.event_id ORDER BY m.canonical_event_id, m.doc_id, m.char_start").fetchall()
    for cid, origin, claim in members:
        x = extra.setdefault(cid, {"origin_country": None, "claim_status": claim})
        x["origin_country"] = x["origin_country"] or origin
    for r in rows:
        r["event_id"] = r["canonical_event_id"]
        r["doc_ids"] = list(r.get("doc_ids") or [])
        r["doc_id"] = r["doc_ids"][0] if r["doc_ids"] else None
        r.update(extra.get(r["event_id"], {"origin_country": None, "claim_status": None}))
    return rows


@dataclass(frozen=True)
class CountRow:
    key: str
    period: str
    count: int
    fatalities: int
    event_ids: tuple[str, ...]


@dataclass(frozen=True)
class Counts:
    by: str
    freq: str
    periods: tuple[str, ...]  # every period from first to last, quiet ones included
    rows: tuple[CountRow, ...]  # one per key and period (zeros included)
    too_coarse: int  # events whose date precision is coarser than the period

    def series(self) -> dict[str, list[int]]:
        out: dict[str, list[int]] = defaultdict(list)
        for r in self.rows:
            out[r.key].append(r.count)
        return dict(out)

    def evidence(self) -> dict[str, dict[str, tuple[str, ...]]]:
        out: dict[str, dict[str, tuple[str, ...]]] = defaultdict(dict)
        for r in self.rows:
            if r.event_ids:
                out[r.key][r.period] = r.event_ids
        return dict(out)


def count_events(rows: Iterable[dict], by: str = "type", freq: str = "month",
                 where=None) -> Counts:
    if by not in GROUPS:
        raise ValueError(f"unknown grouping {by!r}; one of {', '.join(GROUPS)}")
    cells: dict[tuple[str, str], list[dict]] = defaultdict(list)
    coarse = 0
    for r in rows:
        if where is not None and not where(r):
            continue
        d = to_date(r.get("event_date"))
        p = period_key(d, r.get("date_precision"), freq) if d else None
        if p is None:
            coarse += 1
            continue
        cells[(group_key(r, by), p)].append(r)
    periods = full_range([p for _, p in cells], freq)
    keys = sorted({k for k, _ in cells}, key=lambda k: (-sum(len(v) for (kk, _), v in cells.items() if kk == k), k))
    out = []
    for k in keys:
        for p in periods:
            evs = cells.get((k, p), [])
            out.append(CountRow(k, p, len(evs), sum(int(e.get("fatalities") or 0) for e in evs),
                                tuple(e["event_id"] for e in evs)))
    return Counts(by, freq, tuple(periods), tuple(out), coarse)


# -- reported statistics vs our counts -----------------------------------------
@dataclass(frozen=True)
class StatComparison:
    stat_id: str
    source: str | None
    subject: str | None
    origin: str | None
    target: str | None
    period: str  # YYYY-MM or start..end
    reported: float
    extracted: int
    event_ids: tuple[str, ...]
    partial: bool  # the period had not ended when the article was published
    explanation: str
    text: str  # the sentence the statistic was read from
    doc_id: str


def _same(a, b) -> bool:
    return bool(a) and bool(b) and str(a).casefold() == str(b).casefold()


def stat_matches(stat: dict, ev: dict) -> bool:
    """Is event ``ev`` one of the things statistic ``stat`` counts (period, kind, origin, target)?"""
    from tightrope.analyse.signals import event_weight

    start, end = to_date(stat.get("period_start")), to_date(stat.get("period_end"))
    d = to_date(ev.get("event_date"))
    if not (start and end and d) or not start <= d <= end:
        return False
    prec = ev.get("date_precision") or "day"
    if prec == "year" or (prec == "month" and not (start <= d and month_end(d) <= end)):
        return False  # the event's date is vaguer than the period: it might fall outside
    if event_weight({**ev, "fatalities": 0}) < 2.0:  # statistics of attacks count violent events only
        return False
    subject = (stat.get("subject") or "").casefold()
    if "drone" in subject and not ("drone" in (ev.get("sub_event_type") or "").casefold()
                                   or "drone" in (ev.get("weapon") or "").casefold()):
        return False
    origin, target = stat.get("origin"), stat.get("target")
    if origin and not (_same(origin, ev.get("origin_country")) or _same(origin, ev.get("actor1"))):
        return False
    if target and not (_same(target, ev.get("actor2")) or _same(target, ev.get("country"))):
        return False
    return True


def _period_label(start: dt.date, end: dt.date) -> str:
    if start.day == 1 and end == month_end(start):
        return month_key(start)
    return f"{start.isoformat()}..{end.isoformat()}"


def compare_stats(stats: Sequence[dict], events: Sequence[dict],
                  published: dict[str, str | None] | None = None, *,
                  n_docs: int | None = None) -> tuple[StatComparison, ...]:
    """Each reported count with a period, beside the events we extracted that it should include.

    ``n_docs``: documents behind all events, when ``events`` is only a candidate subset.
    """
    published = published or {}
    if n_docs is None:
        n_docs = len({d for e in events for d in (e.get("doc_ids") or [e.get("doc_id")]) if d})
    out = []
    for st in stats:
        start, end = to_date(st.get("period_start")), to_date(st.get("period_end"))
        if not (start and end) or (st.get("unit") or "count") != "count":
            continue
        matched = [e for e in events if stat_matches(st, e)]
        pub_raw = published.get(st["doc_id"])
        pub = to_date(pub_raw)
        reported, ours = float(st["value"]), len(matched)
        why = []
        partial = False
        if pub and len(str(pub_raw)) >= 10 and pub < end:
            partial = True
            days = (pub - start).days + 1
            why.append(f"period not over at publication ({pub.isoformat()}): {reported:g} in {days} days "
                       f"~ {reported * 30 / max(days, 1):.0f} per 30 days")
        elif pub and pub <= end and month_end(pub) >= start:  # dated only to a month that overlaps the period
            partial = True
            why.append(f"article dated only to {str(pub_raw)[:7]}: may be a count to date")
        if ours < reported:
            why.append(f"{ours} of {reported:g} found: an article's total covers incidents that none of our "
                       f"{n_docs} document(s) describes one by one")
        elif ours > reported:
            why.append("we found more: incidents not merged across articles, or a broader match "
                       "(origin/target/type) than the source's definition")
        else:
            why.append("counts agree")
        coarse = sum(1 for e in matched if (e.get("date_precision") or "day") == "month")
        if coarse:
            why.append(f"{coarse} of ours dated only to the month")
        out.append(StatComparison(st["stat_id"], st.get("source"), st.get("subject"), st.get("origin"),
                                  st.get("target"), _period_label(start, end), reported, ours,
                                  tuple(e["event_id"] for e in matched), partial, "; ".join(w for w in why if w),
                                  st.get("text") or "", st["doc_id"]))
    return tuple(sorted(out, key=lambda c: (c.period, c.source or "", c.subject or "")))


def published_dates(store, *, with_stats: bool = False) -> dict[str, str | None]:
    """doc_id -> publication date as stored (YYYY-MM-DD, or YYYY-MM / YYYY when that is all we know).
    ``with_stats``: only the documents holding reported figures, all that the stats series look
    up (a store of 100k documents has a few hundred of them)."""
    only = " WHERE doc_id IN (SELECT doc_id FROM stats)" if with_stats else ""
    return dict(store.con.execute(f"SELECT doc_id, published FROM documents{only}").fetchall())


def reported_series(stats: Sequence[dict], published: dict[str, str | None] | None = None
                    ) -> dict[str, tuple[list[str], list[float], dict[str, tuple[str, ...]]]]:
    """Monthly series of reported counts: key -> (months, values, evidence stat ids per month).

    One series per (subject, origin, target, source).  Only whole calendar months
    that had ended when the article was published are used; months must follow
    each other (a gap starts a new series, suffixed #2...).
    """
    published = published or {}
    groups: dict[str, dict[str, tuple[float, str]]] = defaultdict(dict)
    for st in stats:
        start, end = to_date(st.get("period_start")), to_date(st.get("period_end"))
        if not (start and end) or (st.get("unit") or "count") != "count":
            continue
        if start.day != 1 or end != month_end(start):
            continue
        pub = to_date(published.get(st["doc_id"]))
        if pub and pub < end:  # month not over when reported (or dated only to that month)
            continue
        key = (f"{st.get('subject') or '?'} ({st.get('origin') or '?'} -> {st.get('target') or '?'}), "
               f"per {st.get('source') or '?'}")
        groups[key].setdefault(month_key(start), (float(st["value"]), st["stat_id"]))
    out = {}
    from tightrope.analyse.periods import add_months

    for key, cells in sorted(groups.items()):
        months = sorted(cells)
        runs, cur = [], [months[0]]
        for m in months[1:]:
            if m == add_months(cur[-1], 1):
                cur.append(m)
            else:
                runs.append(cur)
                cur = [m]
        runs.append(cur)
        for i, run in enumerate(runs):
            name = key if i == 0 else f"{key} #{i + 1}"
            out[name] = (run, [cells[m][0] for m in run], {m: (cells[m][1],) for m in run})
    return out


# -- the same counts, computed in DuckDB -----------------------------------------
# ``count_events`` over ``load_events`` holds every event row in Python: ~20 s and
# gigabytes at a million events.  These twins run the grouping in SQL and return
# the same ``Counts``; only the cells (and, if asked, a few ids per cell) come back.
# Keys follow ``group_key`` exactly: NULL or '' -> '?', else trimmed (SQL trim drops
# spaces only, where Python's strip() also drops tabs/newlines: keys never carry those).


def _sk(col: str) -> str:
    return f"(CASE WHEN {col} IS NULL OR {col} = '' THEN '?' ELSE trim({col}) END)"


def _or(a: str, b: str) -> str:  # Python's ``a or b`` on strings
    return f"coalesce(nullif({a}, ''), {b})"


SQL_KEYS = {
    "all": "'all'",
    "type": _sk(_or("event_type", "plover_type")),
    "sub_type": _sk("sub_event_type"),
    "plover": _sk("plover_type"),
    "dyad": f"{_sk('actor1')} || ' -> ' || {_sk('actor2')}",
    "front": f"{_sk(_or('origin_country', 'actor1'))} || ' -> ' || {_sk(_or('country', 'actor2'))}",
    "target": f"(CASE WHEN coalesce(admin1, '') <> '' AND coalesce(country, '') <> '' "
              f"THEN admin1 || ', ' || country ELSE {_sk('country')} END)",
    "country": _sk("country"),
    "place": _sk("location"),
    "source": _sk("publisher"),
    "claim": _sk("claim_status"),
}
SQL_PERIODS = {"month": ("strftime(event_date, '%Y-%m')", ("day", "week", "month")),
               "week": ("strftime(event_date, '%G-W%V')", ("day", "week"))}
_EVENT_COLS = ("event_id, doc_id, char_start, event_date, date_precision, event_type, sub_event_type, plover_type, "
               "actor1, actor2, origin_country, location, admin1, country, weapon, fatalities, claim_status")


def _has_canonical(store) -> bool:
    try:
        return bool(store.con.execute("SELECT count(*) FROM canonical_events").fetchone()[0])
    except duckdb.Error:
        return False


def events_sql(store, *, canonical: bool = True, publisher: bool = True) -> tuple[str, str, str]:
    """(CTE body giving the rows ``load_events`` would; id order; doc-count SQL).

    ``publisher=False`` leaves out the documents join (NULL publisher): only ``by="source"`` needs it.
    """
    pub, join = (("d.publisher", " LEFT JOIN documents d ON d.doc_id = {}") if publisher
                 else ("NULL::VARCHAR AS publisher", ""))
    if canonical and _has_canonical(store):
        body = ("SELECT c.canonical_event_id AS event_id, c.doc_ids[1] AS doc_id, NULL::INTEGER AS char_start, "
                "c.doc_ids, c.event_date, "
                "c.date_precision, c.event_type, c.sub_event_type, c.plover_type, c.actor1, c.actor2, "
                "x.origin_country, c.location, c.admin1, c.country, c.weapon, c.fatalities, x.claim_status, "
                f"{pub} FROM canonical_events c LEFT JOIN ("
                "  SELECT m.canonical_event_id, "
                "  first(e.origin_country ORDER BY m.doc_id, m.char_start) FILTER (WHERE coalesce(e.origin_country, '')"
                "  <> '') AS origin_country, first(e.claim_status ORDER BY m.doc_id, m.char_start) AS claim_status"
                "  FROM canonical_members m JOIN events e ON e.event_id = m.event_id GROUP BY 1"
                ") x USING (canonical_event_id)" + join.format("c.doc_ids[1]"))
        n_docs = "SELECT count(DISTINCT d) FROM (SELECT unnest(doc_ids) d FROM ev)"
        return body, "event_date NULLS LAST, event_id", n_docs
    body = (f"SELECT {', '.join('e.' + c.strip() for c in _EVENT_COLS.split(','))}, [e.doc_id] AS doc_ids, "
            f"{pub} FROM events e" + join.format("e.doc_id"))
    # store.rows("events") order (what load_events returns): char_start before the id, so "e10" follows "e2".
    return body, "doc_id, char_start, event_id", "SELECT count(DISTINCT doc_id) FROM ev"


def violent_sql() -> str:
    """SQL twin of ``event_weight({**row, 'fatalities': 0}) >= 2`` (the violent-event test)."""
    from tightrope.analyse.signals import ACLED_WEIGHTS, PLOVER_WEIGHTS

    def q(xs) -> str:
        return ", ".join("'" + x.replace("'", "''") + "'" for x in xs) or "NULL"  # our own constants

    return (f"(CASE WHEN event_type IN ({q(ACLED_WEIGHTS)}) THEN event_type IN "
            f"({q(k for k, w in ACLED_WEIGHTS.items() if w >= 2)}) "
            f"ELSE coalesce(plover_type IN ({q(k for k, w in PLOVER_WEIGHTS.items() if w >= 2)}), false) END)")


def keyed_sql(store, by: str, freq: str = "month", *, canonical: bool = True,
              violent_only: bool = False) -> tuple[str, list, str]:
    """(``WITH ev AS (...), k AS (...)`` giving each event's ``key`` and ``period`` (NULL: too coarse),
    its parameters, the id order ``load_events`` gives).  Shared by the counts and the signal twins."""
    if by not in GROUPS:
        raise ValueError(f"unknown grouping {by!r}; one of {', '.join(GROUPS)}")
    if freq not in SQL_PERIODS:
        raise ValueError(f"unknown frequency {freq!r} (month or week)")
    period, precisions = SQL_PERIODS[freq]
    body, order, _ = events_sql(store, canonical=canonical, publisher=by == "source")
    k = (f"WITH ev AS ({body}), k AS (SELECT {SQL_KEYS[by]} AS key, CASE WHEN event_date IS NOT NULL AND "
         f"coalesce(date_precision, 'day') IN ({', '.join('?' for _ in precisions)}) THEN {period} END AS period, "
         f"* FROM ev WHERE {violent_sql() if violent_only else 'true'}) ")
    return k, [*precisions], order


def count_events_sql(store, by: str = "type", freq: str = "month", *, canonical: bool = True,
                     violent_only: bool = False, top: int | None = None, max_ids: int | None = None) -> Counts:
    """``count_events(load_events(store), by, freq)`` computed in DuckDB.

    ``violent_only``: only events ``signals.event_weight`` rates >= 2 (as ``overview.signals``);
    ``top``: keep the keys with the most events (periods still span every event);
    ``max_ids``: at most this many evidence ids per cell (None: all, as ``count_events``).
    """
    k, params, order = keyed_sql(store, by, freq, canonical=canonical, violent_only=violent_only)
    # The period axis and the coarse count cover every key, kept or not.
    first, last, coarse = store.con.execute(
        k + "SELECT min(period), max(period), count(*) FILTER (WHERE period IS NULL) FROM k", params).fetchone()
    if first is None:
        return Counts(by, freq, (), (), coarse)
    keep = "true"
    if top is not None:  # cells (and their id lists) only for the kept keys: a few, not 10^5 dyads
        keep = ("key IN (SELECT key FROM k WHERE period IS NOT NULL GROUP BY key "
                "ORDER BY count(*) DESC, key LIMIT ?)")
        params.append(top)
    ids = "[]" if max_ids == 0 else f"list(event_id ORDER BY {order})" + ("[1:?]" if max_ids is not None else "")
    params += [max_ids] if max_ids else []
    sql = (k + f"SELECT key, period, count(*), sum(coalesce(fatalities, 0)), {ids} FROM k "
           f"WHERE period IS NOT NULL AND {keep} GROUP BY ALL")
    cells: dict[tuple[str, str], tuple[int, int, tuple[str, ...]]] = {}
    for key, p, n, deaths, evs in store.con.execute(sql, params).fetchall():
        cells[(key, p)] = (n, int(deaths), tuple(evs))
    periods = full_range([first, last], freq)
    totals: dict[str, int] = defaultdict(int)
    for (key, _), (n, _, _) in cells.items():
        totals[key] += n
    keys = sorted(totals, key=lambda x: (-totals[x], x))[:top]
    rows = [CountRow(key, p, *cells.get((key, p), (0, 0, ()))) for key in keys for p in periods]
    return Counts(by, freq, tuple(periods), tuple(rows), coarse)


def cell_ids(store, cells: Iterable[tuple[str, str]], by: str, freq: str = "month", *, canonical: bool = True,
             violent_only: bool = False) -> dict[tuple[str, str], tuple[str, ...]]:
    """Every event id of the given (key, period) cells, in ``count_events``' order: the evidence
    for the few cells a result cites, without shipping the ids of every cell to Python."""
    cells = sorted(set(cells))
    if not cells:
        return {}
    k, params, order = keyed_sql(store, by, freq, canonical=canonical, violent_only=violent_only)
    # Two unnests in one SELECT pair up element by element: the wanted cells as a table.
    sql = (k + f"SELECT key, period, list(event_id ORDER BY {order}) FROM k JOIN (SELECT unnest(?::VARCHAR[]) AS key, "
           "unnest(?::VARCHAR[]) AS period) w USING (key, period) GROUP BY ALL")
    rows = store.con.execute(sql, params + [[c[0] for c in cells], [c[1] for c in cells]]).fetchall()
    return {(key, p): tuple(ids) for key, p, ids in rows}


def compare_stats_store(store, *, canonical: bool = True) -> tuple[StatComparison, ...]:
    """``compare_stats(stats, load_events(store), published)`` without loading every event.

    Each distinct statistic period reads only the events dated inside it (one query per
    period, violent ones only: ``stat_matches`` rejects the rest), then the Python
    matcher decides; the document count in the explanations is counted in SQL.
    """
    body, order, n_docs_sql = events_sql(store, canonical=canonical)
    n_docs = store.con.execute(f"WITH ev AS ({body}) {n_docs_sql}").fetchone()[0]
    published = published_dates(store, with_stats=True)
    by_period: dict[tuple, list[dict]] = defaultdict(list)
    for st in store.rows("stats"):
        by_period[(to_date(st.get("period_start")), to_date(st.get("period_end")))].append(st)
    out: list[StatComparison] = []
    for (start, end), stats in by_period.items():
        events: list[dict] = []
        if start and end:
            cur = store.con.execute(f"WITH ev AS ({body}) SELECT * FROM ev WHERE event_date BETWEEN ? AND ? "
                                    f"AND {violent_sql()} ORDER BY {order}", [start, end])
            names = [d[0] for d in cur.description]
            events = [dict(zip(names, r)) for r in cur.fetchall()]
        out += compare_stats(stats, events, published, n_docs=n_docs)
    return tuple(sorted(out, key=lambda c: (c.period, c.source or "", c.subject or "")))


def trends_store(store, *, by: str = "type", freq: str = "month", top: int | None = None) -> dict:
    """What ``overview.trends`` returns, computed in DuckDB (for stores of any size).

    ``top``: only the keys with the most events (a million events have ~10^5 dyads, and
    zero-filled rows for each of them are millions of Python objects nobody reads).
    """
    return {"counts": count_events_sql(store, by, freq, top=top), "reported_vs_ours": compare_stats_store(store)}
