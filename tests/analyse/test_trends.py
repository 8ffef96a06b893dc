"""Counts by period and key, reported statistics beside our counts, calendar helpers."""
from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from analyse_support import make_store
from tightrope.analyse import overview, periods, trends


@given(st.integers(2000, 2100), st.integers(1, 12), st.integers(-300, 300))
def test_add_months_roundtrip(year, month, n):
    key = f"{year:04d}-{month:02d}"
    assert periods.add_months(periods.add_months(key, n), -n) == key
    if n >= 0:
        assert len(periods.month_range(key, periods.add_months(key, n))) == n + 1


@pytest.mark.parametrize("value, expected", [
    ("2024-10-04", dt.date(2024, 10, 4)), ("2024-10", dt.date(2024, 10, 1)), ("2024", dt.date(2024, 1, 1)),
    (dt.datetime(2024, 1, 2, 3), dt.date(2024, 1, 2)), ("", None), (None, None), ("Oct 2024", None),
])
def test_to_date(value, expected):
    assert periods.to_date(value) == expected


@pytest.mark.parametrize("precision, freq, expected", [
    ("day", "month", "2024-10"), ("month", "month", "2024-10"), ("year", "month", None),
    ("day", "week", "2024-W40"), ("week", "week", "2024-W40"), ("month", "week", None),
])
def test_period_key_respects_precision(precision, freq, expected):
    assert periods.period_key(dt.date(2024, 10, 4), precision, freq) == expected


ROW = {"actor1": "Islamic Resistance in Iraq", "actor2": "Israel", "origin_country": "Iraq", "country": "Israel",
       "admin1": "Northern District", "location": "Golan Heights", "event_type": None, "plover_type": "ASSAULT",
       "sub_event_type": None, "publisher": "Maariv", "claim_status": "claimed"}


@pytest.mark.parametrize("by, key", [
    ("all", "all"), ("type", "ASSAULT"), ("sub_type", "?"), ("dyad", "Islamic Resistance in Iraq -> Israel"),
    ("front", "Iraq -> Israel"), ("target", "Northern District, Israel"), ("country", "Israel"),
    ("place", "Golan Heights"), ("source", "Maariv"), ("claim", "claimed"),
])
def test_group_key(by, key):
    assert trends.group_key(ROW, by) == key


def test_group_key_rejects_unknown():
    with pytest.raises(ValueError, match="unknown grouping"):
        trends.group_key(ROW, "colour")


def test_count_events_zero_fills_and_sets_coarse_apart():
    rows = [{"event_id": "a", "event_date": "2024-08-03", "date_precision": "day", "country": "Iraq"},
            {"event_id": "b", "event_date": "2024-10-01", "date_precision": "month", "country": "Iraq"},
            {"event_id": "c", "event_date": "2024-01-01", "date_precision": "year", "country": "Iraq"}]
    c = trends.count_events(rows, by="country")
    assert c.periods == ("2024-08", "2024-09", "2024-10") and c.series() == {"Iraq": [1, 0, 1]}
    assert c.too_coarse == 1 and c.evidence() == {"Iraq": {"2024-08": ("a",), "2024-10": ("b",)}}
    w = trends.count_events(rows, by="country", freq="week")
    assert w.too_coarse == 2 and sum(w.series()["Iraq"]) == 1


MAARIV = [dict(value=6, start="2024-08-01", end="2024-08-31", origin="Iraq", target="Israel"),
          dict(value=31, start="2024-09-01", end="2024-09-30", origin="Iraq", target="Israel"),
          dict(value=90, start="2024-10-01", end="2024-10-31", origin="Iraq", target="Israel"),
          dict(value=65, start="2024-11-01", end="2024-11-30", origin="Iraq", subject="drone attack"),
          dict(value=5, unit="per day", source="US official")]
