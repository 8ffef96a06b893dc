"""Count forecasts with predictive distributions: samples per unit and horizon.

Every model maps a history matrix ``hist`` (units x months, non-negative
counts, oldest first) to integer samples of shape (units, horizon, n).  Only
``hist`` is seen, so a rolling-origin backtest that slices history before the
origin cannot leak the future.

Models:

* ``zero``, ``last_poisson``, ``conflictology``: the VIEWS challenge baselines
  (exactly zero; Poisson around the last value; the unit's own last 12 months
  resampled).  Conflictology beat every team at country level in VIEWS 2024-25.
* ``negbin``: negative binomial around an exponentially smoothed log level, its
  dispersion from the unit's own one-step errors, shrunk to the pool.
* ``hawkes``: discrete-time self-exciting (Hawkes) process, an INGARCH(1,1)
  with negative-binomial noise: lambda_t = mu + alpha * sum_k (1-beta)
  beta^(k-1) y_(t-k).  alpha is the branching ratio (share of activity
  triggered by recent activity); paths are simulated so sampled months excite
  later ones.
* ``ensemble``: equal mixture of the samples of its members.

Hyper-parameter defaults below were chosen by ``backtest.tune`` on the 2022
origins of the ACLED Middle-East benchmark only; 2023 origins are reported.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field

import numpy as np
from scipy.special import gammaln

from tightrope.analyse.scoring import escalation_threshold

# Prior for the variance of one-step log errors when a unit has little history.
# log(1 + 1/3): the pooled negative-binomial size of ACLED monthly counts per
# country and event type is ~3 (MLE over 1,043 series-months with mean >= 5,
# 3-month trailing mean as the expected value).
PRIOR_LOG_VAR = float(np.log1p(1 / 3))
PRIOR_WEIGHT = 4.0  # months of evidence the prior is worth when shrinking a unit's variance


def nb_sample(rng: np.random.Generator, mean: np.ndarray, size: np.ndarray, n: int) -> np.ndarray:
    """Negative binomial (gamma-Poisson) samples; mean/size broadcast to (..., n)."""
    mean = np.maximum(np.asarray(mean, float), 1e-9)[..., None]
    size = np.asarray(size, float)[..., None]
    lam = rng.gamma(np.broadcast_to(size, mean.shape[:-1] + (n,)), mean / size)
    return rng.poisson(lam)


def nb_logpmf(y: np.ndarray, mean: np.ndarray, size: np.ndarray) -> np.ndarray:
    mean = np.maximum(mean, 1e-9)
    return (gammaln(y + size) - gammaln(size) - gammaln(y + 1)
            + size * np.log(size / (size + mean)) + y * np.log(mean / (size + mean)))


@dataclass(frozen=True)
class Zero:
    name: str = "zero"

    def sample(self, hist: np.ndarray, horizon: int, n: int, rng: np.random.Generator) -> np.ndarray:
        return np.zeros((hist.shape[0], horizon, n), dtype=np.int64)


@dataclass(frozen=True)
class LastPoisson:
    name: str = "last_poisson"

    def sample(self, hist: np.ndarray, horizon: int, n: int, rng: np.random.Generator) -> np.ndarray:
        last = hist[:, -1][:, None, None]
        return rng.poisson(np.broadcast_to(last, (hist.shape[0], horizon, n)))


@dataclass(frozen=True)
class Conflictology:
    window: int = 12
    name: str = "conflictology"

    def sample(self, hist: np.ndarray, horizon: int, n: int, rng: np.random.Generator) -> np.ndarray:
        recent = hist[:, -self.window:]
        idx = rng.integers(0, recent.shape[1], size=(hist.shape[0], horizon, n))
        return recent[np.arange(hist.shape[0])[:, None, None], idx].astype(np.int64)


@dataclass(frozen=True)
class NegBin:
    """NB around an EWMA of log(1 + y); variance of log errors grows with the horizon."""

    # Tuned on 2022 origins (backtest.tune): smoothing 0.3 / inflation 0.8 / growth 0.3 gave CRPS 17.47 at
    # 0.895 coverage; smoothing 0.5 gave 17.70, 0.7 gave 18.26; inflation 1.0 over-covers (0.93).
    smoothing: float = 0.3  # EWMA weight of the newest month
    inflation: float = 0.8  # scale on the error s.d. (the pooled-variance prior is a little wide)
    growth: float = 0.3  # extra log variance per extra month ahead, as a share of the one-step variance
    window: int = 12  # months of one-step errors used for the unit's own variance
    name: str = "negbin"

    def level_and_var(self, hist: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        logs = np.log1p(np.asarray(hist, float))
        level = logs[:, : min(3, logs.shape[1])].mean(axis=1)
        errs = []
        for t in range(1, logs.shape[1]):
            errs.append(logs[:, t] - level)
            level = self.smoothing * logs[:, t] + (1 - self.smoothing) * level
        if errs:
            e = np.stack(errs, axis=1)[:, -self.window:]
            k = e.shape[1]
            own = np.mean(e ** 2, axis=1)
            pooled = float(np.median(own)) if len(own) >= 3 else PRIOR_LOG_VAR
            var = (k * own + PRIOR_WEIGHT * pooled) / (k + PRIOR_WEIGHT)
        else:
            var = np.full(logs.shape[0], PRIOR_LOG_VAR)
        return level, var * self.inflation ** 2

    def sample(self, hist: np.ndarray, horizon: int, n: int, rng: np.random.Generator) -> np.ndarray:
        level, var = self.level_and_var(hist)
        out = np.empty((hist.shape[0], horizon, n), dtype=np.int64)
        for h in range(horizon):
            v = np.maximum(var * (1 + self.growth * h), 1e-6)
            mean = np.maximum(np.exp(level + v / 2) - 1, 1e-3)  # lognormal mean correction
            size = 1 / np.expm1(v)  # gamma mixing with the same squared CV as the lognormal
            out[:, h] = nb_sample(rng, mean, size, n)
        return out


@dataclass(frozen=True)
class HawkesFit:
    """Per-unit maximum-likelihood parameters (grid over alpha, beta)."""

    mu: np.ndarray = field(compare=False)
    alpha: np.ndarray = field(compare=False)  # branching ratio
    beta: np.ndarray = field(compare=False)  # memory: weight of older months in the excitation
    size: np.ndarray = field(compare=False)  # NB size (overdispersion)
    excitation: np.ndarray = field(compare=False)  # excitation for the first forecast month
    loglik: np.ndarray = field(compare=False)


@dataclass(frozen=True)
class Hawkes:
    # Tuned on 2022 origins: window 12 / inflation 1.4 gave CRPS 18.00 at 0.888 coverage; inflation 1.0
    # under-covers (0.84): the moment-matched size ignores parameter uncertainty on 12-24 months.
    window: int = 12  # months of history in the likelihood
    inflation: float = 1.4  # scale on the NB noise s.d.
    betas: tuple[float, ...] = (0.0, 0.3, 0.6, 0.8)
    alphas: tuple[float, ...] = tuple(np.round(np.linspace(0.0, 0.95, 20), 2))
    name: str = "hawkes"

    def fit(self, hist: np.ndarray) -> HawkesFit:
        y_all = np.asarray(hist, float)
        s, t_len = y_all.shape
        best = np.full(s, -np.inf)
        params = np.zeros((5, s))  # mu, alpha, beta, size, excitation
        if t_len < 2:  # nothing to fit: a Poisson-ish process at the one observed level
            last = y_all[:, -1] if t_len else np.zeros(s)
            return HawkesFit(last + 0.1, np.zeros(s), np.zeros(s), np.full(s, 3.0), last, np.zeros(s))
        for beta in self.betas:
            exc = np.empty((s, t_len + 1))  # exc[:, t] drives y[:, t]; the past before t=0 is taken as y[:, 0]
            exc[:, 0] = y_all[:, 0]
            for t in range(1, t_len + 1):
                exc[:, t] = (1 - beta) * y_all[:, t - 1] + beta * exc[:, t - 1]
            y = y_all[:, 1:][:, -self.window:]
            e = exc[:, 1:t_len][:, -self.window:]
            for alpha in self.alphas:
                mu = np.maximum(np.mean(y - alpha * e, axis=1), 1e-2)
                lam = mu[:, None] + alpha * e
                extra = np.mean((y - lam) ** 2 - lam, axis=1)  # moment estimate of the NB extra variance
                size = np.clip(np.mean(lam ** 2, axis=1) / np.maximum(extra, 1e-6), 0.3, 1e4)
                ll = nb_logpmf(y, lam, size[:, None]).sum(axis=1)
                better = ll > best
                best = np.where(better, ll, best)
                params[:, better] = np.stack([mu, np.full(s, alpha), np.full(s, beta), size, exc[:, t_len]])[:, better]
        return HawkesFit(*params, loglik=best)

    def sample(self, hist: np.ndarray, horizon: int, n: int, rng: np.random.Generator) -> np.ndarray:
        f = self.fit(hist)
        size = f.size / self.inflation ** 2
        exc = np.repeat(f.excitation[:, None], n, axis=1)
        out = np.empty((hist.shape[0], horizon, n), dtype=np.int64)
        for h in range(horizon):
            lam = f.mu[:, None] + f.alpha[:, None] * exc
            y = rng.poisson(rng.gamma(np.broadcast_to(size[:, None], lam.shape), np.maximum(lam, 1e-9) / size[:, None]))
            out[:, h] = y
            exc = (1 - f.beta[:, None]) * y + f.beta[:, None] * exc
        return out


@dataclass(frozen=True)
class Ensemble:
    members: tuple = ()
    name: str = "ensemble"

    def sample(self, hist: np.ndarray, horizon: int, n: int, rng: np.random.Generator) -> np.ndarray:
        k = len(self.members)
        parts = [m.sample(hist, horizon, n // k + (1 if i < n % k else 0), rng) for i, m in enumerate(self.members)]
        return np.concatenate(parts, axis=2)


def baselines() -> list:
    return [Zero(), LastPoisson(), Conflictology()]


def default_models() -> list:
    """Tuned defaults (see module docstring); the backtest re-tunes them itself."""
    nb, hk = NegBin(), Hawkes()
    return [nb, hk, Ensemble((nb, hk))]


def model_rng(seed: int, *keys: object) -> np.random.Generator:
    """Independent, reproducible stream per (seed, keys): results do not depend on model order."""
    words = [zlib.crc32(str(k).encode()) for k in keys]
    return np.random.default_rng(np.random.SeedSequence([seed, *words]))


@dataclass(frozen=True)
class UnitForecast:
    unit: str
    month: str  # target month YYYY-MM
    horizon: int  # months ahead of the last observed month
    model: str
    mean: float
    median: float
    lo90: float
    hi90: float
    trailing_mean: float  # mean of the last 12 observed months
    p_escalation: float  # P(count > 2 x trailing mean)


def forecast_units(units: list[str], months: list[str], counts: np.ndarray, model=None, *, horizon: int = 3,
                   n: int = 1000, seed: int = 0) -> tuple[UnitForecast, ...]:
    """Forecast each unit's next ``horizon`` months after the last month in ``months``."""
    from tightrope.analyse.periods import add_months

    model = model or default_models()[-1]
    counts = np.asarray(counts, float)
    samples = model.sample(counts, horizon, n, model_rng(seed, model.name, months[-1] if months else ""))
    trailing = counts[:, -12:].mean(axis=1) if counts.shape[1] else np.zeros(len(units))
    thr = escalation_threshold(trailing)
    out = []
    for i, unit in enumerate(units):
        for h in range(horizon):
            s = samples[i, h]
            # inverted_cdf: interval ends are counts that were sampled, not interpolations between them
            out.append(UnitForecast(unit, add_months(months[-1], h + 1), h + 1, model.name, float(s.mean()),
                                    float(np.median(s)), float(np.quantile(s, 0.05, method="inverted_cdf")),
                                    float(np.quantile(s, 0.95, method="inverted_cdf")),
                                    float(trailing[i]), float(np.mean(s > thr[i]))))
    return tuple(out)
