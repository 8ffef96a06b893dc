"""The batched detectors (signals_vec) give exactly what the scalar ones give, row by row.

Exactly: alarms, change months, baselines and every CUSUM value compare with ``==``, not
``approx``; a float computed in another order would flip an alarm at the threshold or a
rounded figure.  The cases cover whole and fractional counts (the fractional rows take the
scalar path), zeros, series shorter than the baseline, the Poisson limit (size=inf), low
thresholds that alarm and reset over and over, and counts too large for exact sums.
"""
from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tightrope.analyse import signals as sg
from tightrope.analyse import signals_vec as sv

SETTINGS = [  # nb_cusum keywords: the defaults, then the edges
    {},
    {"size": math.inf},
    {"size": 0.5, "threshold": 1.0},
    {"threshold": 0.5, "baseline_months": 3},  # alarms and resets month after month
    {"baseline_months": 1, "min_baseline": 3, "floor": 0.0},
    {"baseline_months": 24, "min_baseline": 0, "floor": 2.5, "shift": 1.5},
    {"size": 10.0, "baseline_months": 0},  # no baseline ever: no statistic
]


def random_series(seed: int, rows: int, months: int) -> np.ndarray:
    """Overdispersed counts, a share of them stepping up part-way (something to alarm on)."""
    rng = np.random.default_rng(seed)
    level = rng.gamma(1.0, 20.0, (rows, 1))
    step = np.where(rng.random((rows, 1)) < 0.5, rng.uniform(1, 5, (rows, 1)), 1.0)
    after = np.arange(months) >= rng.integers(0, months + 1, (rows, 1))
    mean = level * np.where(after, step, 1.0)
    y = rng.poisson(rng.gamma(3.0, mean / 3.0)).astype(float)
    y[rng.random(rows) < 0.1] = 0.0  # silent keys
    return y


def assert_same_cusum(y: np.ndarray, **kw) -> list[tuple[sg.Alarm, ...]]:
    alarms, path = sv.nb_cusum_many(y, **kw)
    assert path.shape == y.shape
    for i, row in enumerate(y):
        want, want_path = sg.nb_cusum(row, **kw)
        assert alarms[i] == want, (i, list(row))
        assert tuple(path[i]) == want_path, (i, list(row))
    return alarms


@pytest.mark.parametrize("kw", SETTINGS, ids=lambda kw: ",".join(f"{k}={v}" for k, v in kw.items()) or "defaults")
@pytest.mark.parametrize("months", [0, 1, 2, 5, 13, 36])
def test_cusum_equals_the_scalar_one(kw, months):
    assert_same_cusum(random_series(months, 400, months), **kw)


def test_the_random_series_alarm_and_reset():
    """Guard against vacuous equality: the cases above alarm, and alarm again after a reset."""
    y = random_series(36, 400, 36)
    alarms = assert_same_cusum(y)
    assert sum(map(bool, alarms)) > 20
    assert any(len(a) > 1 for a in alarms)
    assert any(len(a) > 5 for a in assert_same_cusum(y, threshold=0.5, baseline_months=3))


@pytest.mark.parametrize("row", [
    [2.5, 3.0, 10.5, 40.25, 80.0],  # reported figures need not be whole
    [0.1, 0.2, 0.3, 10.7, 40.1, 0.7, 0.9, 1.1, 50.3, 9.9, 0.3, 0.6, 70.1, 0.2],  # sums that round
    [1.0, 2.0, float("nan"), 50.0, 60.0],
    [2.0 ** 52, 2.0 ** 52, 2.0 ** 53, 2.0 ** 54, 2.0 ** 55],  # sums past 2**53 are not exact
    [0.0] * 8,
    [7.0],
])
def test_rows_the_sums_cannot_take_match_too(row):
    y = np.vstack([random_series(1, 3, len(row)), [row]])
    with np.errstate(all="ignore"):
        assert_same_cusum(y)
        assert_same_cusum(y, size=math.inf)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.integers(0, 400), min_size=12, max_size=12), min_size=1, max_size=6),
       st.sampled_from(SETTINGS))
def test_cusum_property(rows, kw):
    assert_same_cusum(np.array(rows, float), **kw)


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 30).flatmap(lambda n: st.lists(
    st.lists(st.one_of(st.integers(0, 60), st.sampled_from([0.5, 1.5, 1000.0])), min_size=n, max_size=n),
    min_size=1, max_size=5)))
def test_cusum_property_mixed_rows(rows):
    assert_same_cusum(np.array(rows, float), threshold=2.0)


def same_floats(a, b) -> bool:
    return np.array_equal(np.asarray(a, float), np.asarray(b, float), equal_nan=True)  # size=inf gives NaN


@pytest.mark.parametrize("size", [sg.NB_SIZE, 0.7, math.inf])
@pytest.mark.parametrize("months", [1, 2, 9, 24])
def test_change_probabilities_equal_bocpd(size, months):
    y = random_series(months + 100, 30, months)
    y[0, :] = 0.0
    y[1] = y[1] * 1.1 + 0.3  # not whole counts: each row's mean as bocpd sums it
    at = [(r, t, k) for r in range(len(y)) for t in range(months) for k in range(t + 1)]
    with np.errstate(all="ignore"):
        got = sv.change_probabilities(y, at, size=size)
        runs = [sg.bocpd(row, size=size) for row in y]
    assert same_floats(got, [runs[r][t][k] for r, t, k in at])


@pytest.mark.parametrize("kw", SETTINGS[:4], ids=["defaults", "poisson", "size0.5", "resets"])
def test_detect_escalations_equal_the_scalar_ones(kw):
    y = random_series(7, 300, 24)
    y[5] += 0.1  # a row the scalar path takes (sums that round)
    months = [f"{2023 + m // 12}-{m % 12 + 1:02d}" for m in range(24)]
    names = [f"events: key {i}" for i in range(len(y))]
    with np.errstate(all="ignore"):
        got = sv.detect_escalations(names, months, y, **kw)
        want = [e for name, row in zip(names, y) for e in sg.detect_escalation(name, months, row, {}, **kw)]
    assert len(got) == len(want) > 10
    for g, w in zip(got, want):
        assert (g.series, g.change_month, g.alarm_month, g.baseline, g.after, g.ratio, g.cusum) == \
            (w.series, w.change_month, w.alarm_month, w.baseline, w.after, w.ratio, w.cusum)
        assert same_floats(g.change_probability, w.change_probability) and g.evidence == w.evidence == ()
    if not math.isinf(kw.get("size", 0)):
        assert got == want


def test_empty_inputs():
    assert sv.detect_escalations([], [], np.zeros((0, 0))) == []
    assert sv.detect_escalations(["a"], [], np.zeros((1, 0))) == []
    alarms, path = sv.nb_cusum_many(np.zeros((0, 5)))
    assert alarms == [] and path.shape == (0, 5)
    with pytest.raises(ValueError):
        sv.nb_cusum_many([1, 2, 3])
