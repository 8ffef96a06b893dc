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

from tightrope.analyse import signals as sg
from tightrope.analyse import trends as tr
from tightrope.analyse.periods import full_range


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
    w_sql = f"{base_weight_sql()} * (1 + ln(1 + greatest(coalesce(fatalities, 0), 0)))"
    tops: dict[str, tuple[str, ...]] = {}
    if top > 0:
        rows = store.con.execute(
            k + f"SELECT period, list(event_id ORDER BY w DESC, {order}) FROM (SELECT *, {w_sql} AS w FROM k "
            f"WHERE period IS NOT NULL AND {base_weight_sql()} > 0 QUALIFY row_number() OVER "
            f"(PARTITION BY period ORDER BY w DESC, {order}) <= ?) GROUP BY period", params + [top]).fetchall()
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
           # Python drops keys with a '?' part (an unnamed side): split as it splits.
           f"kv AS (SELECT * FROM ({keyed}) WHERE NOT list_contains(string_split(key, ' -> '), '?')), "
           "c AS (SELECT kind, key, m, count(*) AS n FROM kv GROUP BY ALL), "
           "ci AS (SELECT c.*, obs.i, lag(obs.i) OVER (PARTITION BY kind, key ORDER BY obs.i) AS prev "
           "  FROM c JOIN obs USING (m)), "
           "hit AS (SELECT kind, key, m FROM ci WHERE i >= ? AND n >= ? AND (prev IS NULL OR prev < i - ?)) ")
    return sql, [quiet, min_events, quiet], order


def new_fronts(store, *, quiet: int = 3, min_events: int = 1, canonical: bool = True) -> tuple[sg.NewFront, ...]:
    """``signals.new_fronts(load_events(store), quiet=quiet, min_events=min_events)``.

    A cell is (kind, key, month) of violent events; the observed months are numbered, and
    a cell is new when it is at index >= ``quiet``, holds ``min_events``, and the key's
    previous cell (any size) lies more than ``quiet`` observed months back.
    """
    sql, params, order = _front_cells(store, quiet, min_events, canonical)
    rows = store.con.execute(sql + f"SELECT kind, key, m, list(event_id ORDER BY {order}) FROM kv "
                                   "JOIN hit USING (kind, key, m) GROUP BY ALL", params).fetchall()
    out = [sg.NewFront(kind, key, m, quiet, tuple(ids)) for kind, key, m, ids in rows]
    return tuple(sorted(out, key=lambda f: (f.month, f.kind, f.key)))


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


def event_escalations(store, by: str = "front", *, canonical: bool = True) -> list[sg.Escalation]:
    """The ``events: KEY`` escalations of ``overview.signals``: NB-CUSUM alarms on monthly violent-event
    counts per key.  Counts come without ids; only the months an alarm cites fetch their ids."""
    counts = tr.count_events_sql(store, by, "month", canonical=canonical, violent_only=True, max_ids=0)
    periods = list(counts.periods)
    found: list[tuple[str, sg.Escalation]] = []
    for key, values in counts.series().items():
        found += [(key, e) for e in sg.detect_escalation(f"events: {key}", periods, values, {})]
    # The evidence detect_escalation cites: the month before the change through the alarm month.
    spans = {}
    for key, e in found:
        start, end = periods.index(e.change_month), periods.index(e.alarm_month)
        spans[(key, e.change_month, e.alarm_month)] = periods[max(0, start - 1):end + 1]
    ids = tr.cell_ids(store, {(key, m) for (key, _, _), ms in spans.items() for m in ms}, by, "month",
                      canonical=canonical, violent_only=True)
    return [dataclasses.replace(e, evidence=tuple(i for m in spans[(key, e.change_month, e.alarm_month)]
                                                  for i in ids.get((key, m), ())))
            for key, e in found]
