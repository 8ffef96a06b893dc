"""Rolling-origin backtest of the count forecasts on the ACLED monthly benchmark.

Protocol (no leakage):

* Units are country x ACLED event type series (8 countries x 6 types).
* At each origin (the first forecast month) a model sees only months before
  it and forecasts 1-3 months ahead with ``n`` samples per unit and horizon.
* Hyper-parameters are tuned on origins Jan-Dec 2022 whose targets also fall
  in 2022; scores are reported on origins Jan-Sep 2023 with targets up to
  Sep 2023.  No target month is used both for tuning and for reporting.
* Tuning rule: among grid settings whose tuning-window 90% coverage is within
  0.87-0.93 (calibrated), take the lowest CRPS; if none is, the one closest to
  0.90 coverage.
"""

from __future__ import annotations

import csv
import itertools
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from tightrope.analyse import forecast as fc
from tightrope.analyse.scoring import score_all
from tightrope.errors import EvalError

BENCHMARK_FILE = "country_month_event_type.csv"
COLUMNS = ("Country", "Event.month", "Event.Type", "Events")
TUNE_WINDOW = ("2022-01", "2022-12")
REPORT_WINDOW = ("2023-01", "2023-09")
CALIBRATED = (0.87, 0.93)  # tuning-window coverage band counted as calibrated for a 90% interval
GRIDS: dict[str, dict[str, tuple]] = {
    # A wider first grid (smoothing up to 0.7, NB inflation up to 1.2, Hawkes inflation from 1.0) only
    # found worse or under-covering settings on the tuning window; these cover the optimum with margin.
    "negbin": {"smoothing": (0.2, 0.3, 0.5), "inflation": (0.8, 0.9, 1.0), "growth": (0.0, 0.3)},
    "hawkes": {"inflation": (1.2, 1.4, 1.6), "window": (12, 24)},
}


@dataclass(frozen=True)
class Panel:
    units: tuple[str, ...]
    months: tuple[str, ...]  # YYYY-MM, consecutive
    counts: np.ndarray = field(compare=False)  # units x months


@dataclass(frozen=True)
class ModelScore:
    model: str
    crps: float
    mae: float
    log: float  # binned log score, bits
    interval: float  # 90% interval score
    coverage: float  # share of outcomes inside the 90% interval
    brier: float  # P(next > 2x trailing mean)
    n: int  # scored (unit, origin, horizon) cases
    params: dict = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class Check:
    name: str
    passed: bool
    detail: str


@dataclass(frozen=True)
class BacktestResult:
    rows: tuple[ModelScore, ...]
    tuning: tuple[ModelScore, ...]  # the chosen settings' scores on the tuning window
    checks: tuple[Check, ...]
    tune_window: tuple[str, str]
    report_window: tuple[str, str]
    horizon: int
    samples: int
    seed: int
    units: int

    @property
    def best(self) -> ModelScore:
        return min((r for r in self.rows if r.model not in BASELINE_NAMES), key=lambda r: r.crps)


BASELINE_NAMES = ("zero", "last_poisson", "conflictology")


def load_benchmark(path: Path | str) -> Panel:
    """Read the ACLED country-month-event-type CSV (a folder holding it, or the file)."""
    p = Path(path)
    file = p / BENCHMARK_FILE if p.is_dir() or not p.suffix else p
    if not file.is_file():
        raise EvalError(f"{file}: benchmark file not found")
    cells: dict[tuple[str, str], float] = {}
    with file.open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise EvalError(f"{file}: missing columns {', '.join(missing)}")
        for line, row in enumerate(reader, start=2):
            try:
                month = row["Event.month"][:7]
                int(month[:4]), int(month[5:7])
                value = float(row["Events"])
            except (ValueError, TypeError) as e:
                raise EvalError(f"{file}:{line}: bad month or count ({e})") from None
            if value < 0:
                raise EvalError(f"{file}:{line}: negative count")
            cells[(f"{row['Country']} | {row['Event.Type']}", month)] = value
    if not cells:
        raise EvalError(f"{file}: no rows")
    from tightrope.analyse.periods import month_range

    units = tuple(sorted({u for u, _ in cells}))
    months = tuple(month_range(min(m for _, m in cells), max(m for _, m in cells)))
    counts = np.zeros((len(units), len(months)))  # a missing cell is a month with no recorded event
    ui, mi = {u: i for i, u in enumerate(units)}, {m: i for i, m in enumerate(months)}
    for (u, m), v in cells.items():
        counts[ui[u], mi[m]] = v
    return Panel(units, months, counts)


