"""Backtest protocol (no leakage, tuning apart from reporting) and the acceptance run on ACLED."""
from __future__ import annotations

import numpy as np
import pytest

from tightrope.analyse import backtest as bt
from tightrope.errors import EvalError

from analyse_support import write_benchmark


def _synthetic(tmp_path, months=33, seed=0):
    rng = np.random.default_rng(seed)
    series = {}
    for c in ("A", "B"):
        for t, base in (("Battles", 40), ("Protests", 8)):
            series[(c, t)] = list(rng.poisson(rng.gamma(3.0, base / 3.0, months)))
    return write_benchmark(tmp_path / "bench.csv", series)


@pytest.mark.parametrize("content, message", [
    (None, "benchmark file not found"),
    ("Country,Event.month,Events\nA,2021-01-01,3\n", "missing columns Event.Type"),
    ("Country,Event.month,Event.Type,Events\nA,2021-01-01,Battles,x\n", ":2: bad month or count"),
    ("Country,Event.month,Event.Type,Events\nA,2021-01-01,Battles,-4\n", "negative count"),
    ("Country,Event.month,Event.Type,Events\n", "no rows"),
])
def test_load_benchmark_errors(tmp_path, content, message):
    f = tmp_path / "b.csv"
    if content is not None:
        f.write_text(content)
    with pytest.raises(EvalError, match=message):
        bt.load_benchmark(f)


def test_load_benchmark_fills_missing_months_with_zero(tmp_path):
    f = tmp_path / "b.csv"
    f.write_text("Country,Event.month,Event.Type,Events\nA,2021-01-01,Battles,3\nA,2021-03-01,Battles,5\n")
    p = bt.load_benchmark(f)
    assert p.months == ("2021-01", "2021-02", "2021-03") and p.counts.tolist() == [[3.0, 0.0, 5.0]]


class Spy:
    """A model that records which months of history it was shown."""

    name = "spy"

    def __init__(self):
        self.lengths = []

    def sample(self, hist, horizon, n, rng):
        self.lengths.append(hist.shape[1])
        return np.zeros((hist.shape[0], horizon, n), dtype=int)


def test_rolling_origin_sees_only_the_past(tmp_path):
    panel = bt.load_benchmark(_synthetic(tmp_path))
    spy = Spy()
    score = bt.evaluate(panel, spy, ("2023-01", "2023-09"), n=10)
    first = panel.months.index("2023-01")
    assert spy.lengths == list(range(first, first + 9))  # origin t sees months [0, t)
    # targets stay inside the window: 9 origins, horizons cut at Sep 2023 -> 7*3 + 2 + 1 cases per unit
    assert score.n == len(panel.units) * (7 * 3 + 2 + 1)


def test_tuning_window_must_precede_report_window(tmp_path):
    with pytest.raises(EvalError, match="must end before"):
        bt.run_backtest(_synthetic(tmp_path), tune_window=("2022-01", "2023-02"), n=20)


@pytest.mark.parametrize("scores, chosen", [
    ([(20.0, 0.80), (21.0, 0.90), (22.0, 0.91)], 1),  # the calibrated one with the lowest CRPS
    ([(20.0, 0.85), (21.0, 0.97)], 0),                # none calibrated: closest to 0.90
])
def test_choose(scores, chosen):
    rows = [bt.ModelScore("m", c, 0, 0, 0, cov, 0, 1, {"i": i}) for i, (c, cov) in enumerate(scores)]
    assert bt.choose(rows).params == {"i": chosen}


def test_small_backtest_runs_and_is_deterministic(tmp_path):
    f = _synthetic(tmp_path)
    a = bt.run_backtest(f, n=50, seed=3)
    b = bt.run_backtest(f, n=50, seed=3)
    assert a == b
    assert [r.model for r in a.rows] == ["zero", "last_poisson", "conflictology", "negbin", "hawkes", "ensemble"]
    assert bt.to_json(a)["best"] in ("negbin", "hawkes", "ensemble")


@pytest.fixture(scope="module")
def acled_result():
    from analyse_support import BENCHMARK

    if not BENCHMARK.is_file():
        pytest.skip(f"ACLED monthly benchmark not present at {BENCHMARK} (only on CI/dev machines with ../shared)")
    return bt.run_backtest(BENCHMARK.parent, n=1000, seed=0)


def test_acled_acceptance(acled_result):
    """Best model: CRPS >= 5% below conflictology, below last-value Poisson, 90% coverage in 85-95%."""
    by = {r.model: r for r in acled_result.rows}
    best = acled_result.best
    assert best.crps <= 0.95 * by["conflictology"].crps
    assert best.crps < by["last_poisson"].crps
    assert 0.85 <= best.coverage <= 0.95
    assert all(c.passed for c in acled_result.checks)
    assert acled_result.units == 48 and all(r.n == 48 * 24 for r in acled_result.rows)


def test_acled_baselines_behave_as_expected(acled_result):
    by = {r.model: r for r in acled_result.rows}
    assert by["zero"].coverage < 0.2  # a point mass at zero covers only the zero months
    assert by["last_poisson"].coverage < 0.6  # Poisson is far too narrow for overdispersed counts
    for name in ("negbin", "hawkes", "ensemble"):
        assert by[name].log < by["conflictology"].log
