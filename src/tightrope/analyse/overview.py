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

from tightrope.analyse import trends as tr


# Every function here groups in DuckDB (trends.count_events_sql, signals_sql) and returns what
# the Python originals (trends.count_events, signals.* over trends.load_events) return: rows
# of a million events never come into Python.  tests/analyse/test_signals_sql.py holds them equal.
def trends(store, *, by: str = "type", freq: str = "month") -> dict[str, Any]:
    return tr.trends_store(store, by=by, freq=freq)


def signals(store, *, by: str = "front") -> dict[str, Any]:
    """Escalations in the articles' reported monthly figures and in our own event counts."""
    from tightrope.analyse import signals_sql

    escalations = signals_sql.reported_escalations(store) + signals_sql.event_escalations(store, by)
    return {"escalations": tuple(escalations), "intensity": signals_sql.intensity_index(store),
            "new_fronts": signals_sql.new_fronts(store)}


def forecasts(store, *, by: str = "country", horizon: int = 3, n: int = 1000, seed: int = 0,
              min_events: int = 2) -> dict[str, Any]:
    """Forecasts for our event counts per unit (with at least ``min_events`` events: fewer carry no
    trend to speak of) and for every monthly series of reported figures (``reported: ...``)."""
    from tightrope.analyse.forecast import forecast_units

    counts = tr.count_events_sql(store, by, "month", max_ids=0)  # forecasts cite no ids
    series = {k: v for k, v in counts.series().items() if sum(v) >= min_events and "?" not in k}
    out: list = []
    if series:
        units = list(series)
        out += forecast_units(units, list(counts.periods), np.array([series[u] for u in units], float),
                              horizon=horizon, n=n, seed=seed)
    for name, (months, values, _) in tr.reported_series(store.rows("stats"), tr.published_dates(store, with_stats=True)).items():
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
