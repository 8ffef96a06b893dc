"""Escalation signals: NB CUSUM and BOCPD on counts, intensity index, new fronts."""
from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tightrope.analyse import signals as sg

MONTHS = [f"2024-{m:02d}" for m in range(1, 13)]


@pytest.mark.parametrize("counts, change, alarm", [
    ([20, 22, 18, 25, 19, 21, 23, 20], None, None),          # stable: no alarm
    ([10, 12, 9, 11, 10, 30, 35, 40], "2024-06", "2024-08"),  # a tripling: change month found, alarm 2 months on
    ([100, 90, 110, 95, 105, 40, 30, 35], None, None),       # a fall is not an escalation
])
def test_detect_escalation(counts, change, alarm):
    found = sg.detect_escalation("s", MONTHS[:len(counts)], counts)
    if change is None:
        assert found == ()
    else:
        assert (found[0].change_month, found[0].alarm_month) == (change, alarm)


def test_seed_statistics_escalate():
    """Maariv's 6, 31, 90 attacks (Aug-Oct 2024): escalation flagged, change month September."""
    found = sg.detect_escalation("attack (Iraq -> Israel), per Maariv", ["2024-08", "2024-09", "2024-10"], [6, 31, 90],
                                 {"2024-08": ("s8",), "2024-09": ("s9",), "2024-10": ("s10",)})
    assert len(found) == 1
    e = found[0]
    assert e.change_month == "2024-09" and e.alarm_month == "2024-10"
    assert e.baseline == 6 and e.after == pytest.approx(60.5) and e.ratio > 5
    assert e.evidence == ("s8", "s9", "s10") and 0 < e.change_probability <= 1


def test_poisson_cusum_flags_overdispersed_stable_series_nb_does_not():
    rng = np.random.default_rng(5)
    series = rng.poisson(rng.gamma(3.0, 50 / 3.0, size=(30, 36)))
    nb = sum(len(sg.nb_cusum(y)[0]) for y in series)
    poisson = sum(len(sg.nb_cusum(y, size=math.inf)[0]) for y in series)
    assert poisson > 4 * max(nb, 1)
    # <= 0.25 false alarms per series-year (30 series x 3 years); most come in the first months,
    # while the self-starting baseline rests on 1-3 months
    assert nb <= 22


def test_cusum_threshold_evidence():
    """Threshold 5 with a 12-month baseline: rare false alarms, most doublings caught within 6 months."""
    rng = np.random.default_rng(1)
    false = sum(len(sg.nb_cusum(rng.poisson(rng.gamma(3, 20 / 3, 240)))[0]) for _ in range(20))
    assert 240 * 20 / max(false, 1) >= 48  # months between false alarms
    caught = 0
    for _ in range(40):
        y = np.concatenate([rng.poisson(rng.gamma(3, 20 / 3, 24)), rng.poisson(rng.gamma(3, 40 / 3, 12))])
        caught += any(24 <= a.index < 30 for a in sg.nb_cusum(y)[0])
    assert caught >= 20


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(0, 300), min_size=1, max_size=24))
def test_bocpd_posteriors_are_distributions(counts):
    runs = sg.bocpd(counts)
    assert len(runs) == len(counts)
    for t, p in enumerate(runs):
        assert len(p) == t + 1 and p.sum() == pytest.approx(1.0) and (p >= 0).all()


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(0, 500), min_size=0, max_size=30))
def test_cusum_path_nonnegative_and_alarms_ordered(counts):
    alarms, path = sg.nb_cusum(counts)
    assert len(path) == len(counts) and all(s >= 0 for s in path)
    for a in alarms:
        assert a.start <= a.index and a.statistic > sg.THRESHOLD


@pytest.mark.parametrize("row, weight", [
    ({"event_type": "Battles"}, 3.0),
    ({"event_type": "Protests"}, 0.5),
    ({"event_type": None, "plover_type": "THREATEN"}, 0.5),
    ({"event_type": None, "plover_type": "CONSULT"}, 0.0),
    ({"event_type": "Explosions/Remote violence", "fatalities": 2}, 3.0 * (1 + math.log(3))),
])
def test_event_weight(row, weight):
    assert sg.event_weight(row) == pytest.approx(weight)


def _ev(i, date, **kw):
    return {"event_id": f"e{i}", "event_date": date, "date_precision": kw.pop("precision", "day"),
            "event_type": "Explosions/Remote violence", "plover_type": "ASSAULT", **kw}


def test_intensity_index_fills_quiet_months_and_keeps_evidence():
    rows = [_ev(1, "2024-01-05", fatalities=1), _ev(2, "2024-03-02"), _ev(3, "2024", precision="year")]
    pts = sg.intensity_index(rows)
    assert [p.period for p in pts] == ["2024-01", "2024-02", "2024-03"]
    assert pts[1].index == 0 and pts[0].top_events == ("e1",) and pts[0].index > pts[2].index


def test_new_front_after_quiet_months():
    rows = [_ev(i, f"2024-0{m}-10", actor1="A", actor2="B", country="X") for i, m in enumerate([1, 2, 3, 4, 5])]
    rows.append(_ev(9, "2024-05-20", actor1="Iraq", actor2="Israel", country="Israel"))
    fronts = sg.new_fronts(rows, quiet=3)
    assert [(f.kind, f.key, f.month, f.events) for f in fronts] == [
        ("dyad", "Iraq -> Israel", "2024-05", ("e9",)), ("target", "Israel", "2024-05", ("e9",))]
