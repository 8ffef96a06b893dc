"""Flat rows for the situation report's outlook section (``report/outlook.py`` calls :func:`outlook`).

Each section is a list of dicts of plain strings and numbers: the report renders
them as tables, so column names here are what a reader sees.
"""

from __future__ import annotations

from typing import Any

from tightrope.analyse import overview
from tightrope.analyse import scenario as scn

# Monte Carlo runs for the report: 5,000 give each probability to about +-1.4 points (95%),
# enough for a table rounded to whole percents, in well under a second.
REPORT_RUNS = 5000


def outlook(store, *, seed: int = 0, forecast_by: str = "front") -> dict[str, list[dict[str, Any]]]:
    sig = overview.signals(store)
    signals = [{"signal": "escalation", "series": e.series, "change month": e.change_month,
                "flagged": e.alarm_month, "before (per month)": e.baseline, "after (per month)": e.after,
                "ratio": e.ratio, "P(change at that month)": e.change_probability,
                "evidence": ", ".join(e.evidence)} for e in sig["escalations"]]
    signals += [{"signal": f"new front ({f.kind})", "series": f.key, "change month": f.month, "flagged": f.month,
                 "evidence": ", ".join(f.events)} for f in sig["new_fronts"]]
    forecasts = [{"unit": f.unit, "month": f.month, "expected": round(f.mean, 1), "median": f.median,
                  "90% interval": f"{f.lo90:g}-{f.hi90:g}", "P(> 2x trailing mean)": round(f.p_escalation, 2),
                  "model": f.model}
                 for f in overview.forecasts(store, by=forecast_by, seed=seed)["forecasts"]]
    sc = scn.load_scenario()
    res = scn.simulate(sc, runs=REPORT_RUNS, seed=seed)
    h = res.horizon
    scenarios = [{"scenario": res.scenario, "rung": r.label, "P within 1 month": round(r.by_month[0], 2),
                  f"P within {min(3, h)} months": round(r.by_month[min(3, h) - 1], 2),
                  f"P within {h} months": round(r.p_reach, 2),
                  "median first month": r.median_month if r.median_month is not None else "-"}
                 for r in res.rungs[1:]]
    return {"signals": signals, "forecasts": forecasts, "scenarios": scenarios}
