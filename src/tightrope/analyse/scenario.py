"""Scenario simulation: Monte Carlo over an escalation ladder.

A scenario file (YAML; the shipped one is ``data/scenarios/iraq_front.yaml``)
names actors, an ordered escalation ladder, monthly transition hazards between
rungs, the observed activity that drives them, and interventions.  Each run:

* draws each transition's rate from a Gamma prior (mean ``rate``, shape ``strength``),
* draws which interventions happen and in which month,
* walks month by month: the driver's mean follows a log random walk from the
  last observed count, the month's count is negative binomial (times the
  effects of active interventions), every transition's hazard is
  ``rate * (count / reference) ** elasticity`` times intervention effects and a
  shock multiplier in months with a deadly attack; competing hazards decide
  the move.

Results: P(reaching each rung within the horizon), cumulative by month, and the
drivers: each rung's probability with and without each intervention, a deadly
shock, and high versus low activity.  Same seed, same numbers.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from tightrope.errors import ConfigError
from tightrope.settings import DATA_DIR

DEFAULT_SCENARIO = DATA_DIR / "scenarios" / "iraq_front.yaml"


@dataclass(frozen=True)
class Transition:
    source: str
    target: str
    rate: float
    elasticity: float = 0.0
    strength: float = 4.0


@dataclass(frozen=True)
class Intervention:
    id: str
    label: str
    probability: float
    driver: float = 1.0  # multiplier on the driver's mean once active
    transitions: tuple[tuple[str, str, float], ...] = ()  # (from, to, multiplier)


@dataclass(frozen=True)
class Scenario:
    name: str
    path: str
    horizon: int
    start: str
    rungs: tuple[tuple[str, str], ...]  # (id, label), bottom first
    transitions: tuple[Transition, ...]
    interventions: tuple[Intervention, ...]
    observed: tuple[tuple[str, float], ...]
    reference: float
    size: float
    drift: float
    volatility: float
    deadly_share: float = 0.0
    shock_multiplier: float = 1.0
    as_of: str = ""


def _num(where: str, value: Any, lo: float = -math.inf, hi: float = math.inf) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not lo <= value <= hi:
        raise ConfigError(f"{where}: expected a number in [{lo}, {hi}], got {value!r}")
    return float(value)


def load_scenario(path: Path | str | None = None) -> Scenario:
    p = Path(path) if path else DEFAULT_SCENARIO
    if not p.is_file():
        raise ConfigError(f"{p}: scenario file not found")
    try:
        doc = yaml.safe_load(p.read_text(encoding="utf-8"))
    except yaml.YAMLError as e:
        raise ConfigError(f"{p}: not valid YAML ({str(e).splitlines()[0]})") from None
    if not isinstance(doc, dict):
        raise ConfigError(f"{p}: expected a mapping at the top level")

    def need(d: dict, key: str, where: str):
        if not isinstance(d, dict) or key not in d:
            raise ConfigError(f"{p}: {where}: missing '{key}'")
        return d[key]

    ladder = need(doc, "ladder", "top level")
    if not isinstance(ladder, list) or len(ladder) < 2:
        raise ConfigError(f"{p}: ladder: expected a list of at least two rungs")
    rungs = tuple((str(need(r, "id", f"ladder[{i}]")), str(r.get("label", r["id"]))) for i, r in enumerate(ladder))
    ids = [r for r, _ in rungs]
    if len(set(ids)) != len(ids):
        raise ConfigError(f"{p}: ladder: duplicate rung ids")
    start = str(doc.get("start", ids[0]))
    if start not in ids:
        raise ConfigError(f"{p}: start: unknown rung {start!r}")
    trans = []
    for i, t in enumerate(need(doc, "transitions", "top level") or []):
        w = f"{p}: transitions[{i}]"
        src, dst = str(need(t, "from", f"transitions[{i}]")), str(need(t, "to", f"transitions[{i}]"))
        for r in (src, dst):
            if r not in ids:
                raise ConfigError(f"{w}: unknown rung {r!r}")
        trans.append(Transition(src, dst, _num(f"{w}.rate", need(t, "rate", f"transitions[{i}]"), 0, 50),
                                _num(f"{w}.elasticity", t.get("elasticity", 0.0), -5, 5),
                                _num(f"{w}.strength", t.get("strength", 4.0), 0.1, 1e6)))
    keys = {f"{t.source}->{t.target}" for t in trans}
    ivs = []
    for i, iv in enumerate(doc.get("interventions") or []):
        w = f"{p}: interventions[{i}]"
        eff = iv.get("effects") or {}
        tr = []
        for k, v in (eff.get("transitions") or {}).items():
            if k not in keys:
                raise ConfigError(f"{w}.effects: unknown transition {k!r} (known: {', '.join(sorted(keys))})")
            a, b = k.split("->")
            tr.append((a, b, _num(f"{w}.effects.{k}", v, 0, 100)))
        ivs.append(Intervention(str(need(iv, "id", f"interventions[{i}]")), str(iv.get("label", iv["id"])),
                                _num(f"{w}.probability", need(iv, "probability", f"interventions[{i}]"), 0, 1),
                                _num(f"{w}.effects.driver", eff.get("driver", 1.0), 0, 100), tuple(tr)))
    drv = need(doc, "driver", "top level")
    obs = need(drv, "observed", "driver")
    if not isinstance(obs, dict) or not obs:
        raise ConfigError(f"{p}: driver.observed: expected a mapping month -> count")
    observed = tuple(sorted((_month(k, p), _num(f"{p}: driver.observed.{k}", v, 0)) for k, v in obs.items()))
    shock = doc.get("shock") or {}
    return Scenario(
        name=str(doc.get("name", p.stem)), path=str(p),
        horizon=int(_num(f"{p}: horizon_months", doc.get("horizon_months", 6), 1, 120)),
        start=start, rungs=rungs, transitions=tuple(trans), interventions=tuple(ivs), observed=observed,
        reference=_num(f"{p}: driver.reference", need(drv, "reference", "driver"), 1e-6),
        size=_num(f"{p}: driver.size", drv.get("size", 3.0), 0.05, 1e6),
        drift=_num(f"{p}: driver.drift", drv.get("drift", 0.0), -5, 5),
        volatility=_num(f"{p}: driver.volatility", drv.get("volatility", 0.0), 0, 5),
        deadly_share=_num(f"{p}: shock.deadly_share", shock.get("deadly_share", 0.0), 0, 1),
        shock_multiplier=_num(f"{p}: shock.rate_multiplier", shock.get("rate_multiplier", 1.0), 0, 1000),
        as_of=str(doc.get("as_of", observed[-1][0])),
    )


def _month(key: Any, p: Path) -> str:
    s = key.strftime("%Y-%m") if isinstance(key, dt.date) else str(key)
    if len(s) != 7 or s[4] != "-" or not (s[:4].isdigit() and s[5:].isdigit()):
        raise ConfigError(f"{p}: driver.observed: {key!r} is not a month (YYYY-MM)")
    return s


@dataclass(frozen=True)
class RungResult:
    id: str
    label: str
    p_reach: float  # P(the front reaches this rung within the horizon)
    by_month: tuple[float, ...]  # cumulative P(reached by month 1..H)
    median_month: int | None  # median first month among runs that reach it


@dataclass(frozen=True)
class Driver:
    name: str
    kind: str  # intervention | shock | activity
    share: float  # share of runs where the factor is present
    p_with: tuple[float, ...]  # P(reach) per rung, runs with the factor
    p_without: tuple[float, ...]


@dataclass(frozen=True)
class SimulationResult:
    scenario: str
    runs: int
    horizon: int
    seed: int
    rungs: tuple[RungResult, ...]
    drivers: tuple[Driver, ...]
    activity: tuple[tuple[float, float, float], ...]  # per month: 5%, 50%, 95% of the driver count


def simulate(sc: Scenario, *, runs: int = 10000, seed: int = 0, horizon: int | None = None) -> SimulationResult:
    if runs < 1:
        raise ConfigError("runs must be at least 1")
    h = horizon or sc.horizon
    rng = np.random.default_rng(seed)
    ids = [r for r, _ in sc.rungs]
    idx = {r: i for i, r in enumerate(ids)}
    nt = len(sc.transitions)
    src = np.array([idx[t.source] for t in sc.transitions], dtype=int)
    dst = np.array([idx[t.target] for t in sc.transitions], dtype=int)
    up = dst > src
    # Per-run rates from the analyst's Gamma prior: mean `rate`, shape `strength`.
    rates = np.stack([rng.gamma(t.strength, t.rate / t.strength, runs) if t.rate > 0 else np.zeros(runs)
                      for t in sc.transitions], axis=1) if nt else np.zeros((runs, 0))
    elast = np.array([t.elasticity for t in sc.transitions])
    # Interventions: whether and from which month (1..h) each happens.
    onset = np.full((runs, len(sc.interventions)), h + 1)
    for j, iv in enumerate(sc.interventions):
        happens = rng.random(runs) < iv.probability
        onset[happens, j] = rng.integers(1, h + 1, happens.sum())
    state = np.full(runs, idx[sc.start])
    first = np.full((runs, len(ids)), -1)
    first[:, idx[sc.start]] = 0
    log_mean = np.full(runs, math.log(max(sc.observed[-1][1], 0.5)))
    total = np.zeros(runs)
    shocked = np.zeros(runs, dtype=bool)
    activity = []
    for month in range(1, h + 1):
        log_mean = log_mean + sc.drift + sc.volatility * rng.standard_normal(runs)
        active = onset <= month
        mult = np.ones(runs)
        for j, iv in enumerate(sc.interventions):
            mult = np.where(active[:, j], mult * iv.driver, mult)
        mean = np.exp(log_mean) * mult
        count = rng.poisson(rng.gamma(sc.size, mean / sc.size))
        total += count
        activity.append(tuple(float(q) for q in np.quantile(count, [0.05, 0.5, 0.95])))
        shock = rng.random(runs) < 1 - (1 - sc.deadly_share) ** count
        shocked |= shock
        level = np.maximum(count, 0.5) / sc.reference  # 0.5: a quiet month still has a (small) level
        hz = rates * level[:, None] ** elast[None, :]
        hz = np.where(up[None, :] & shock[:, None], hz * sc.shock_multiplier, hz)
        for j, iv in enumerate(sc.interventions):
            for a, b, m in iv.transitions:
                k = [i for i in range(nt) if src[i] == idx[a] and dst[i] == idx[b]]
                hz[:, k] = np.where(active[:, j:j + 1], hz[:, k] * m, hz[:, k])
        hz = np.where(src[None, :] == state[:, None], hz, 0.0)  # only transitions out of the current rung
        out = hz.sum(axis=1)
        moves = rng.random(runs) < 1 - np.exp(-out)
        if moves.any() and nt:
            cum = np.cumsum(hz[moves], axis=1) / out[moves, None]
            pick = (rng.random(moves.sum())[:, None] > cum).sum(axis=1)
            state[moves] = dst[np.minimum(pick, nt - 1)]
        new = first[np.arange(runs), state] < 0
        first[np.arange(runs)[new], state[new]] = month
    reached = first >= 0
    rungs = []
    for i, (rid, label) in enumerate(sc.rungs):
        months = first[reached[:, i], i]
        rungs.append(RungResult(rid, label, float(reached[:, i].mean()),
                                tuple(float(((first[:, i] >= 0) & (first[:, i] <= m)).mean()) for m in range(1, h + 1)),
                                int(np.median(months)) if len(months) else None))
    return SimulationResult(sc.name, runs, h, seed, tuple(rungs), _drivers(sc, reached, onset, h, shocked, total),
                            tuple(activity))


def _drivers(sc: Scenario, reached: np.ndarray, onset: np.ndarray, h: int, shocked: np.ndarray,
             total: np.ndarray) -> tuple[Driver, ...]:
    def split(mask: np.ndarray, name: str, kind: str) -> Driver:
        def p(m: np.ndarray) -> tuple[float, ...]:
            return tuple(float(reached[m, i].mean()) if m.any() else float("nan") for i in range(reached.shape[1]))
        return Driver(name, kind, float(mask.mean()), p(mask), p(~mask))

    out = [split(onset[:, j] <= h, iv.label, "intervention") for j, iv in enumerate(sc.interventions)]
    if sc.deadly_share > 0:
        out.append(split(shocked, "a deadly attack in the horizon", "shock"))
    lo, hi = np.quantile(total, [1 / 3, 2 / 3])
    top = total > hi
    both = top | (total <= lo)
    d = split(top, f"activity in the top third (> {hi:.0f} attacks in {h} months) vs bottom third", "activity")
    p_low = tuple(float(reached[both & ~top, i].mean()) if (both & ~top).any() else float("nan")
                  for i in range(reached.shape[1]))
    out.append(Driver(d.name, d.kind, d.share, d.p_with, p_low))
    return tuple(out)


def to_json(res: SimulationResult) -> dict:
    from dataclasses import asdict

    return asdict(res)
