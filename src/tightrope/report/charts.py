"""Geometry for inline-SVG charts.  Only numbers and labels leave here; templates escape labels.

The monthly chart stacks extracted violent events per month by dyad or type (left
axis) and overlays the counts the sources themselves report (right axis): the two
differ by an order of magnitude, and an analyst needs both, side by side.
"""

from __future__ import annotations

import math
from typing import Any

# Colour-blind-safe palette (Okabe-Ito), grey for "other".
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00"]
OTHER = "#9aa3ad"
GAP = 3  # empty months shown as such up to this many; longer quiet spells collapse to a break
STAT_COLOURS = ["#B2182B", "#5E3C99", "#1B7837"]


def nice_max(v: float) -> float:
    if v <= 0:
        return 1
    mag = 10 ** math.floor(math.log10(v))
    for step in (1, 2, 2.5, 5, 10):
        if v <= step * mag:
            return step * mag
    return 10 * mag


def monthly_chart(months: list[str], groups: list[str], cells: dict, series: list[dict[str, Any]],
                  counts: dict | None = None, width: int = 960, height: int = 300) -> dict[str, Any]:
    """Stacked bars (links to the month's events) plus reported-statistic lines (links to evidence).

    ``counts[month][group]``: bar heights when the page lists only some events (SQL counts
    over all of them); ``cells`` then holds the listed ids a bar links to.  Default: len(ids).
    """
    if counts is None:
        counts = {m: {g: len(ids) for g, ids in row.items()} for m, row in cells.items()}
    left, right, top, bottom = 40, 48, 16, 46
    # Reported series widen the month axis: a figure for a month with no extracted events still shows.
    have = {m for m in months if counts.get(m)} | {p["month"] for s in series for p in s["points"]}
    plot_w, plot_h = width - left - right, height - top - bottom
    if not have:
        return {"empty": True, "width": width, "height": height}
    all_months = compress_axis(sorted(have))
    bw = plot_w / len(all_months)
    ev_max = nice_max(max((sum(counts.get(m, {}).values()) for m in all_months if m), default=0))
    st_max = nice_max(max((p["value"] for s in series for p in s["points"]), default=0))
    colours = {g: (OTHER if g == "other" else PALETTE[i % len(PALETTE)]) for i, g in enumerate(groups)}
    bars, labels = [], []
    for i, m in enumerate(all_months):
        x = left + i * bw
        if m is None:  # a long quiet stretch, drawn as a break rather than empty months
            labels.append({"x": round(x + bw / 2, 1), "text": "\u2026", "gap": True})
            continue
        y = top + plot_h
        for g in groups:
            n = counts.get(m, {}).get(g, 0)
            if not n:
                continue
            ids = cells.get(m, {}).get(g, [])
            h = plot_h * n / ev_max
            y -= h
            bars.append({"x": round(x + 1, 1), "y": round(y, 1), "w": round(max(bw - 2, 1), 1), "h": round(h, 1),
                         "month": m, "group": g, "n": n, "colour": colours[g], "ids": ids})
        # Label January and every n-th month so labels never collide.
        step = max(1, math.ceil(len(all_months) / 16))
        if i % step == 0 or m.endswith("-01") or (i and all_months[i - 1] is None):
            labels.append({"x": round(x + bw / 2, 1), "text": m})
    lines = []
    for k, s in enumerate(series):
        pts = [{"x": round(left + (all_months.index(p["month"]) + 0.5) * bw, 1),
                "y": round(top + plot_h - plot_h * p["value"] / st_max, 1), **p} for p in s["points"]]
        lines.append({"label": s["label"], "source": s["source"], "colour": STAT_COLOURS[k % len(STAT_COLOURS)],
                      "points": pts, "path": " ".join(f"{p['x']},{p['y']}" for p in pts)})
    ticks_l = [{"y": round(top + plot_h - plot_h * f, 1), "v": _fmt(ev_max * f)} for f in (0, .5, 1)]
    ticks_r = [{"y": round(top + plot_h - plot_h * f, 1), "v": _fmt(st_max * f)} for f in (0, .5, 1)] if series else []
    return {"empty": False, "width": width, "height": height, "left": left, "right": width - right, "top": top,
            "base": top + plot_h, "bars": bars, "labels": labels, "lines": lines, "ticks_l": ticks_l,
            "ticks_r": ticks_r, "legend": [{"group": g, "colour": colours[g]} for g in groups]}


def compress_axis(active: list[str], max_gap: int = GAP) -> list[str | None]:
    """Consecutive months from first to last active one; empty runs longer than ``max_gap`` become one None."""
    from tightrope.report.data import month_range

    full = month_range(active[0], active[-1])
    on = set(active)
    out: list[str | None] = []
    run: list[str] = []
    for m in full + [None]:
        if m is not None and m not in on:
            run.append(m)
            continue
        out += [None] if len(run) > max_gap else run
        run = []
        if m is not None:
            out.append(m)
    return out


def _fmt(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else f"{v:.1f}"
