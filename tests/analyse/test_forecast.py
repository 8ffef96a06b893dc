"""Forecast models: shapes, determinism, calibration on simulated counts, Hawkes fit."""
from __future__ import annotations

import numpy as np
import pytest

from tightrope.analyse import forecast as fc

MODELS = [fc.Zero(), fc.LastPoisson(), fc.Conflictology(), fc.NegBin(), fc.Hawkes(), fc.default_models()[-1]]


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.name)
@pytest.mark.parametrize("months", [1, 2, 13, 30])
def test_samples_shape_and_support(model, months):
    rng = np.random.default_rng(0)
    hist = rng.poisson(20, size=(4, months)).astype(float)
    hist[1] = 0  # an all-zero unit
    s = model.sample(hist, 3, 200, fc.model_rng(0, model.name))
    assert s.shape == (4, 3, 200)
    assert np.issubdtype(s.dtype, np.integer) and s.min() >= 0


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.name)
def test_same_seed_same_samples(model):
    hist = np.random.default_rng(1).poisson(30, size=(3, 24)).astype(float)
    a = model.sample(hist, 3, 100, fc.model_rng(7, model.name, "2023-01"))
    b = model.sample(hist, 3, 100, fc.model_rng(7, model.name, "2023-01"))
    assert np.array_equal(a, b)


def test_zero_series_forecasts_near_zero():
    hist = np.zeros((1, 24))
    for m in (fc.NegBin(), fc.Hawkes()):
        assert m.sample(hist, 3, 500, fc.model_rng(0, m.name)).mean() < 0.5


@pytest.mark.parametrize("model", [fc.NegBin(), fc.Hawkes(), fc.default_models()[-1]], ids=lambda m: m.name)
def test_intervals_cover_stable_nb_series(model):
    """On stationary NB(size 3) series the 90% intervals cover roughly 90% of next months."""
    rng = np.random.default_rng(3)
    mean = np.array([5, 20, 60, 150] * 10, float)
    series = rng.poisson(rng.gamma(3.0, mean[:, None] / 3.0, size=(40, 25)))
    s = model.sample(series[:, :24].astype(float), 1, 1000, fc.model_rng(0, model.name))
    lo, hi = np.quantile(s[:, 0], 0.05, axis=1), np.quantile(s[:, 0], 0.95, axis=1)
    y = series[:, 24]
    assert 0.75 <= np.mean((y >= lo) & (y <= hi)) <= 1.0


def _simulate_ingarch(mu, alpha, beta, size, t_len, rng):
    y, exc = [], mu / (1 - alpha)
    for _ in range(t_len):
        lam = mu + alpha * exc
        v = rng.poisson(rng.gamma(size, lam / size))
        y.append(v)
        exc = (1 - beta) * v + beta * exc
    return np.array(y, float)


def test_hawkes_fit_separates_self_exciting_from_iid():
    rng = np.random.default_rng(11)
    exciting = np.stack([_simulate_ingarch(5.0, 0.8, 0.3, 20.0, 200, rng) for _ in range(6)])
    iid = rng.poisson(rng.gamma(20.0, 25.0 / 20.0, size=(6, 200))).astype(float)
    model = fc.Hawkes(window=200)
    assert np.median(model.fit(exciting).alpha) >= 0.6
    assert np.median(model.fit(iid).alpha) <= 0.3


def test_forecast_units_rows():
    out = fc.forecast_units(["a", "b"], ["2024-09", "2024-10"], np.array([[5, 9], [0, 0]]), horizon=2, n=300, seed=1)
    assert [(f.unit, f.month, f.horizon) for f in out] == [
        ("a", "2024-11", 1), ("a", "2024-12", 2), ("b", "2024-11", 1), ("b", "2024-12", 2)]
    for f in out:
        assert f.lo90 <= f.median <= f.hi90 and 0 <= f.p_escalation <= 1
    assert out == fc.forecast_units(["a", "b"], ["2024-09", "2024-10"], np.array([[5, 9], [0, 0]]),
                                    horizon=2, n=300, seed=1)
