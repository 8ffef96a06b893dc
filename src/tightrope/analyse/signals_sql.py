"""The signals (``signals.intensity_index``, ``signals.new_fronts``, event-count escalations) from DuckDB.

``overview.signals`` used to hold every event row in Python (``trends.load_events``):
~20 s and gigabytes at a million events.  These twins group in SQL and bring back
only what a result shows: per-period weight classes, the top ids, the cells of a
new front or an alarm.  Each returns what its Python original returns on
``load_events(store)`` (tests/analyse/test_signals_sql.py holds them equal).

All SQL is our own text; values (quiet spell, limits, keys) go in as parameters.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict

import numpy as np

from tightrope.analyse import signals as sg
from tightrope.analyse import signals_vec
from tightrope.analyse import trends as tr
from tightrope.analyse.periods import full_range


PREFIX = "events: "  # the escalations' series names: the prefix, then the key


def _q(xs) -> str:
    return ", ".join("'" + x.replace("'", "''") + "'" for x in xs) or "NULL"  # our own constants


def base_weight_sql() -> str:
    """SQL twin of ``event_weight`` before the fatality factor: the ACLED type's weight, else PLOVER's, else 0."""
    acled = " ".join(f"WHEN event_type = {_q([k])} THEN {float(w)!r}" for k, w in sg.ACLED_WEIGHTS.items())
    plover = " ".join(f"WHEN plover_type = {_q([k])} THEN {float(w)!r}" for k, w in sg.PLOVER_WEIGHTS.items())
    return f"(CASE {acled} {plover} ELSE 0.0 END)"


def intensity_index(store, freq: str = "month", top: int = 3, *,
                    canonical: bool = True) -> tuple[sg.IntensityPoint, ...]:
    """``signals.intensity_index(load_events(store), freq, top)``."""
    k, params, order = tr.keyed_sql(store, "all", freq, canonical=canonical)
    # Weight classes per period: a handful of (type, deaths) pairs, however many events.
    groups = store.con.execute(k + "SELECT period, event_type, plover_type, fatalities, count(*) FROM k "
                                   "WHERE period IS NOT NULL GROUP BY ALL", params).fetchall()
    per: dict[str, list[tuple[float, int, int]]] = defaultdict(list)
    for p, etype, plover, deaths, n in groups:
        w = sg.event_weight({"event_type": etype, "plover_type": plover, "fatalities": deaths})
        per[p].append((w, n, int(deaths or 0)))
    # Top events: the heaviest first, ties in load order (Python's stable sort).  The SQL weight
    # orders as the Python one does: distinct (type, deaths) pairs never give equal weights
    # (base * (1 + ln(1 + d)) with bases 0.5-3 and whole d), and equal pairs compute alike.
    tops: dict[str, tuple[str, ...]] = {}
    if top > 0:
        rows = store.con.execute(k + _top_events_sql(order), params + [top, top]).fetchall()
        tops = {p: tuple(ids) for p, ids in rows}
    out = []
    for p in full_range(list(per), freq):
        total = 0  # summed as Python sums the sorted items: heaviest first, one addition per event
        for w, n, _ in sorted(per.get(p, []), key=lambda x: -x[0]):
            for _ in range(n):
                total += w
        items = per.get(p, [])
        out.append(sg.IntensityPoint(p, round(total, 3), sum(n for _, n, _ in items),
                                     sum(d * n for _, n, d in items), tops.get(p, ())))
    return tuple(out)


def _top_events_sql(order: str) -> str:
    """The ``top`` heaviest events per period (two ``?``: top, top), after ``keyed_sql``'s CTEs.

    Ranking every event of a period is a sort of ~10^5 rows per month.  A period's top events
    all weigh at least its floor: the lightest weight with fewer than ``top`` events above it
    (from counts per weight), so only the events at or above the floor are ranked.  Floor and
    events compare the same SQL expression, so no rounding can drop one.
    """
    w_sql = f"{base_weight_sql()} * (1 + ln(1 + greatest(coalesce(fatalities, 0), 0)))"
    return (f", kw AS (SELECT *, {w_sql} AS w FROM k WHERE period IS NOT NULL AND {base_weight_sql()} > 0), "
            "wn AS (SELECT period, w, count(*) AS n FROM kw GROUP BY ALL), "
            "floors AS (SELECT period, min(w) AS floor FROM (SELECT period, w, sum(n) OVER (PARTITION BY period "
            "  ORDER BY w DESC ROWS UNBOUNDED PRECEDING) - n AS above FROM wn) WHERE above < ? GROUP BY period) "
            f"SELECT period, list(event_id ORDER BY w DESC, {order}) FROM (SELECT kw.* FROM kw JOIN floors "
            f"USING (period) WHERE w >= floor QUALIFY row_number() OVER (PARTITION BY period ORDER BY w DESC, "
            f"{order}) <= ?) GROUP BY period")


def _front_cells(store, quiet: int, min_events: int, canonical: bool) -> tuple[str, list, str]:
    """SQL for the new-front cells: ``kv`` (violent events with kind and key) and ``hit`` (kind, key, m)."""
    body, order, _ = tr.events_sql(store, canonical=canonical, publisher=False)
    dated = "event_date IS NOT NULL AND date_precision IS DISTINCT FROM 'year'"
    keyed = " UNION ALL ".join(f"SELECT '{kind}' AS kind, {tr.SQL_KEYS[kind]} AS key, * FROM v"
                               for kind in ("dyad", "target"))
    sql = (f"WITH ev AS ({body}), "
           f"obs AS (SELECT m, row_number() OVER (ORDER BY m) - 1 AS i FROM "
           f"  (SELECT DISTINCT strftime(event_date, '%Y-%m') AS m FROM ev WHERE {dated})), "
           f"v AS (SELECT strftime(event_date, '%Y-%m') AS m, * FROM ev WHERE {dated} AND {tr.violent_sql()}), "
           f"kv AS ({keyed}), "
           "c AS (SELECT kind, key, m, count(*) AS n FROM kv GROUP BY ALL), "
           # Python drops keys with a '?' part (an unnamed side): split as it splits, once per cell,
           # not per event (the cells' events are only read through ``hit``).
           "ci AS (SELECT c.*, obs.i, lag(obs.i) OVER (PARTITION BY kind, key ORDER BY obs.i) AS prev "
           "  FROM c JOIN obs USING (m) WHERE NOT list_contains(string_split(key, ' -> '), '?')), "
           "hit AS (SELECT kind, key, m FROM ci WHERE i >= ? AND n >= ? AND (prev IS NULL OR prev < i - ?)) ")
    return sql, [quiet, min_events, quiet], order


def new_fronts(store, *, quiet: int = 3, min_events: int = 1, canonical: bool = True) -> tuple[sg.NewFront, ...]:
    """``signals.new_fronts(load_events(store), quiet=quiet, min_events=min_events)``.

    A cell is (kind, key, month) of violent events; the observed months are numbered, and
    a cell is new when it is at index >= ``quiet``, holds ``min_events``, and the key's
    previous cell (any size) lies more than ``quiet`` observed months back.
    """
    sql, params, order = _front_cells(store, quiet, min_events, canonical)
    # ~10^5 alerts at a million events: their ids come as sorted flat rows, cut into cells here;
    # DuckDB's ordered list() per cell costs more than the sort.  The SQL order makes Python's
    # sort (the one that decides the order) a single pass.
    got = store.con.execute(sql + f"SELECT m, kind, key, event_id FROM kv JOIN hit USING (kind, key, m) "
                                  f"ORDER BY m, kind, key, {order}", params).fetchnumpy()
    cols = [got[c] for c in ("m", "kind", "key")]
    first = np.ones(len(got["event_id"]), bool)  # the first row of each cell
    first[1:] = np.logical_or.reduce([c[1:] != c[:-1] for c in cols])
    cuts = np.flatnonzero(first).tolist()
    ids = got["event_id"].tolist()
    cells = sorted(zip(*(c[cuts].tolist() for c in cols),
                       (tuple(ids[a:b]) for a, b in zip(cuts, cuts[1:] + [len(ids)]))))
    return tuple(sg.NewFront(kind, key, month, quiet, evs) for month, kind, key, evs in cells)


def latest_new_fronts(store, n: int, *, max_ids: int | None = None, quiet: int = 3, min_events: int = 1,
                      canonical: bool = True) -> tuple[int, tuple[sg.NewFront, ...]]:
    """(how many new fronts there are, the last ``n`` of ``new_fronts``), each citing at most
    ``max_ids`` events (None: all).  Sparse dyads make a million events ~10^5 alerts: the
    report lists the latest few; only their cells fetch ids."""
    sql, params, order = _front_cells(store, quiet, min_events, canonical)
    cells = sorted(store.con.execute(sql + "SELECT m, kind, key FROM hit", params).fetchall())
    chosen = cells[-n:] if n > 0 else []
    if not chosen:
        return len(cells), ()
    ids = f"list(event_id ORDER BY {order})" + ("[1:?]" if max_ids is not None else "")
    rows = store.con.execute(
        sql + f"SELECT kind, key, m, {ids} FROM kv JOIN (SELECT unnest(?::VARCHAR[]) AS kind, unnest(?::VARCHAR[]) "
        "AS key, unnest(?::VARCHAR[]) AS m) w USING (kind, key, m) GROUP BY ALL",
        params + ([max_ids] if max_ids is not None else [])  # in text order: the SELECT's slice comes first
        + [[c[1] for c in chosen], [c[2] for c in chosen], [c[0] for c in chosen]]).fetchall()
    got = {(kind, key, m): tuple(i) for kind, key, m, i in rows}
    return len(cells), tuple(sg.NewFront(kind, key, m, quiet, got[(kind, key, m)]) for m, kind, key in chosen)


def violent_month_counts(store, by: str = "front", *,
                         canonical: bool = True) -> tuple[list[str], list[str], np.ndarray]:
    """(keys, months, counts: keys x months) with the values and key order of
    ``count_events_sql(store, by, "month", violent_only=True).series()``, as one matrix:
    10^5 zero-filled ``CountRow`` objects would cost more than the detectors that read them."""
    k, params, _ = tr.keyed_sql(store, by, "month", canonical=canonical, violent_only=True)
    got = store.con.execute(k + "SELECT key, period, count(*) AS n FROM k WHERE period IS NOT NULL GROUP BY ALL",
                            params).fetchnumpy()
    if not len(got["n"]):
        return [], [], np.zeros((0, 0), np.int64)
    months = full_range(sorted(set(got["period"])), "month")  # quiet months in between count 0
    col = _codes(got["period"], {m: i for i, m in enumerate(months)})
    keys = sorted(set(got["key"]))  # Python's str order, as count_events_sql sorts its keys
    row = _codes(got["key"], {key: i for i, key in enumerate(keys)})
    totals = np.bincount(row, weights=got["n"], minlength=len(keys))
    order = np.lexsort((np.arange(len(keys)), -totals))  # the most events first, ties by key
    rank = np.empty(len(keys), np.int64)
    rank[order] = np.arange(len(keys))
    counts = np.zeros((len(keys), len(months)), np.int64)
    counts[rank[row], col] = got["n"]
    return [keys[i] for i in order], months, counts


def _codes(values: np.ndarray, index: dict[str, int]) -> np.ndarray:
    return np.fromiter(map(index.__getitem__, values), np.int64, len(values))


def event_escalations(store, by: str = "front", *, canonical: bool = True) -> list[sg.Escalation]:
    """The ``events: KEY`` escalations of ``overview.signals``: NB-CUSUM alarms on monthly violent-event
    counts per key, every key at once (signals_vec).  Only the months an alarm cites fetch their ids."""
    keys, periods, counts = violent_month_counts(store, by, canonical=canonical)
    found = signals_vec.detect_escalations([f"{PREFIX}{key}" for key in keys], periods, counts)
    at = {m: i for i, m in enumerate(periods)}
    # The evidence detect_escalation cites: the month before the change through the alarm month.
    spans = [(e.series[len(PREFIX):], periods[max(0, at[e.change_month] - 1):at[e.alarm_month] + 1]) for e in found]
    ids = tr.cell_ids(store, {(key, m) for key, ms in spans for m in ms}, by, "month",
                      canonical=canonical, violent_only=True)
    return [dataclasses.replace(e, evidence=tuple(i for m in ms for i in ids.get((key, m), ())))
            for e, (key, ms) in zip(found, spans)]


def reported_escalations(store) -> list[sg.Escalation]:
    """The ``reported: ...`` escalations of ``overview.signals``: alarms on the articles' monthly figures.
    A handful of series, some not whole counts: the scalar detector, the reference itself."""
    published = tr.published_dates(store, with_stats=True)
    return [e for name, (months, values, evidence) in tr.reported_series(store.rows("stats"), published).items()
            for e in sg.detect_escalation(f"reported: {name}", months, values, evidence)]
