"""Store-level entry points for the CLI, the report and the API.

Each function reads the store and returns plain results (frozen dataclasses
in dicts); :func:`jsonable` turns any of them into JSON-ready data, and
:func:`analyse_store` bundles everything the report shows.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from typing import Any

import numpy as np

from tightrope.analyse import signals as sg
from tightrope.analyse import trends as tr


def trends(store, *, by: str = "type", freq: str = "month") -> dict[str, Any]:
    events = tr.load_events(store)
    return {"counts": tr.count_events(events, by=by, freq=freq),
            "reported_vs_ours": tr.compare_stats(store.rows("stats"), events, tr.published_dates(store))}


def signals(store, *, by: str = "front") -> dict[str, Any]:
    """Escalations in the articles' reported monthly figures and in our own event counts."""
    events = tr.load_events(store)
    escalations = []
    for name, (months, values, evidence) in tr.reported_series(store.rows("stats"), tr.published_dates(store)).items():
        escalations.extend(sg.detect_escalation(f"reported: {name}", months, values, evidence))
    violent = tr.count_events(events, by=by, freq="month", where=lambda r: sg.event_weight({**r, "fatalities": 0}) >= 2)
    evidence = violent.evidence()
    for key, values in violent.series().items():
        escalations.extend(sg.detect_escalation(f"events: {key}", list(violent.periods), values, evidence.get(key, {})))
    return {"escalations": tuple(escalations), "intensity": sg.intensity_index(events),
            "new_fronts": sg.new_fronts(events)}


def forecasts(store, *, by: str = "country", horizon: int = 3, n: int = 1000, seed: int = 0,
              min_events: int = 2) -> dict[str, Any]:
    """Forecasts for our event counts per unit (with at least ``min_events`` events: fewer carry no
    trend to speak of) and for every monthly series of reported figures (``reported: ...``)."""
    from tightrope.analyse.forecast import forecast_units

    counts = tr.count_events(tr.load_events(store), by=by, freq="month")
    series = {k: v for k, v in counts.series().items() if sum(v) >= min_events and "?" not in k}
    out: list = []
    if series:
        units = list(series)
        out += forecast_units(units, list(counts.periods), np.array([series[u] for u in units], float),
                              horizon=horizon, n=n, seed=seed)
    for name, (months, values, _) in tr.reported_series(store.rows("stats"), tr.published_dates(store)).items():
        out += forecast_units([f"reported: {name}"], months, np.array([values], float), horizon=horizon, n=n,
                              seed=seed)
    return {"forecasts": tuple(out)}


def analyse_store(store, *, seed: int = 0) -> dict[str, Any]:
    """Everything the report and the API show, JSON-ready."""
    return jsonable({"trends": trends(store, by="front"), "signals": signals(store),
                     "forecasts": forecasts(store, seed=seed)})


def jsonable(obj: Any) -> Any:
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: jsonable(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, dict):
        return {str(k): jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [jsonable(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return jsonable(obj.tolist())
    if isinstance(obj, (np.integer,)):
        return int(obj)
    if isinstance(obj, (float, np.floating)):
        f = float(obj)
        return None if math.isnan(f) or math.isinf(f) else f
    if isinstance(obj, (dt.date, dt.datetime)):
        return obj.isoformat()
    return obj
