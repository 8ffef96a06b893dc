"""The analysis commands from SQL give exactly what the Python code over every loaded row gave.

``overview.trends/signals/forecasts`` now group in DuckDB; the references below are the
previous implementations (``count_events``, ``signals.*`` over ``load_events``), run on
small random stores: ties, undated and coarsely dated events, blank and padded names,
id orders where "e10" sorts before "e2", merged incidents, and rising fronts that alarm.
"""
from __future__ import annotations

import datetime as dt
import random

import numpy as np
import pytest

from analyse_support import make_store
from tightrope.analyse import overview, signals_sql, trends
from tightrope.analyse import signals as sg
from tightrope.analyse.forecast import forecast_units

ACTORS = ["Iran", " Iran ", "Israel", "Kataib Hezbollah", "", None, "A -> B"]
COUNTRIES = ["Iraq", "Israel", "Syria", None]
TYPES = [("Explosions/Remote violence", "ASSAULT"), ("Battles", "ASSAULT"), ("Protests", "PROTEST"),
         ("Strategic developments", "ASSAULT"), (None, "THREATEN"), (None, "COERCE"), (None, None),
         ("Riots", "ASSAULT"), (None, "ASSAULT")]
PRECISIONS = ["day"] * 6 + ["week", "month", "year"]


