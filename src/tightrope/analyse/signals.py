"""Escalation signals: change points on counts, an intensity index, new-front alerts.

Monthly conflict counts are overdispersed (pooled negative-binomial size ~3 on
the ACLED Middle-East benchmark), so a Poisson test flags nearly every month
(see ``tests/analyse``): both detectors here use a negative-binomial likelihood.

* ``nb_cusum``: a self-starting NB CUSUM for a doubling of the mean.  The
  in-control mean is the mean of the months before the current excursion
  (frozen while the statistic is above zero), so the change month is where the
  excursion began (Page's classic estimate).
* ``bocpd``: Bayesian online change-point detection (Adams & MacKay 2007)
  with an NB likelihood of known size and a conjugate Beta prior on p.

These scalar versions are the reference; ``signals_vec`` runs both over thousands of
series at once (the store's keys) and is held equal to them.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.special import betaln, gammaln

from tightrope.analyse.forecast import nb_logpmf

# Pooled NB size of ACLED monthly counts per country and event type (see forecast.PRIOR_LOG_VAR).
NB_SIZE = 3.0
SHIFT = 2.0  # the CUSUM watches for a doubling of the monthly mean
# CUSUM threshold: with NB size 3 and a 6-month self-starting baseline, h = 4.0 gives an in-control
# run length of ~5 years between false alarms on simulated stable series (means 5-200), and flags a
# sustained doubling within 2-3 months (simulation in tests/analyse/test_signals.py).
THRESHOLD = 5.0
BASELINE_MONTHS = 12
HAZARD = 1 / 12  # BOCPD prior: a regime change about once a year


@dataclass(frozen=True)
class Alarm:
    index: int  # month index where the statistic crossed the threshold
    start: int  # month index where the excursion began: the estimated change month
    baseline: float  # in-control mean used
    statistic: float


def nb_cusum(counts: Sequence[float], *, size: float = NB_SIZE, shift: float = SHIFT, threshold: float = THRESHOLD,
             baseline_months: int = BASELINE_MONTHS, min_baseline: int = 1,
             floor: float = 1.0) -> tuple[tuple[Alarm, ...], tuple[float, ...]]:
    """Alarms and the CUSUM path.  ``size=inf`` gives the Poisson CUSUM."""
    y = np.asarray(counts, float)
    s, start, alarms, path = 0.0, None, [], []
    last_reset = 0
    for t in range(len(y)):
        ref_end = start if start is not None else t
        base = y[max(last_reset, ref_end - baseline_months):ref_end]
        if len(base) < max(min_baseline, 1):
            path.append(0.0)
            continue
        mu0 = max(float(base.mean()), floor)
        if math.isinf(size):
            llr = y[t] * math.log(shift) - (shift - 1) * mu0
        else:
            llr = float(nb_logpmf(y[t], shift * mu0, size) - nb_logpmf(y[t], mu0, size))
        new = max(0.0, s + llr)
        if new > 0 and s == 0:
            start = t
        s = new
        if s == 0:
            start = None
        path.append(s)
        if s > threshold:
            alarms.append(Alarm(t, start if start is not None else t, mu0, s))
            s, start = 0.0, None
            # The baseline after an alarm is the new regime: months from the change on.
            last_reset = alarms[-1].start
    return tuple(alarms), tuple(path)


def bocpd(counts: Sequence[float], *, size: float = NB_SIZE, hazard: float = HAZARD,
          prior_mean: float | None = None, prior_strength: float = 2.0) -> list[np.ndarray]:
    """Run-length posteriors: entry t, k is P(the current regime began at month t - k | counts up to t).

    ``[p[0] for p in bocpd(y)]`` is the online probability that a new regime starts at each month.

    y ~ NB(size, p), p ~ Beta(a, b): the posterior after n counts is Beta(a + n*size,
    b + sum y) and the predictive is beta-negative-binomial.  The prior mean count is
    ``size * b / (a - 1)``; by default the series' own mean, with a = ``prior_strength``.
    """
    y = np.asarray(counts, float)
    if len(y) == 0:
        return []
    m = float(y.mean()) if prior_mean is None else prior_mean
    a0 = prior_strength
    b0 = max(m, 0.5) * (a0 - 1) / size

    def log_pred(yt: float, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return (gammaln(yt + size) - gammaln(size) - gammaln(yt + 1)
                + betaln(a + size, b + yt) - betaln(a, b))

    # Run-length state after t: entry k = run containing the last k+1 counts.
    log_r = np.array([0.0])
    a, b = np.array([a0 + size]), np.array([b0 + y[0]])
    out = [np.exp(log_r)]
    for t in range(1, len(y)):
        grow = log_r + np.log1p(-hazard) + log_pred(y[t], a, b)
        new = np.logaddexp.reduce(log_r) + math.log(hazard) + log_pred(y[t], np.array([a0]), np.array([b0]))
        log_r = np.concatenate([new, grow])
        log_r -= np.logaddexp.reduce(log_r)
        a = np.concatenate([[a0 + size], a + size])
        b = np.concatenate([[b0 + y[t]], b + y[t]])
        out.append(np.exp(log_r))
    return out


@dataclass(frozen=True)
class Escalation:
    series: str
    change_month: str  # first month of the new, higher regime
    alarm_month: str  # month the CUSUM crossed its threshold
    baseline: float  # mean monthly count before the change
    after: float  # mean monthly count from the change month to the alarm
    ratio: float
    cusum: float
    change_probability: float  # BOCPD, at the alarm month: P(the current regime began at change_month)
    evidence: tuple[str, ...] = ()  # ids of the rows (stats or events) behind the counts


def detect_escalation(series: str, months: Sequence[str], counts: Sequence[float],
                      evidence: dict[str, tuple[str, ...]] | None = None, **kw) -> tuple[Escalation, ...]:
    """NB-CUSUM escalation alarms on a monthly series, each with its change month and evidence."""
    alarms, _ = nb_cusum(counts, **kw)
    if not alarms:  # most series never alarm: skip the O(months^2) change-point posteriors
        return ()
    runs = bocpd(counts, size=kw.get("size", NB_SIZE))
    return tuple(escalation(series, months, counts, al, float(runs[al.index][al.index - al.start]), evidence)
                 for al in alarms)


def escalation(series: str, months: Sequence[str], counts: Sequence[float], alarm: Alarm, change_probability: float,
               evidence: dict[str, tuple[str, ...]] | None = None) -> Escalation:
    """One alarm as reported; shared with the batched detector (signals_vec) so both round alike."""
    al = alarm
    after = float(np.asarray(counts, float)[al.start:al.index + 1].mean())
    ev = tuple(e for m in months[max(0, al.start - 1):al.index + 1] for e in (evidence or {}).get(m, ()))
    return Escalation(series, months[al.start], months[al.index], round(al.baseline, 3), round(after, 3),
                      round(after / al.baseline, 3) if al.baseline else math.inf, round(al.statistic, 3),
                      round(change_probability, 3), ev)


# -- intensity index -------------------------------------------------------
# Weights per event: ACLED's political-violence types (battles, explosions/remote violence,
# violence against civilians) count 3, riots and strategic developments 1, protests 0.5;
# events with only a PLOVER type use its quad: material conflict 2 (ASSAULT 3), verbal conflict
# 0.5, cooperation 0.  A judgement scale in the spirit of ACLED's Conflict Index (deadliness and
# danger first); fatalities multiply by 1 + ln(1 + deaths) so one mass-casualty event does not
# swamp a month of attacks.
ACLED_WEIGHTS = {"Battles": 3.0, "Explosions/Remote violence": 3.0, "Violence against civilians": 3.0,
                 "Riots": 1.0, "Strategic developments": 1.0, "Protests": 0.5}
PLOVER_WEIGHTS = {"ASSAULT": 3.0, "COERCE": 2.0, "MOBILIZE": 2.0, "SANCTION": 2.0, "THREATEN": 0.5,
                  "ACCUSE": 0.5, "REJECT": 0.5, "PROTEST": 0.5, "REQUEST": 0.5}


def event_weight(row: dict) -> float:
    w = ACLED_WEIGHTS.get(row.get("event_type") or "", None)
    if w is None:
        w = PLOVER_WEIGHTS.get(row.get("plover_type") or "", 0.0)
    deaths = row.get("fatalities") or 0
    return w * (1.0 + math.log1p(max(int(deaths), 0)))


@dataclass(frozen=True)
class IntensityPoint:
    period: str
    index: float
    events: int
    fatalities: int
    top_events: tuple[str, ...]  # event ids with the largest weights: the evidence


def intensity_index(rows: Iterable[dict], freq: str = "month", top: int = 3) -> tuple[IntensityPoint, ...]:
    from tightrope.analyse.periods import full_range, period_key, to_date

    buckets: dict[str, list[tuple[float, dict]]] = defaultdict(list)
    for r in rows:
        d = to_date(r.get("event_date"))
        key = period_key(d, r.get("date_precision"), freq) if d else None
        if key:
            buckets[key].append((event_weight(r), r))
    out = []
    for p in full_range(list(buckets), freq):
        items = sorted(buckets.get(p, []), key=lambda x: -x[0])
        out.append(IntensityPoint(p, round(sum(w for w, _ in items), 3), len(items),
                                  sum(int(r.get("fatalities") or 0) for _, r in items),
                                  tuple(r["event_id"] for w, r in items[:top] if w > 0)))
    return tuple(out)


# -- new fronts --------------------------------------------------------------
@dataclass(frozen=True)
class NewFront:
    kind: str  # dyad | target
    key: str
    month: str  # first active month after the quiet spell
    quiet_months: int
    events: tuple[str, ...]  # evidence: the event ids of the active month


def new_fronts(rows: Sequence[dict], *, quiet: int = 3, min_events: int = 1) -> tuple[NewFront, ...]:
    """Dyads or target places quiet for ``quiet`` observed months that become active.

    A front can only be 'new' against months we observed: the store's months
    with any event.  A dyad seen in the first ``quiet`` observed months is not new.
    """
    from tightrope.analyse.periods import month_key, to_date
    from tightrope.analyse.trends import group_key

    violent = [r for r in rows if event_weight({**r, "fatalities": 0}) >= 2.0 and to_date(r.get("event_date"))
               and r.get("date_precision") != "year"]
    observed = sorted({month_key(to_date(r["event_date"])) for r in rows
                       if to_date(r.get("event_date")) and r.get("date_precision") != "year"})
    out = []
    for kind, by in (("dyad", "dyad"), ("target", "target")):
        per: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        for r in violent:
            key = group_key(r, by)
            if key and "?" not in key.split(" -> "):
                per[key][month_key(to_date(r["event_date"]))].append(r["event_id"])
        for key, months in sorted(per.items()):
            for i, m in enumerate(observed):
                if i < quiet or len(months.get(m, ())) < min_events:
                    continue
                if all(not months.get(p) for p in observed[i - quiet:i]):
                    out.append(NewFront(kind, key, m, quiet, tuple(months[m])))
    return tuple(sorted(out, key=lambda f: (f.month, f.kind, f.key)))