EVENTS = [dict(date="2024-10-04", origin="Iraq", actor2="Israel", country="Israel", fatalities=2),
          dict(date="2024-10-01", precision="month", actor1="Iran", actor2="Israel", country="Israel"),
          dict(date="2024-11-01", precision="month", origin="Iraq", actor2="Israel", country="Israel"),
          dict(date="2024-10-12", origin="Iraq", actor2="Israel", country="Israel", event_type=None,
               sub_event_type=None, plover_type="THREATEN")]


@pytest.fixture
def seeded(tmp_path):
    store = make_store(tmp_path / "t.duckdb", EVENTS, MAARIV, published="2024-11-14")
    yield store
    store.close()


def test_reported_statistics_beside_our_counts(seeded):
    rows = {c.period: c for c in overview.trends(seeded)["reported_vs_ours"]}
    assert set(rows) == {"2024-08", "2024-09", "2024-10", "2024-11"}  # the per-day rate has no period
    oct_ = rows["2024-10"]
    assert (oct_.reported, oct_.extracted, oct_.event_ids) == (90, 1, ("e0",))  # Iran's strike and the threat are not
    assert "1 of 90 found" in oct_.explanation and not oct_.partial
    nov = rows["2024-11"]
    assert nov.partial and "not over at publication (2024-11-14): 65 in 14 days" in nov.explanation
    assert "dated only to the month" in nov.explanation


def test_reported_series_skips_unfinished_months_and_splits_gaps():
    stats = [{"stat_id": f"s{m}", "doc_id": "d", "value": v, "unit": "count", "subject": "attack", "origin": "Iraq",
              "target": "Israel", "source": "Maariv", "period_start": f"2024-{m:02d}-01",
              "period_end": periods.month_end(dt.date(2024, m, 1)).isoformat()}
             for m, v in ((3, 2), (5, 6), (6, 31), (11, 65))]
    out = trends.reported_series(stats, {"d": "2024-11-14"})
    assert [(v[0], v[1]) for v in out.values()] == [(["2024-03"], [2.0]), (["2024-05", "2024-06"], [6.0, 31.0])]


def test_overview_signals_flag_seed_statistics(seeded):
    res = overview.signals(seeded)
    reported = [e for e in res["escalations"] if e.series.startswith("reported:")]
    assert [(e.change_month, e.alarm_month) for e in reported] == [("2024-09", "2024-10")]
    assert reported[0].evidence == ("s0", "s1", "s2")
    assert overview.jsonable(res)["escalations"][0]["change_month"] == "2024-09"


def test_canonical_events_are_counted_once(seeded):
    """When the store has canonical events (merged across articles), an incident counts once."""
    seeded.con.execute("INSERT INTO canonical_events (canonical_event_id, event_date, date_precision, event_type, "
                       "plover_type, actor2, country, doc_ids, publishers) VALUES ('ce1', DATE '2024-10-04', 'day', "
                       "'Explosions/Remote violence', 'ASSAULT', 'Israel', 'Israel', ['dtest'], ['Test Desk'])")
    seeded.con.execute("INSERT INTO canonical_members (canonical_event_id, event_id, doc_id) VALUES "
                       "('ce1', 'e0', 'dtest'), ('ce1', 'e2', 'dtest')")
    rows = trends.load_events(seeded)
    assert [(r["event_id"], r["origin_country"], r["publisher"]) for r in rows] == [("ce1", "Iraq", "Test Desk")]
    assert len(trends.load_events(seeded, canonical=False)) == len(EVENTS)


def test_report_outlook_rows(seeded):
    from tightrope.analyse.report import outlook

    out = outlook(seeded)
    assert set(out) == {"signals", "forecasts", "scenarios"}
    esc = [r for r in out["signals"] if r["signal"] == "escalation" and r["series"].startswith("reported:")]
    assert esc and esc[0]["change month"] == "2024-09"
    reported = [f for f in out["forecasts"] if f["unit"].startswith("reported:")]
    assert [f["month"] for f in reported] == ["2024-11", "2024-12", "2025-01"]
    assert len(out["scenarios"]) == 3
    for section in out.values():
        for row in section:
            assert all(isinstance(v, (str, int, float)) for v in row.values())


