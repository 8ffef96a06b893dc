"""An inline-SVG map: shipped Natural Earth outlines, equirectangular projection, event points.

No tiles and no network: ``data/geo/middle_east_110m.json`` is generated once by
``data/geo/build_outlines.py``.  Events at one place are drawn as one point whose
size grows with the count; points link to the place's rows in the timeline.
Places outside the extent (Washington, say) are listed under the map instead.
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from functools import lru_cache
from typing import Any

from tightrope.settings import DATA_DIR

OUTLINES = DATA_DIR / "geo" / "middle_east_110m.json"
# Label these so a reader can orient without tiles (centroids are rough, labels only).
LABELS = {"Iraq": (43.5, 33.2), "Iran": (54.0, 32.5), "Syria": (38.6, 35.2), "Saudi Arabia": (45.0, 24.0),
          "Jordan": (36.9, 30.9), "Turkey": (35.0, 39.0), "Egypt": (29.5, 26.5), "Yemen": (47.5, 15.7),
          "Israel": (34.2, 31.0), "Lebanon": (35.9, 34.1), "Kuwait": (47.6, 29.4), "Oman": (56.5, 20.5)}


@lru_cache(maxsize=1)
def outlines() -> dict[str, Any] | None:
    try:
        return json.loads(OUTLINES.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _place_key(e: dict[str, Any]) -> tuple:
    return (round(e["latitude"], 3), round(e["longitude"], 3), e.get("location") or "", e.get("admin1") or "",
            e.get("country") or "")


def event_map(events: list[dict[str, Any]], highlight: set[str] = frozenset(), width: int = 760) -> dict[str, Any]:
    """Projected country paths and one point per place; ``highlight`` event ids get a ring."""
    geo = outlines()
    ext = (geo or {}).get("extent") or {"lon_min": 25.0, "lon_max": 63.0, "lat_min": 12.0, "lat_max": 42.5}
    x0, x1, y0, y1 = ext["lon_min"], ext["lon_max"], ext["lat_min"], ext["lat_max"]
    # Equirectangular with the standard parallel at the extent's middle keeps shapes honest here.
    kx = math.cos(math.radians((y0 + y1) / 2))
    scale = width / ((x1 - x0) * kx)
    height = round((y1 - y0) * scale)

    def proj(lon: float, lat: float) -> tuple[float, float]:
        return round((lon - x0) * kx * scale, 1), round((y1 - lat) * scale, 1)

    def inside(lon: float, lat: float) -> bool:
        return x0 <= lon <= x1 and y0 <= lat <= y1

    countries = []
    for c in (geo or {}).get("countries", []):
        d = " ".join("M" + " L".join("%s,%s" % proj(x, y) for x, y in ring) + " Z" for ring in c["rings"])
        countries.append({"name": c["name"], "d": d})
    labels = [{"name": n, "x": proj(*xy)[0], "y": proj(*xy)[1]} for n, xy in LABELS.items() if inside(*xy)]
    grid = ([{"x1": proj(lon, y0)[0], "y1": 0, "x2": proj(lon, y0)[0], "y2": height, "label": f"{lon}\u00b0E"}
             for lon in range(30, int(x1) + 1, 5)] +
            [{"x1": 0, "y1": proj(x0, lat)[1], "x2": width, "y2": proj(x0, lat)[1], "label": f"{lat}\u00b0N"}
             for lat in range(15, int(y1) + 1, 5)])
    places: dict[tuple, list[dict[str, Any]]] = defaultdict(list)
    for e in events:
        if e.get("latitude") is not None and e.get("longitude") is not None:
            places[_place_key(e)].append(e)
    points, outside = [], []
    for (lat, lon, name, admin1, country), evs in sorted(places.items(), key=lambda kv: -len(kv[1])):
        item = {"name": name, "admin1": admin1, "country": country, "lat": lat, "lon": lon, "n": len(evs),
                "ids": [e["event_id"] for e in evs], "highlight": any(e["event_id"] in highlight for e in evs),
                "key": f"{lat},{lon}", "imprecise": min(e.get("geo_precision") or 3 for e in evs) >= 3}
        if inside(lon, lat):
            x, y = proj(lon, lat)
            points.append({**item, "x": x, "y": y, "r": round(3 + 2.2 * math.sqrt(len(evs)), 1)})
        else:
            outside.append(item)
    points.sort(key=lambda p: -p["r"])  # big circles first, so small ones stay clickable on top
    return {"width": width, "height": height, "countries": countries, "labels": labels, "grid": grid,
            "points": points, "outside": outside, "has_outlines": geo is not None,
            "source": (geo or {}).get("source", "")}
