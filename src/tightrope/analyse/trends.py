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
                  published: dict[str, str | None] | None = None) -> tuple[StatComparison, ...]:
    """Each reported count with a period, beside the events we extracted that it should include."""
    published = published or {}
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


def published_dates(store) -> dict[str, str | None]:
    """doc_id -> publication date as stored (YYYY-MM-DD, or YYYY-MM / YYYY when that is all we know)."""
    return dict(store.con.execute("SELECT doc_id, published FROM documents").fetchall())


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
