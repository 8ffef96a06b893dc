"""Scores: our sample CRPS against scoringrules and closed forms; interval, log and Brier scores."""
from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tightrope.analyse import scoring


@pytest.mark.parametrize("obs, samples, expected", [
    (3.0, [0.0], 3.0),                      # point mass: |y - c|
    (0.0, [5.0, 5.0, 5.0], 5.0),
    (0.0, [0.0, 1.0], 0.25),                # two-point: E|X-y| - E|X-X'|/2 = 0.5 - 0.25
    (1.0, [0.0, 1.0], 0.25),
    (0.5, [0.0, 1.0], 0.25),                # integral of F^2 and (1-F)^2 pieces: 0.125 + 0.125
    (2.0, [0.0, 1.0, 2.0, 3.0], 0.375),     # 4-point uniform ensemble
])
def test_crps_known_values(obs, samples, expected):
    assert scoring.crps_samples(np.array([obs]), np.array([samples]))[0] == pytest.approx(expected)
    assert scoring.crps(np.array([obs]), np.array([samples], float))[0] == pytest.approx(expected)


def test_crps_normal_closed_form():
    # CRPS of N(0,1) at y: y(2Phi(y)-1) + 2phi(y) - 1/sqrt(pi)
    rng = np.random.default_rng(0)
    x = rng.standard_normal(200_000)
    for y in (0.0, 1.0, -2.5):
        phi = math.exp(-y * y / 2) / math.sqrt(2 * math.pi)
        cdf = 0.5 * (1 + math.erf(y / math.sqrt(2)))
        exact = y * (2 * cdf - 1) + 2 * phi - 1 / math.sqrt(math.pi)
        assert scoring.crps_samples(np.array([y]), x[None, :])[0] == pytest.approx(exact, abs=3e-3)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 500), min_size=1, max_size=40), st.integers(0, 500))
def test_crps_matches_scoringrules_and_is_nonnegative(samples, obs):
    s = np.array([samples], float)
    ours = scoring.crps_samples(np.array([obs], float), s)[0]
    assert ours >= -1e-9
    assert ours == pytest.approx(scoring.crps(np.array([obs], float), s)[0], abs=1e-6)
    # permutation invariant
    assert ours == pytest.approx(scoring.crps_samples(np.array([obs], float), s[:, ::-1])[0], abs=1e-9)


@pytest.mark.parametrize("obs, lo_hi_samples, score, covered", [
    (5.0, [5.0] * 10, 0.0, True),
    (0.0, [2.0] * 10, 40.0, False),   # width 0 + (2/0.1) * (2 - 0)
    (9.0, [2.0] * 10, 140.0, False),
])
def test_interval_score(obs, lo_hi_samples, score, covered):
    s, c = scoring.interval_score(np.array([obs]), np.array([lo_hi_samples]))
    assert s[0] == pytest.approx(score) and bool(c[0]) is covered


@pytest.mark.parametrize("obs, samples, bits", [
    (0, [0] * 100, -math.log2(101 / 111)),     # all samples in the observed bin, one pseudo-count per bin
    (7, [0] * 100, -math.log2(1 / 111)),       # the exactly-zero forecast: large but finite
    (4, [3, 5] * 50, -math.log2(101 / 111)),   # 3..5 is one bin
])
def test_ignorance_bins(obs, samples, bits):
    assert scoring.ignorance(np.array([obs]), np.array([samples]))[0] == pytest.approx(bits)


@pytest.mark.parametrize("obs, samples, trailing, expected", [
    (10, [0] * 10, 4.0, 1.0),          # escalated (> 8), forecast said 0
    (3, [0] * 10, 4.0, 0.0),
    (1, [1] * 5 + [0] * 5, 0.0, 0.25),  # trailing mean 0: any event is an escalation; p = 0.5
])
def test_brier(obs, samples, trailing, expected):
    assert scoring.brier(np.array([obs]), np.array([samples]), np.array([trailing]))[0] == pytest.approx(expected)
