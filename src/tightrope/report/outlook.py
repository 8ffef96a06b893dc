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
    for key, _, _ in SECTIONS:
        cols: list[str] = []
        for r in out[key]:
            cols += [c for c in r if c not in cols]
        out[f"{key}_cols"] = cols
    return out
