"""Forecasts, escalation signals and scenario probabilities for the report.

``tightrope.analyse`` is built in parallel; we call what exists and render whatever
rows it returns generically (list of dicts -> table, escaped).  Entry points tried,
in order, each optional (``fn(store)``):

  analyse.report.outlook      -> {"signals": [...], "forecasts": [...], "scenarios": [...]}
  analyse.signals.signals / analyse.forecast.forecast / analyse.scenarios.simulate -> list[dict]

When none exists the page says so and shows a naive baseline, labelled as such.
"""

from __future__ import annotations

import importlib
from typing import Any

from tightrope.store.db import Store

SECTIONS = (("signals", "tightrope.analyse.signals", "signals"),
            ("forecasts", "tightrope.analyse.forecast", "forecast"),
            ("scenarios", "tightrope.analyse.scenarios", "simulate"))


def _call(module: str, fn: str, store: Store) -> Any:
    try:
        mod = importlib.import_module(module)
    except ImportError:
        return None
    f = getattr(mod, fn, None)
    if f is None:
        return None
    try:
        return f(store)
    except Exception as e:  # parallel module in progress: show the failure, keep the report
        return {"error": f"{module}.{fn}: {type(e).__name__}: {e}"}


def _rows(value: Any) -> list[dict[str, Any]]:
    if value is None:
        return []
    if isinstance(value, dict):
        value = [value]
    out = []
    for v in value:
        if isinstance(v, dict):
            out.append({str(k): v[k] for k in v})
        elif hasattr(v, "__dataclass_fields__"):
            out.append({k: getattr(v, k) for k in v.__dataclass_fields__})
        else:
            out.append({"value": v})
    return out


def _with_columns(out: dict[str, Any]) -> dict[str, Any]:
    """Each section's columns, in first-seen order (rows may differ in their keys)."""
    for key, _, _ in SECTIONS:
        cols: list[str] = []
        for r in out[key]:
            cols += [c for c in r if c not in cols]
        out[f"{key}_cols"] = cols
    return out


def baseline(monthly: list[tuple[str, int]]) -> list[dict[str, Any]]:
    """Mean of the last three months as next month's expectation: a yardstick, not a model."""
    if not monthly:
        return []
    last = monthly[-3:]
    mean = sum(n for _, n in last) / len(last)
    return [{"what": "extracted attacks next month", "expected": round(mean, 1),
             "method": f"naive: mean of {', '.join(m for m, _ in last)}"}]


def outlook(store: Store, monthly: list[tuple[str, int]]) -> dict[str, Any]:
    out: dict[str, Any] = {"signals": [], "forecasts": [], "scenarios": [], "notes": []}
    combined = _call("tightrope.analyse.report", "outlook", store)
    if isinstance(combined, dict) and "error" not in combined:
        for key, _, _ in SECTIONS:
            out[key] = _rows(combined.get(key))
    else:
        if isinstance(combined, dict):
            out["notes"].append(combined["error"])
        for key, module, fn in SECTIONS:
            got = _call(module, fn, store)
            if isinstance(got, dict) and set(got) == {"error"}:
                out["notes"].append(got["error"])
            else:
                out[key] = _rows(got)
    if not any(out[k] for k, _, _ in SECTIONS):
        out["notes"].append("No forecasts from the analysis stage are available to this report (it looks for "
                            "tightrope.analyse.report.outlook); a naive baseline is shown instead.")
        out["forecasts"] = baseline(monthly)
    return _with_columns(out)


FRONT_IDS = 3  # evidence ids per listed new front (the dashboard lists the rest)