# -- the SQL twins give the Python results -----------------------------------------
MIXED = EVENTS + [dict(date="2024-12-30", origin="Iraq", actor2="Israel", country="Israel", admin1="North"),
                  dict(date="2024-01-01", precision="year", actor1=" Iran ", actor2="", country="Israel"),
                  dict(date=None, actor1="X", event_type="Protests", plover_type="PROTEST"),
                  dict(date="2024-10-20", actor1="Iran", actor2="Israel", country="Israel", fatalities=4,
                       event_type="Strategic developments", plover_type="ASSAULT")]


@pytest.fixture(params=["events", "canonical"])
def mixed(tmp_path, request):
    store = make_store(tmp_path / "m.duckdb", MIXED, MAARIV, published="2024-11-14")
    if request.param == "canonical":
        store.con.execute("INSERT INTO canonical_events (canonical_event_id, event_date, date_precision, event_type, "
                          "plover_type, actor1, actor2, country, fatalities, doc_ids) VALUES "
                          "('ce1', DATE '2024-10-04', 'day', 'Explosions/Remote violence', 'ASSAULT', NULL, 'Israel', "
                          "'Israel', 3, ['dtest']), ('ce2', DATE '2024-11-01', 'month', NULL, 'THREATEN', 'Iran', "
                          "'Israel', 'Israel', NULL, ['dtest'])")
        store.con.execute("INSERT INTO canonical_members (canonical_event_id, event_id, doc_id, char_start) VALUES "
                          "('ce1', 'e1', 'dtest', 1), ('ce1', 'e0', 'dtest', 0), ('ce2', 'e2', 'dtest', 2)")
    yield store
    store.close()


@pytest.mark.parametrize("by", trends.GROUPS)
@pytest.mark.parametrize("freq", ["month", "week"])
@pytest.mark.parametrize("violent_only", [False, True])
def test_sql_counts_equal_python_counts(mixed, by, freq, violent_only):
    from tightrope.analyse.signals import event_weight

    where = (lambda r: event_weight({**r, "fatalities": 0}) >= 2) if violent_only else None
    assert trends.count_events_sql(mixed, by, freq, violent_only=violent_only) == \
        trends.count_events(trends.load_events(mixed), by, freq, where=where)


def test_sql_counts_top_keys_and_capped_evidence(mixed):
    full = trends.count_events_sql(mixed, "dyad")
    top = trends.count_events_sql(mixed, "dyad", top=1, max_ids=1)
    assert top.periods == full.periods and list(top.series()) == list(full.series())[:1]
    assert all(len(r.event_ids) <= 1 for r in top.rows)
    assert [r.count for r in top.rows] == [r.count for r in full.rows][:len(top.rows)]


def test_stat_comparison_from_sql_equals_python(mixed):
    assert trends.trends_store(mixed)["reported_vs_ours"] == overview.trends(mixed)["reported_vs_ours"]
    assert trends.trends_store(mixed)["counts"] == overview.trends(mixed)["counts"]


@pytest.mark.parametrize("stats", [[], [{"value": 6, "start": "2024-08-01", "end": "2024-08-31"}]])
def test_published_dates_with_stats_are_those_of_the_documents_holding_figures(tmp_path, stats):
    from tightrope.models import DateValue, Document

    store = make_store(tmp_path / "s.duckdb", [], stats=stats)
    try:
        store.add_documents([Document("dother", "y" * 50, published=DateValue(dt.date(2024, 9, 1), "day", "metadata"))])
        full = trends.published_dates(store)
        assert set(full) == {"dtest", "dother"}
        expected = {"dtest": full["dtest"]} if stats else {}
        assert trends.published_dates(store, with_stats=True) == expected
    finally:
        store.close()