def evaluate(panel: Panel, model, window: tuple[str, str], *, horizon: int = 3, n: int = 1000,
             seed: int = 0) -> ModelScore:
    """Score ``model`` at every origin in ``window`` on targets that also fall in ``window``."""
    months = list(panel.months)
    first, last = window
    if last > months[-1] or first <= months[0]:
        raise EvalError(f"window {first}..{last} is outside the benchmark's months {months[0]}..{months[-1]}")
    last_idx = months.index(last)
    parts: dict[str, list[np.ndarray]] = {}
    for t in range(months.index(first), last_idx + 1):
        hist = panel.counts[:, :t]
        samples = model.sample(hist, horizon, n, fc.model_rng(seed, model.name, months[t]))
        trailing = hist[:, -12:].mean(axis=1)
        for h in range(min(horizon, last_idx - t + 1)):
            for k, v in score_all(panel.counts[:, t + h], samples[:, h], trailing).items():
                parts.setdefault(k, []).append(v)
    s = {k: float(np.mean(np.concatenate(v))) for k, v in parts.items()}
    cases = int(sum(len(v) for v in parts["crps"]))
    params = {k: v for k, v in vars(model).items() if k not in ("name", "members", "alphas", "betas")}
    return ModelScore(model.name, s["crps"], s["mae"], s["log"], s["interval"], s["coverage"], s["brier"],
                      cases, params)


def choose(scores: list[ModelScore]) -> ModelScore:
    lo, hi = CALIBRATED
    calibrated = [s for s in scores if lo <= s.coverage <= hi]
    if calibrated:
        return min(calibrated, key=lambda s: s.crps)
    return min(scores, key=lambda s: abs(s.coverage - 0.9))


def tune(panel: Panel, *, window: tuple[str, str] = TUNE_WINDOW, horizon: int = 3, n: int = 1000,
         seed: int = 0) -> dict[str, ModelScore]:
    """Grid-search each tunable model on the tuning window only; the chosen setting per model."""
    out = {}
    for model in (fc.NegBin(), fc.Hawkes()):
        grid = GRIDS[model.name]
        scores = []
        for values in itertools.product(*grid.values()):
            m = replace(model, **dict(zip(grid, values)))
            scores.append(evaluate(panel, m, window, horizon=horizon, n=n, seed=seed))
        out[model.name] = choose(scores)
    return out


def _checks(rows: list[ModelScore]) -> tuple[Check, ...]:
    by = {r.model: r for r in rows}
    best = min((r for r in rows if r.model not in BASELINE_NAMES), key=lambda r: r.crps)
    conf, lastp = by["conflictology"], by["last_poisson"]
    gain = 1 - best.crps / conf.crps
    return (
        Check("crps >= 5% better than conflictology", gain >= 0.05,
              f"{best.model} {best.crps:.2f} vs {conf.crps:.2f} ({gain:+.1%})"),
        Check("crps better than last-value Poisson", best.crps < lastp.crps,
              f"{best.model} {best.crps:.2f} vs {lastp.crps:.2f}"),
        Check("90% interval coverage in 85-95%", 0.85 <= best.coverage <= 0.95,
              f"{best.model} {best.coverage:.3f}"),
    )


def run_backtest(path: Path | str, *, horizon: int = 3, n: int = 1000, seed: int = 0,
                 tune_window: tuple[str, str] = TUNE_WINDOW,
                 report_window: tuple[str, str] = REPORT_WINDOW) -> BacktestResult:
    panel = load_benchmark(path)
    if tune_window[1] >= report_window[0]:
        raise EvalError(f"tuning window {tune_window} must end before the report window {report_window}")
    tuned = tune(panel, window=tune_window, horizon=horizon, n=n, seed=seed)

    def rebuild(name: str):
        base = {"negbin": fc.NegBin(), "hawkes": fc.Hawkes()}[name]
        return replace(base, **tuned[name].params)

    nb, hk = rebuild("negbin"), rebuild("hawkes")
    models = [*fc.baselines(), nb, hk, fc.Ensemble((nb, hk))]
    rows = [evaluate(panel, m, report_window, horizon=horizon, n=n, seed=seed) for m in models]
    return BacktestResult(tuple(rows), tuple(tuned.values()), _checks(rows), tune_window, report_window,
                          horizon, n, seed, len(panel.units))


def to_json(result: BacktestResult) -> dict:
    def row(r: ModelScore) -> dict:
        return {k: (round(v, 4) if isinstance(v, float) else v) for k, v in vars(r).items()}

    return {
        "protocol": {"tune_window": list(result.tune_window), "report_window": list(result.report_window),
                     "horizon": result.horizon, "samples": result.samples, "seed": result.seed,
                     "units": result.units},
        "rows": [row(r) for r in result.rows],
        "tuning": [row(r) for r in result.tuning],
        "best": result.best.model,
        "checks": [vars(c) for c in result.checks],
    }
