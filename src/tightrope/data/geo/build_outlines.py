"""Regenerate ``middle_east_110m.json`` (country outlines for the report and dashboard map).

Not used at run time: the JSON it writes is shipped, so the map needs no network
and no GIS library.  Source: Natural Earth 1:110m admin-0 countries (public
domain), as shipped inside the ``geopandas==0.14.4`` wheel
(``geopandas/datasets/naturalearth_lowres``), read with ``pyshp==2.3.1``::

    pip download --no-deps geopandas==0.14.4 pyshp==2.3.1 -d /tmp/ne
    cd /tmp/ne && unzip -q geopandas-0.14.4-*.whl 'geopandas/datasets/*' && unzip -q pyshp-*.whl
    PYTHONPATH=/tmp/ne python build_outlines.py \
        /tmp/ne/geopandas/datasets/naturalearth_lowres/naturalearth_lowres middle_east_110m.json

Rings are clipped to the extent (plus a margin) so the file stays small; the
map draws the extent only.
"""

from __future__ import annotations

import json
import sys

# Middle East and neighbours: Cyprus/Egypt in the west, Afghanistan in the east,
# the Caucasus in the north, Yemen/Horn of Africa in the south.
EXTENT = {"lon_min": 25.0, "lon_max": 63.0, "lat_min": 12.0, "lat_max": 42.5}
MARGIN = 1.0
DIGITS = 2  # ~1 km: far below what a 110m outline can show


def _clip(ring: list[tuple[float, float]], box: tuple[float, float, float, float]) -> list[tuple[float, float]]:
    """Sutherland-Hodgman against an axis-aligned box; outlines are drawn, not measured."""
    x0, y0, x1, y1 = box
    edges = [
        (lambda p: p[0] >= x0, lambda a, b: _at_x(a, b, x0)),
        (lambda p: p[0] <= x1, lambda a, b: _at_x(a, b, x1)),
        (lambda p: p[1] >= y0, lambda a, b: _at_y(a, b, y0)),
        (lambda p: p[1] <= y1, lambda a, b: _at_y(a, b, y1)),
    ]
    out = ring
    for inside, cut in edges:
        src, out = out, []
        if not src:
            break
        prev = src[-1]
        for cur in src:
            if inside(cur):
                if not inside(prev):
                    out.append(cut(prev, cur))
                out.append(cur)
            elif inside(prev):
                out.append(cut(prev, cur))
            prev = cur
    return out


def _at_x(a, b, x):
    t = (x - a[0]) / (b[0] - a[0])
    return (x, a[1] + t * (b[1] - a[1]))


def _at_y(a, b, y):
    t = (y - a[1]) / (b[1] - a[1])
    return (a[0] + t * (b[0] - a[0]), y)


def build(shp_base: str) -> dict:
    import shapefile  # pyshp, only needed to regenerate

    box = (EXTENT["lon_min"] - MARGIN, EXTENT["lat_min"] - MARGIN,
           EXTENT["lon_max"] + MARGIN, EXTENT["lat_max"] + MARGIN)
    reader = shapefile.Reader(shp_base, encoding="latin-1")
    countries = []
    for sr in reader.iterShapeRecords():
        rec = sr.record.as_dict()
        shape = sr.shape
        parts = list(shape.parts) + [len(shape.points)]
        rings = []
        for a, b in zip(parts, parts[1:]):
            ring = _clip([tuple(p) for p in shape.points[a:b]], box)
            ring = [(round(x, DIGITS), round(y, DIGITS)) for x, y in ring]
            ring = [p for i, p in enumerate(ring) if i == 0 or p != ring[i - 1]]
            if len(ring) >= 3:
                rings.append([list(p) for p in ring])
        if rings:
            countries.append({"name": rec["name"], "iso_a3": rec["iso_a3"], "rings": rings})
    countries.sort(key=lambda c: c["name"])
    return {
        "source": "Natural Earth 1:110m admin-0 countries (public domain), via geopandas 0.14.4 naturalearth_lowres",
        "extent": EXTENT,
        "countries": countries,
    }


if __name__ == "__main__":
    data = build(sys.argv[1])
    with open(sys.argv[2], "w", encoding="utf-8") as f:
        json.dump(data, f, separators=(",", ":"), ensure_ascii=False)
        f.write("\n")
    print(f"{len(data['countries'])} countries -> {sys.argv[2]}")
