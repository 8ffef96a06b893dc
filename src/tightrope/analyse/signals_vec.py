"""``signals.nb_cusum`` and ``signals.detect_escalation`` over many monthly series at once.

A million events make thousands of keys (fronts, dyads), each a short monthly series.
The scalar detectors loop over months in Python per series, calling numpy on scalars:
~6 s for 6,000 series.  Here one numpy step per month advances every series (state
arrays for the statistic, the excursion start, the last reset), and the change-point
posteriors run batched over the series that alarm.

The results are the scalar ones exactly, not approximately (tests/analyse/test_signals_vec.py
compares them on random series): every float goes through the same IEEE operations in the
same order.  The one place the order differs is the baseline mean, a sum over a window
(numpy sums pairwise, we take differences of cumulative sums); on whole counts whose sums
stay below 2**53 both sums are exact, so the means agree.  Rows that are not whole counts
(reported figures can be 2.5) take the scalar path.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from scipy.special import betaln, gammaln

from tightrope.analyse import signals as sg
from tightrope.analyse.forecast import nb_logpmf

EXACT_SUM = 2.0 ** 53  # integer sums up to here are exact in float64, in any order


def _exact_rows(y: np.ndarray) -> np.ndarray:
    """Rows whose window sums are exact in any order: finite whole numbers of bounded total."""
    with np.errstate(invalid="ignore"):
        whole = np.isfinite(y).all(axis=1) & (y == np.floor(y)).all(axis=1)
    return whole & (np.abs(np.where(whole[:, None], y, 0.0)).sum(axis=1) < EXACT_SUM)


def nb_cusum_many(counts, *, size: float = sg.NB_SIZE, shift: float = sg.SHIFT, threshold: float = sg.THRESHOLD,
                  baseline_months: int = sg.BASELINE_MONTHS, min_baseline: int = 1,
                  floor: float = 1.0) -> tuple[list[tuple[sg.Alarm, ...]], np.ndarray]:
    """``[nb_cusum(row) for row in counts]``: the alarms per row and the CUSUM paths (rows x months)."""
    y = np.asarray(counts, float)
    if y.ndim != 2:
        raise ValueError("counts must be a matrix: one series per row")
    kw = dict(size=size, shift=shift, threshold=threshold, baseline_months=baseline_months,
              min_baseline=min_baseline, floor=floor)
    alarms: list[tuple[sg.Alarm, ...]] = [()] * len(y)
    path = np.zeros(y.shape)
    exact = _exact_rows(y)
    rows = np.flatnonzero(exact)
    if len(rows):
        found, path[rows] = _cusum_whole(y[rows], **kw)
        for i, al in zip(rows, found):
            alarms[i] = al
    for i in np.flatnonzero(~exact):  # the sums below would not be exact: the reference itself
        alarms[i], p = sg.nb_cusum(y[i], **kw)
        path[i] = p
    return alarms, path


def _llr(y_t: np.ndarray, mu0: np.ndarray, size: float, shift: float) -> np.ndarray:
    """Log-likelihood ratio of a ``shift``-fold mean, written as ``nb_cusum`` writes it."""
    if math.isinf(size):
        return y_t * math.log(shift) - (shift - 1) * mu0
    return nb_logpmf(y_t, shift * mu0, size) - nb_logpmf(y_t, mu0, size)


def _cusum_whole(y: np.ndarray, *, size, shift, threshold, baseline_months, min_baseline,
                 floor) -> tuple[list[tuple[sg.Alarm, ...]], np.ndarray]:
    """The recursion of ``nb_cusum``, one month at a time over all rows (whole counts only)."""
    n_rows, n_months = y.shape
    # cum[:, j] = sum of the first j months: a window's sum is a difference, exact on whole counts.
    cum = np.concatenate([np.zeros((n_rows, 1), np.int64), np.cumsum(y.astype(np.int64), axis=1)], axis=1)
    s = np.zeros(n_rows)
    start = np.full(n_rows, -1)  # -1: no excursion under way (the scalar code's None)
    last_reset = np.zeros(n_rows, np.int64)
    path = np.zeros(y.shape)
    found: list[list[sg.Alarm]] = [[] for _ in range(n_rows)]
    idx = np.arange(n_rows)
    for t in range(n_months):
        ref_end = np.where(start >= 0, start, t)
        lo = np.maximum(last_reset, ref_end - baseline_months)
        n = np.maximum(ref_end - lo, 0)
        live = n >= max(min_baseline, 1)  # the others wait for a baseline, their state untouched
        if not live.any():
            continue
        r = idx[live]
        mean = (cum[r, ref_end[r]] - cum[r, lo[r]]).astype(float) / n[r]
        mu0 = np.where(floor > mean, floor, mean)  # Python's max(mean, floor): the first unless the second is larger
        total = s[r] + _llr(y[r, t], mu0, size, shift)
        new = np.where(total > 0.0, total, 0.0)  # max(0.0, total): NaN and -0.0 give 0.0
        old = s[r]
        st = start[r]
        st = np.where((new > 0) & (old == 0), t, st)
        st = np.where(new == 0, -1, st)
        path[r, t] = new
        hit = new > threshold
        for j in np.flatnonzero(hit):
            begin = int(st[j]) if st[j] >= 0 else t
            found[r[j]].append(sg.Alarm(t, begin, float(mu0[j]), float(new[j])))
        # After an alarm the baseline is the new regime: months from the change on.
        last_reset[r[hit]] = np.where(st[hit] >= 0, st[hit], t)
        s[r] = np.where(hit, 0.0, new)
        start[r] = np.where(hit, -1, st)
    return [tuple(a) for a in found], path


def change_probabilities(counts: np.ndarray, at: Sequence[tuple[int, int, int]], *, size: float = sg.NB_SIZE,
                         hazard: float = sg.HAZARD, prior_strength: float = 2.0) -> list[float]:
    """``bocpd(counts[row], size=size)[t][k]`` for each (row, t, k) in ``at``, the rows run together.

    The same recursion as ``signals.bocpd`` with a run-length axis per row; only the asked
    entries are kept (the full posteriors are rows x months^2).
    """
    y = np.asarray(counts, float)
    out = [math.nan] * len(at)
    if not len(at) or y.shape[1] == 0:
        return out
    wanted: dict[int, list[tuple[int, int, int]]] = {}
    for i, (row, t, k) in enumerate(at):
        wanted.setdefault(t, []).append((i, row, k))
    m = np.array([float(r.mean()) for r in y])  # row by row: each mean summed as bocpd sums it
    a0 = prior_strength
    b0 = np.where(0.5 > m, 0.5, m) * (a0 - 1) / size  # max(m, 0.5)

    def log_pred(yt: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return (gammaln(yt + size) - gammaln(size) - gammaln(yt + 1)
                + betaln(a + size, b + yt) - betaln(a, b))

    log_r = np.zeros((len(y), 1))
    a = np.full((len(y), 1), a0 + size)
    b = (b0 + y[:, 0])[:, None]
    for t in range(y.shape[1]):
        if t:
            yt = y[:, t][:, None]
            grow = log_r + np.log1p(-hazard) + log_pred(yt, a, b)
            new = (np.logaddexp.reduce(log_r, axis=1)[:, None] + math.log(hazard)
                   + log_pred(yt, np.full((len(y), 1), a0), b0[:, None]))
            log_r = np.concatenate([new, grow], axis=1)
            log_r -= np.logaddexp.reduce(log_r, axis=1)[:, None]
            a = np.concatenate([np.full((len(y), 1), a0 + size), a + size], axis=1)
            b = np.concatenate([b0[:, None] + yt, b + yt], axis=1)
        for i, row, k in wanted.get(t, ()):
            out[i] = float(np.exp(log_r[row, k]))
    return out


def detect_escalations(series: Sequence[str], months: Sequence[str], counts, **kw) -> list[sg.Escalation]:
    """``detect_escalation(series[i], months, counts[i], {}, **kw)`` for every row, concatenated:
    the escalations without evidence (the caller fetches the ids of the months they cite)."""
    y = np.asarray(counts, float).reshape(len(series), len(months))
    alarms, _ = nb_cusum_many(y, **kw)
    rows = [i for i, al in enumerate(alarms) if al]
    # Posteriors only for the rows that alarm (most never do): P(regime began at the change month).
    at = [(j, al.index, al.index - al.start) for j, i in enumerate(rows) for al in alarms[i]]
    probs = iter(change_probabilities(y[rows], at, size=kw.get("size", sg.NB_SIZE)))
    return [sg.escalation(series[i], months, y[i], al, next(probs)) for i in rows for al in alarms[i]]