def random_events(seed: int, n: int, months: int = 20) -> list[dict]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        et, pt = rng.choice(TYPES)
        m = rng.randrange(months)
        d = dt.date(2023, 1, 1) + dt.timedelta(days=int(m * 30.5) + rng.randrange(28))
        out.append(dict(date=None if rng.random() < 0.05 else d.isoformat(), precision=rng.choice(PRECISIONS),
                        actor1=rng.choice(ACTORS), actor2=rng.choice(ACTORS), origin=rng.choice(["Iraq", None, None]),
                        country=rng.choice(COUNTRIES), admin1=rng.choice([None, "North", ""]),
                        event_type=et, sub_event_type=None if et is None else "Air/drone strike", plover_type=pt,
                        fatalities=rng.choice([None, 0, 0, 1, 2, 5, 30])))
    # A front that doubles and doubles again: something for the CUSUM to flag.
    for m in range(months):
        for _ in range(1 + (m >= months // 2) * 6 + (m >= months - 3) * 10):
            d = dt.date(2023, 1, 1) + dt.timedelta(days=int(m * 30.5) + rng.randrange(28))
            out.append(dict(date=d.isoformat(), origin="Iraq", actor1="IRI", actor2="Israel", country="Israel",
                            fatalities=rng.choice([0, 1])))
    return out


STORES = [  # (id, seed, events, merged incidents)
    ("tiny", 0, 3, False), ("small", 1, 40, False), ("medium", 2, 250, False), ("medium merged", 3, 250, True),
    ("large", 4, 600, False), ("large merged", 5, 600, True), ("no events", 6, 0, False)]


def _canonicalise(store) -> None:
    """Merge pairs of consecutive events into incidents (as resolve.merge would), members by offset."""
    rows = store.con.execute("SELECT event_id, event_date, date_precision, event_type, plover_type, actor1, actor2, "
                             "country, fatalities, char_start FROM events ORDER BY char_start").fetchall()
    for c in range(0, len(rows) - 1, 2):
        a, b = rows[c], rows[c + 1]
        store.con.execute("INSERT INTO canonical_events (canonical_event_id, event_date, date_precision, event_type, "
                          "plover_type, actor1, actor2, country, fatalities, doc_ids) VALUES "
                          "(?, ?, ?, ?, ?, ?, ?, ?, ?, ['dtest'])", [f"c{c}", *a[1:9]])
        store.con.execute("INSERT INTO canonical_members (canonical_event_id, event_id, doc_id, char_start) VALUES "
                          "(?, ?, 'dtest', ?), (?, ?, 'dtest', ?)", [f"c{c}", b[0], b[9], f"c{c}", a[0], a[9]])


@pytest.fixture(params=STORES, ids=[s[0] for s in STORES])
def store(tmp_path, request):
    _, seed, n, merged = request.param
    events = random_events(seed, n) if n else []
    stats = [dict(value=v, start=f"2024-{m:02d}-01", end=f"2024-{m:02d}-28" if m == 2 else f"2024-{m:02d}-30",
                  origin="Iraq", target="Israel") for m, v in ((4, 3), (6, 4), (9, 3), (11, 30))]
    st = make_store(tmp_path / "s.duckdb", events, stats, published="2025-01-10")
    if merged:
        _canonicalise(st)
    yield st
    st.close()


# -- the previous implementations, verbatim: every event row in Python ----------------------
def old_signals(store, by: str = "front") -> dict:
    events = trends.load_events(store)
    escalations = []
    for name, (months, values, evidence) in trends.reported_series(store.rows("stats"),
                                                                   trends.published_dates(store)).items():
        escalations.extend(sg.detect_escalation(f"reported: {name}", months, values, evidence))
    violent = trends.count_events(events, by=by, freq="month",
                                  where=lambda r: sg.event_weight({**r, "fatalities": 0}) >= 2)
    evidence = violent.evidence()
    for key, values in violent.series().items():
        escalations.extend(sg.detect_escalation(f"events: {key}", list(violent.periods), values, evidence.get(key, {})))
    return {"escalations": tuple(escalations), "intensity": sg.intensity_index(events),
            "new_fronts": sg.new_fronts(events)}


def old_forecasts(store, by: str = "country", n: int = 200, min_events: int = 2) -> dict:
    counts = trends.count_events(trends.load_events(store), by=by, freq="month")
    series = {k: v for k, v in counts.series().items() if sum(v) >= min_events and "?" not in k}
    out: list = []
    if series:
        units = list(series)
        out += forecast_units(units, list(counts.periods), np.array([series[u] for u in units], float), n=n)
    for name, (months, values, _) in trends.reported_series(store.rows("stats"),
                                                            trends.published_dates(store)).items():
        out += forecast_units([f"reported: {name}"], months, np.array([values], float), n=n)
    return {"forecasts": tuple(out)}


def old_trends(store, by: str, freq: str = "month") -> dict:
    events = trends.load_events(store)
    return {"counts": trends.count_events(events, by=by, freq=freq),
            "reported_vs_ours": trends.compare_stats(store.rows("stats"), events, trends.published_dates(store))}


# -- equal results -------------------------------------------------------------------------
@pytest.mark.parametrize("by", ["front", "dyad", "country", "target"])
def test_signals_equal_the_python_computation(store, by):
    new, old = overview.signals(store, by=by), old_signals(store, by=by)
    assert new == old
    assert overview.jsonable(new) == overview.jsonable(old)  # same JSON too (ints stay ints)


def test_the_stores_exercise_every_signal(store):
    """Guard against vacuous equality: the bigger stores alarm, have new fronts and ranked top events."""
    if trends.count_events_sql(store, "all").rows and len(trends.load_events(store)) > 200:
        res = overview.signals(store)
        assert any(e.series.startswith("events:") and e.evidence for e in res["escalations"])
        assert any(f.kind == "dyad" for f in res["new_fronts"])  # targets: see the hostile-keys test
        assert sum(len(p.top_events) == 3 for p in res["intensity"]) > 5


@pytest.mark.parametrize("freq,top", [("month", 3), ("week", 3), ("month", 1), ("month", 0), ("week", 10)])
def test_intensity_index_equals_python(store, freq, top):
    assert signals_sql.intensity_index(store, freq, top) == sg.intensity_index(trends.load_events(store), freq, top)


@pytest.mark.parametrize("quiet,min_events", [(3, 1), (1, 1), (2, 2), (5, 1), (0, 1)])
def test_new_fronts_equal_python(store, quiet, min_events):
    assert signals_sql.new_fronts(store, quiet=quiet, min_events=min_events) == \
        sg.new_fronts(trends.load_events(store), quiet=quiet, min_events=min_events)


@pytest.mark.parametrize("canonical", [True, False])
def test_raw_mentions_too(store, canonical):
    rows = trends.load_events(store, canonical=canonical)
    assert signals_sql.intensity_index(store, canonical=canonical) == sg.intensity_index(rows)
    assert signals_sql.new_fronts(store, canonical=canonical) == sg.new_fronts(rows)


@pytest.mark.parametrize("by", ["country", "front", "dyad"])
def test_forecasts_equal_the_python_computation(store, by):
    assert overview.forecasts(store, by=by, n=200) == old_forecasts(store, by=by)


@pytest.mark.parametrize("by,freq", [("front", "month"), ("type", "week"), ("source", "month"), ("target", "week")])
def test_trends_equal_the_python_computation(store, by, freq):
    assert overview.trends(store, by=by, freq=freq) == old_trends(store, by, freq)


def test_cell_ids_are_the_count_evidence(store):
    full = trends.count_events_sql(store, "dyad", violent_only=True)
    want = {(r.key, r.period): r.event_ids for r in full.rows if r.event_ids}
    assert trends.cell_ids(store, list(want) + [("nobody -> nowhere", "2023-01")], "dyad", violent_only=True) == want


def test_hostile_keys_are_values_not_sql(tmp_path):
    """Names reach SQL only as values: quotes and separators in a key stay data."""
    evil = "x'); DROP TABLE events; --"
    events = [dict(date=f"2024-{m:02d}-10", actor1=evil, actor2="Israel", country="Isr'ael") for m in (1, 2, 3, 4, 9)]
    events += [dict(date=f"2024-{m:02d}-10", actor1="Iran", actor2="Iraq", country="Iraq") for m in range(1, 10)]
    st = make_store(tmp_path / "h.duckdb", events)
    try:
        new = overview.signals(st, by="dyad")
        assert new == old_signals(st, by="dyad")
        assert [f.key for f in new["new_fronts"]] == [f"{evil} -> Israel", "Isr'ael"]
        assert trends.cell_ids(st, [(f"{evil} -> Israel", "2024-09")], "dyad") == {(f"{evil} -> Israel", "2024-09"):
                                                                                   ("e4",)}
        assert st.con.execute("SELECT count(*) FROM events").fetchone()[0] == 14
    finally:
        st.close()


@pytest.mark.parametrize("n,max_ids", [(1, None), (5, 2), (10_000, None), (0, None)])
def test_latest_new_fronts_are_the_tail(store, n, max_ids):
    every = sg.new_fronts(trends.load_events(store))
    total, latest = signals_sql.latest_new_fronts(store, n, max_ids=max_ids)
    tail = every[-n:] if n else ()
    assert total == len(every)
    assert [(f.kind, f.key, f.month) for f in latest] == [(f.kind, f.key, f.month) for f in tail]
    assert [f.events for f in latest] == [f.events[:max_ids] for f in tail]


@pytest.mark.parametrize("by", ["front", "dyad", "target", "country"])
@pytest.mark.parametrize("canonical", [True, False])
def test_violent_month_counts_are_the_count_series(store, by, canonical):
    keys, months, counts = signals_sql.violent_month_counts(store, by, canonical=canonical)
    ref = trends.count_events_sql(store, by, "month", canonical=canonical, violent_only=True, max_ids=0)
    assert months == list(ref.periods)
    assert keys == list(ref.series())  # the same order: most events first, ties by key
    assert dict(zip(keys, counts.tolist())) == ref.series()


def test_non_ascii_keys_order_as_python(tmp_path):
    """Python orders str by code point, DuckDB by UTF-8 bytes (the same order); either way
    Python's sort has the last word.  Names outside ASCII, in every plane, alarm and turn new."""
    names = ["Ωmega", "Zeta", "éclair", "Ḥamas", "a", "Ä", "\U0001F600 group", "Z", "ｚ"]
    events = [dict(date=f"2024-{m:02d}-10", actor1=a, actor2=b, country=c)
              for m in (1, 2, 7) for a, b, c in zip(names, names[::-1], names[1:] + names[:1])]
    events += [dict(date=f"2024-{m:02d}-12", actor1="filler", actor2="x", country="x") for m in range(1, 8)]
    for m in range(1, 13):  # a rising front, for the CUSUM
        n = 2 + (m > 6) * 20
        events += [dict(date=f"2024-{m:02d}-05", actor1="Ḥamas", actor2="Israël", country="Israël")] * n
    st = make_store(tmp_path / "u.duckdb", events)
    try:
        for by in ("dyad", "front", "target"):
            new = overview.signals(st, by=by)
            assert new == old_signals(st, by=by)
            assert any(e.series.startswith("events: ") and "Israël" in e.series for e in new["escalations"])
        assert len({f.key for f in new["new_fronts"]}) > 5
        for quiet in (1, 3):
            assert signals_sql.new_fronts(st, quiet=quiet) == sg.new_fronts(trends.load_events(st), quiet=quiet)
    finally:
        st.close()
