"""Calendar helpers shared by the analysis modules: month and ISO-week keys.

Periods are plain strings (``YYYY-MM`` for months, ``YYYY-Www`` for ISO
weeks) so results serialise to JSON as they are and sort chronologically.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

Freq = str  # "month" | "week"


def to_date(value: Any) -> dt.date | None:
    """A date from a ``date``, ``datetime`` or ISO string (``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD``)."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    s = str(value).strip()
    try:
        if len(s) == 4:
            return dt.date(int(s), 1, 1)
        if len(s) == 7:
            return dt.date(int(s[:4]), int(s[5:7]), 1)
        return dt.date.fromisoformat(s[:10])
    except ValueError:
        return None


def month_key(d: dt.date) -> str:
    return f"{d.year:04d}-{d.month:02d}"


def week_key(d: dt.date) -> str:
    y, w, _ = d.isocalendar()
    return f"{y:04d}-W{w:02d}"


def parse_month(key: str) -> dt.date:
    return dt.date(int(key[:4]), int(key[5:7]), 1)


def add_months(key: str, n: int) -> str:
    d = parse_month(key)
    idx = d.year * 12 + d.month - 1 + n
    return f"{idx // 12:04d}-{idx % 12 + 1:02d}"


def month_range(first: str, last: str) -> list[str]:
    """Every month from ``first`` to ``last`` inclusive (empty when last < first)."""
    out, k = [], first
    while k <= last:
        out.append(k)
        k = add_months(k, 1)
    return out


def month_end(d: dt.date) -> dt.date:
    nxt = parse_month(add_months(month_key(d), 1))
    return nxt - dt.timedelta(days=1)


def week_range(first: str, last: str) -> list[str]:
    def monday(key: str) -> dt.date:
        return dt.date.fromisocalendar(int(key[:4]), int(key[6:8]), 1)

    out, d = [], monday(first)
    while week_key(d) <= last:
        out.append(week_key(d))
        d += dt.timedelta(days=7)
    return out


def period_key(d: dt.date, precision: str | None, freq: Freq) -> str | None:
    """The period an event dated ``d`` at ``precision`` falls in, or None when too coarse.

    A month-precision date cannot be placed in a week; a year-precision date
    in neither.  Such events are counted apart, never guessed into a bucket.
    """
    precision = precision or "day"
    if freq == "month":
        return month_key(d) if precision in ("day", "week", "month") else None
    if freq == "week":
        return week_key(d) if precision in ("day", "week") else None
    raise ValueError(f"unknown frequency {freq!r} (month or week)")


def full_range(keys: list[str], freq: Freq) -> list[str]:
    """All periods between the first and last key, so quiet periods show as zeros."""
    if not keys:
        return []
    lo, hi = min(keys), max(keys)
    return month_range(lo, hi) if freq == "month" else week_range(lo, hi)