def scaled_outlook(store: Store, monthly: list[tuple[str, int]], top: int, *, seed: int = 0,
                   runs: int = 5000, max_fronts: int | None = None) -> dict[str, Any]:
    """``outlook`` for a store too big to list whole: the same rows, from SQL.

    The analysis library gets the monthly series it works on from DuckDB
    (``trends.count_events_sql``), for the ``top`` busiest fronts, plus every reported
    series.  New-front alerts are found over every event's dyad and target history
    (``signals_sql``); sparse dyads make a million events ~10^5 of them, so the page
    lists the latest ``max_fronts`` (default ``Settings.report_max_new_fronts``) and says how many there are.
    """
    if max_fronts is None:
        from tightrope.settings import Settings

        max_fronts = Settings().report_max_new_fronts
    out: dict[str, Any] = {"signals": [], "forecasts": [], "scenarios": [], "notes": [
        f"Escalation signals and forecasts cover the {top} busiest fronts (from SQL counts over every event) and "
        "every series of reported figures."]}
    try:
        import numpy as np

        from tightrope.analyse import scenario as scn
        from tightrope.analyse import signals as sg
        from tightrope.analyse import trends as tr
        from tightrope.analyse.forecast import forecast_units

        counts_only = store.rows("stats", "WHERE coalesce(unit, 'count') = 'count'")
        reported = tr.reported_series(counts_only, tr.published_dates(store, with_stats=True))
        escalations = [e for name, (months, values, ev) in reported.items()
                       for e in sg.detect_escalation(f"reported: {name}", months, values, ev)]
        # A few ids per month suffice as evidence links; the dashboard lists the rest.
        violent = tr.count_events_sql(store, "front", "month", violent_only=True, top=top, max_ids=3)
        evidence = violent.evidence()
        for key, values in violent.series().items():
            escalations += sg.detect_escalation(f"events: {key}", list(violent.periods), values, evidence.get(key, {}))
        out["signals"] = [{"signal": "escalation", "series": e.series, "change month": e.change_month,
                           "flagged": e.alarm_month, "before (per month)": e.baseline,
                           "after (per month)": e.after, "ratio": e.ratio,
                           "P(change at that month)": e.change_probability, "evidence": ", ".join(e.evidence)}
                          for e in escalations]
        from tightrope.analyse import signals_sql

        n_fronts, fronts = signals_sql.latest_new_fronts(store, max_fronts, max_ids=FRONT_IDS)
        # Rows as analyse.report.outlook writes them, evidence cut to a few ids.
        out["signals"] += [{"signal": f"new front ({f.kind})", "series": f.key, "change month": f.month,
                            "flagged": f.month, "evidence": ", ".join(f.events)} for f in fronts]
        out["notes"].append(f"New fronts (a dyad or target quiet for 3 observed months, then active): {n_fronts} over "
                            f"every event" + (f"; the latest {len(fronts)} are listed, each with at most {FRONT_IDS} "
                                              "events (`tightrope signals` lists them all)." if n_fronts > len(fronts)
                                              else "."))
        counts = tr.count_events_sql(store, "front", "month", top=top, max_ids=0)
        series = {k: v for k, v in counts.series().items() if sum(v) >= 2 and "?" not in k}
        fc = []
        if series:
            units = list(series)
            fc += forecast_units(units, list(counts.periods), np.array([series[u] for u in units], float),
                                 horizon=3, n=1000, seed=seed)
        for name, (months, values, _) in reported.items():
            fc += forecast_units([f"reported: {name}"], months, np.array([values], float), horizon=3, n=1000,
                                 seed=seed)
        out["forecasts"] = [{"unit": f.unit, "month": f.month, "expected": round(f.mean, 1), "median": f.median,
                             "90% interval": f"{f.lo90:g}-{f.hi90:g}", "P(> 2x trailing mean)":
                             round(f.p_escalation, 2), "model": f.model} for f in fc]
        res = scn.simulate(scn.load_scenario(), runs=runs, seed=seed)
        h = res.horizon
        out["scenarios"] = [{"scenario": res.scenario, "rung": r.label, "P within 1 month": round(r.by_month[0], 2),
                             f"P within {min(3, h)} months": round(r.by_month[min(3, h) - 1], 2),
                             f"P within {h} months": round(r.p_reach, 2),
                             "median first month": r.median_month if r.median_month is not None else "-"}
                            for r in res.rungs[1:]]
    except Exception as e:  # the analysis stage failing must not take the report down (as in outlook())
        out["notes"].append(f"analysis at scale: {type(e).__name__}: {e}")
    if not any(out[k] for k, _, _ in SECTIONS):
        out["forecasts"] = baseline(monthly)
    return _with_columns(out)
