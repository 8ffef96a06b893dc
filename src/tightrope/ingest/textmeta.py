"""Recognise the title, publisher and dateline at the top of a plain-text article.

Two layouts are common in copied news text and in our samples:

* a title line, then a publisher prefix on the first body line
  ("Shafaq News/ As tensions flare ..."), no dateline;
* a title line, then bullet lines "- Publisher", "- Nov 14, 2024", "- 3 min read".

The document text itself is never altered: evidence spans index into it.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from tightrope.extract.dates import latest_reference, parse_dateline
from tightrope.models import DateValue

# How many top lines can hold metadata: the bullet block in real pages is
# title + at most 4-5 bullets ("- outlet", "- date", "- n min read", "- author").
_HEADER_LINES = 8
# A title is a single short line; news headlines run 40-120 characters.
_MAX_TITLE_CHARS = 250
# "Shafaq News/ text", "REUTERS/ text" and "Baghdad (Levant Wire) -" style prefixes.
_SLASH_PREFIX = re.compile(r"^\s*([A-Z][\w&.'’ -]{1,60}?)\s*/\s+\S")
_PAREN_DATELINE = re.compile(r"^\s*[A-Z][A-Za-z .'-]{1,40}\(([A-Z][\w&.' -]{1,60})\)\s*[-\u2013\u2014:]")
# Values are taken whole and stripped in Python: ``(.+?)\s*$`` backtracks
# quadratically on a long line of spaces.
_BULLET = re.compile(r"^\s*[-\u2022*]\s+(\S.*)", re.S)
_READ_TIME = re.compile(r"^\d+\s*min(ute)?s?\s+read$", re.I)
_LABELLED = re.compile(r"^\s*(source|publisher|published|date|by)\s*:\s*(\S.*)", re.I | re.S)
# A header line longer than this is body text: metadata lines are short, and the
# patterns above need not look at a megabyte-long first paragraph.
_MAX_HEADER_LINE = 300
# Publication dates outside [1900, today + this] are typos or hostile input.
_FUTURE_SLACK_DAYS = 366


def plausible_date(d: dt.date, today: dt.date | None = None) -> bool:
    """A publication date a real article can carry: from 1900 up to a year ahead of today."""
    today = today or dt.date.today()
    return d.year >= 1900 and d <= today + dt.timedelta(days=_FUTURE_SLACK_DAYS)


@dataclass(frozen=True)
class TextMeta:
    title: str | None
    publisher: str | None
    published: DateValue | None


def _looks_like_date(s: str) -> DateValue | None:
    return parse_dateline(s)


def parse_text_meta(text: str) -> TextMeta:
    # Only the top can hold metadata: never split (or copy) a long text whole.
    lines = text[:_HEADER_LINES * 2 * (_MAX_HEADER_LINE + 1)].splitlines()
    nonempty = [ln for ln in lines[:_HEADER_LINES * 2] if ln.strip()][:_HEADER_LINES]
    title = None
    publisher = None
    published = None
    if nonempty and len(nonempty[0].strip()) <= _MAX_TITLE_CHARS and not _BULLET.match(nonempty[0]):
        title = nonempty[0].strip()
    for ln in nonempty[1:] if title else nonempty:
        short = len(ln) <= _MAX_HEADER_LINE
        bullet = _BULLET.match(ln) if short else None
        labelled = _LABELLED.match(ln) if short else None
        if bullet or labelled:
            value = (bullet.group(1) if bullet else labelled.group(2)).strip()
            label = labelled.group(1).lower() if labelled else None
            date = _looks_like_date(value) if label in (None, "published", "date") else None
            if date and published is None and plausible_date(date.date):
                published = date
            elif _READ_TIME.match(value) or date:
                continue
            elif publisher is None and label in (None, "source", "publisher"):
                publisher = value
            continue
        m = _SLASH_PREFIX.match(ln) or _PAREN_DATELINE.match(ln)
        if m and publisher is None:
            publisher = m.group(1).strip()
        break  # the body has started
    if published is None:
        published = latest_reference(text)
        if published is not None:
            published = DateValue(published.date, published.precision, "latest_reference")
    return TextMeta(title=title, publisher=publisher, published=published)
