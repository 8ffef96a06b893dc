"""Date expressions in news text, resolved to :class:`DateValue`.

Own regexes find the candidate spans (date_rules.py: the patterns, pre-compiled at
import, and their builders); resolution is plain calendar arithmetic against the
publication date ``ref``.
``dateparser`` is used only as the last resort of :func:`parse_dateline`, on a
short header string: on running text it is slow and invents dates.

Spans: prepositions that carry no meaning ("in", "on", "during") are left
out of a mention; words that change its meaning ("since", "last", "early")
are kept.  Kinds: "absolute" (the text fixes the date), "relative" (needs
``ref``: "yesterday", "on Sunday", "in October", "October 17"), "anchor"
(needs the previous date in discourse: "the following day").

Choices: "in recent days" / "the past few days" resolve like "the past week"
(week precision, from ref - 7 days).  Expressions that need ``ref`` are
dropped when ``ref`` is None; with a coarser ``ref`` than they need
("yesterday" against a month-precision ref) they take ``ref``'s own period.
Known limit: a day without a year ("the October 7 attacks") resolves to the
most recent such day on or before ``ref``, which is wrong for anniversaries.
"""

from __future__ import annotations

import bisect
import datetime as dt
import email.utils
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterator

from tightrope.extract.date_rules import (
    _ANCHOR_DIGITS, _ANCHOR_PARSE, _DIGIT_RUN, _DMY, _ISO, _MONTH_TRIGGER, _RANK, _SCANNED, _SLASH, _TRIGGERED, _V,
    _WEEKDAY_TRIGGER, _YEAR_ALONE, Builder, Built, _b_anchor, _b_day_month, _b_iso, _b_slash, _b_weekday, _b_year, _cased, _dv, _Scan,
)
from tightrope.extract.numbers import lower_same_length, parse_number
from tightrope.models import DateValue, build


@dataclass(frozen=True)
class DateMention:
    start: int
    end: int
    text: str
    value: DateValue
    kind: str  # "absolute" | "relative" | "anchor"


def _matches(sc: _Scan) -> Iterator[tuple[re.Match, Builder]]:
    for trigger, patterns in _TRIGGERED:
        for t in trigger.finditer(sc.text):
            for pattern, builder in patterns:
                m = pattern.match(sc.text, t.start())
                if m:
                    yield m, builder
    for gate, pattern, builder in _SCANNED:
        if any(word in sc.low for word in gate):
            for m in pattern.finditer(sc.low):
                if m.start() == 0 or not sc.low[m.start() - 1].isalpha():
                    yield m, builder


Scanned = tuple[str, str, int, tuple[tuple[re.Match, Builder], ...]]  # text, low, base, matches
# The current document's sentences, scanned together by prescan_dates (keyed by sentence text).
_PRESCANNED: dict[str, Scanned] = {}


def _match_list(text: str) -> Scanned:
    """(scanned text, its lower-cased form, where ``text`` starts in it, every pattern match):
    they do not depend on ``ref``, and each sentence is scanned twice per document (find_dates,
    then date_spans for numbers).  Cleared per document (extract_document), so no text is
    remembered across documents."""
    return _PRESCANNED.get(text) or _scan_alone(text)


@lru_cache(maxsize=512)  # a long article's sentences; a miss only costs a rescan
def _scan_alone(text: str) -> Scanned:
    low = lower_same_length(text)
    return text, low, 0, tuple(_matches(_Scan(text, low, None)))


def clear_caches() -> None:
    _scan_alone.cache_clear()
    _PRESCANNED.clear()


def _candidates(text: str, ref: DateValue | None) -> list[Built]:
    scanned, low, base, matches = _match_list(text)
    sc = _Scan(scanned, low, ref, base)
    out: list[Built] = []
    for m, builder in matches:
        try:
            if base:
                out.extend((a - base, b - base, v, k) for a, b, v, k in builder(sc, m))
            else:
                out.extend(builder(sc, m))
        except (ValueError, OverflowError, KeyError):  # "February 30", year 0: not a date
            continue
    return out


# ---------------------------------------------------------------- whole-document scan
#
# _matches run on each sentence costs one pass of every trigger and phrase pattern per
# sentence.  prescan_dates finds the triggers in one pass over the document and matches
# the patterns at them inside each sentence's bounds (``endpos``), which is the same as
# matching on the sentence alone when a blank (or the text's edge) stands on both sides
# of the sentence: then no trigger runs across its edges, and the one-character lookbehinds
# that open the patterns see a blank where the sentence alone has nothing, which passes
# them all the same.  Other sentences are scanned alone, as before.

# A digit run's length decides which patterns can match at it (_ISO and _YEAR_ALONE want
# exactly four digits; _SLASH, _DMY and _ANCHOR_DIGITS one or two, followed by no digit).
_BY_RUN_LENGTH = {4: ((_ISO, _b_iso), (_YEAR_ALONE, _b_year)),
                  **dict.fromkeys((1, 2), ((_SLASH, _b_slash), (_DMY, _b_day_month), (_ANCHOR_DIGITS, _b_anchor)))}
assert _TRIGGERED[0][0] is _DIGIT_RUN and [p for p, _ in _TRIGGERED[0][1]] == [_ISO, _SLASH, _DMY, _YEAR_ALONE, _ANCHOR_DIGITS]
_MONTH_PATTERNS = _TRIGGERED[1][1]
# Weekday names without _WEEKDAY_TRIGGER's look-ahead past them (which must stop at the sentence's end).
_WEEKDAY_NAME = re.compile(rf"(?:{_cased(_V['weekdays'])})(?![A-Za-z])")


# _DIGIT_RUN for ASCII text (str.isascii() reads a flag): a [0-9] range test scans ~1.5x faster
# than re's Unicode digit category (timeit, 200 bench articles).
_DIGIT_RUN_ASCII = re.compile(r"[0-9][0-9]*")


def _triggers(text: str) -> tuple[list[int], list[int], list[int], list[int]]:
    """Starts and ends of the digit runs, starts of the month triggers, starts of the weekday names."""
    d_starts, d_ends = [], []
    for m in (_DIGIT_RUN_ASCII if text.isascii() else _DIGIT_RUN).finditer(text):
        d_starts.append(m.start())
        d_ends.append(m.end())
    return (d_starts, d_ends, [m.start() for m in _MONTH_TRIGGER.finditer(text)],
            [m.start() for m in _WEEKDAY_NAME.finditer(text)])


# The gate words of _SCANNED (words one of which a match holds), each found by one str.find
# scan, some read off another's hits ("today" is "to" before a "day").  A match of either
# pattern holds one of its gate words at a word's start (after a blank inside it, or at its
# start, which follows no letter), so only such hits open a sentence to the pattern: a
# "day" in "Sunday" does not.
_GATE_SCANS = ("day", "night", "week", "month", "year", "tomorrow", "morning", "afternoon", "evening", "then", "hours")
_GATE_DERIVED = {"day": (("days", 0), ("today", 2), ("yesterday", 6)), "night": (("tonight", 2),)}
assert {w for gate, _, _ in _SCANNED for w in gate} == {
    *_GATE_SCANS, *(d for ds in _GATE_DERIVED.values() for d, _ in ds)}


def _gate_hits(low: str) -> list[tuple[list[int], list[int]]]:
    """For each pattern of _SCANNED: sorted starts and their ends of its gate words in
    ``low`` that follow no letter."""
    at: dict[str, list[int]] = {}
    for w in _GATE_SCANS:
        hits = []
        i = low.find(w)
        while i >= 0:
            hits.append(i)
            i = low.find(w, i + 1)
        at[w] = hits
        for d, off in _GATE_DERIVED.get(w, ()):
            at[d] = [i - off for i in hits if i >= off and low.startswith(d, i - off)]
    out = []
    for gate, _, _ in _SCANNED:
        hits = sorted((i, i + len(w)) for w in gate for i in at[w] if i == 0 or not low[i - 1].isalpha())
        out.append(([a for a, _ in hits], [b for _, b in hits]))
    return out


def _within(hits: tuple[list[int], list[int]], a: int, b: int) -> bool:
    starts, ends = hits
    i = bisect.bisect_left(starts, a)
    while i < len(starts) and starts[i] < b:
        if ends[i] <= b:
            return True
        i += 1
    return False


def prescan_dates(text: str, spans: list[tuple[int, int]], low: str | None = None) -> list[bool]:
    """Scan the sentences at ``spans`` of ``text`` for find_dates / date_spans, in one pass over
    the document (see above).  For each sentence: whether find_dates can find anything in it.
    ``low``: nlp.lowered(text) when the caller has it (then equal to lower_same_length(text))."""
    _PRESCANNED.clear()
    if "\u03a3" in text:  # capital sigma lower-cases by context: sentence and document could differ
        return [True] * len(spans)
    n = len(text)
    if low is None:
        low = lower_same_length(text)
    d_starts, d_ends, months, weekdays = _triggers(text)
    gates = [(hits, pattern, builder) for hits, (_, pattern, builder) in zip(_gate_hits(low), _SCANNED)]
    # Where any trigger or gate word starts: most sentences hold none, and need no more look.
    anywhere = sorted([*d_starts, *months, *weekdays, *(a for (starts, _), _, _ in gates for a in starts)])
    out = []
    for a, b in spans:
        if not ((a == 0 or text[a - 1].isspace()) and (b == n or text[b].isspace())):
            out.append(True)  # find_dates scans it alone
            continue
        found: list[tuple[re.Match, Builder]] = []
        i = bisect.bisect_left(anywhere, a)
        if i == len(anywhere) or anywhere[i] >= b:
            _PRESCANNED[text[a:b]] = (text, low, a, ())
            out.append(False)
            continue
        for i in range(bisect.bisect_left(d_starts, a), bisect.bisect_left(d_starts, b)):
            q = d_starts[i]
            for pattern, builder in _BY_RUN_LENGTH.get(d_ends[i] - q, ()):
                if m := pattern.match(text, q, b):
                    found.append((m, builder))
        for i in range(bisect.bisect_left(months, a), bisect.bisect_left(months, b)):
            for pattern, builder in _MONTH_PATTERNS:
                if m := pattern.match(text, months[i], b):
                    found.append((m, builder))
        for i in range(bisect.bisect_left(weekdays, a), bisect.bisect_left(weekdays, b)):
            if m := _WEEKDAY_TRIGGER.match(text, weekdays[i], b):
                found.append((m, _b_weekday))
        for hits, pattern, builder in gates:
            if _within(hits, a, b):
                found.extend((m, builder) for m in pattern.finditer(low, a, b)
                             if m.start() == a or not low[m.start() - 1].isalpha())
        _PRESCANNED[text[a:b]] = (text, low, a, tuple(found))
        out.append(bool(found))
    return out


def _select(cands: list[Built]) -> list[Built]:
    """Non-overlapping candidates, earliest first, longest on ties."""
    chosen, taken_end = [], -1
    for c in sorted(cands, key=lambda c: (c[0], c[0] - c[1])):
        if c[0] >= taken_end:
            chosen.append(c)
            taken_end = c[1]
    return chosen


# Any day works: date_spans only needs the builders to accept a match.
_SPAN_REF = DateValue(dt.date(2000, 6, 15), "day", "span")


def date_spans(text: str) -> list[tuple[int, int]]:
    """Spans of every date expression, including anchors (numbers.py masks these)."""
    if not isinstance(text, str) or not text:
        return []
    return [(c[0], c[1]) for c in _candidates(text, _SPAN_REF)]


# ---------------------------------------------------------------- public API


def _anchor_delta(text: str) -> tuple[int, str] | None:
    m = _ANCHOR_PARSE.fullmatch(" ".join(text.lower().split()))
    if m is None:
        return None
    if m["fwd"]:
        return 1, "relative:following_day"
    if m["back"]:
        return -1, "relative:previous_day"
    if m["since"]:
        return 0, "relative:since_then"
    if m["n"]:
        n = int(parse_number("one" if m["n"] in ("a", "an") else m["n"]) or 0)
        n *= 7 if m["unit"].startswith("week") else 1
        if m["dir"] in ("earlier", "before", "prior", "previously"):
            return -n, "relative:days_earlier"
        return n, "relative:days_later"
    return 0, "relative:same_day"


def resolve_anchor(mention: DateMention, anchor: DateValue) -> DateValue:
    """Value of an anchor mention ("the following day") relative to ``anchor``.

    With a day-precision anchor the offset is applied; with a coarser anchor
    the mention takes the anchor's period (a day after "in November" is
    still, as far as we know, November).  Non-anchor mentions are returned
    unchanged.
    """
    found = _anchor_delta(mention.text) if mention.kind == "anchor" else None
    if found is None:
        return mention.value
    delta, method = found
    try:
        if anchor.precision == "day":
            return _dv(anchor.date + dt.timedelta(days=delta), "day", method)
    except OverflowError:
        pass
    return _dv(anchor.date, anchor.precision, method)


def find_dates(
    text: str, ref: DateValue | None = None, offset: int = 0, anchor: DateValue | None = None
) -> list[DateMention]:
    """Every date expression in ``text``, resolved; spans are ``offset``-shifted.

    Anchor expressions resolve against the nearest preceding date in
    ``text`` (the discourse anchor), else ``anchor``; with neither they take
    ``ref``'s value with method "relative:unanchored" (dropped when ``ref``
    is None too).  Never raises.
    """
    if not isinstance(text, str) or not text:
        return []
    out: list[DateMention] = []
    previous = anchor
    for start, end, value, kind in _select(_candidates(text, ref)):
        mention_text = text[start:end]
        if kind == "anchor":
            if previous is not None:
                probe = DateMention(start, end, mention_text, previous, kind)
                value = resolve_anchor(probe, previous)
            elif ref is not None:
                value = _dv(ref.date, ref.precision, "relative:unanchored")
            else:
                continue
        if value is None:
            continue
        # models.build: a frozen dataclass's __init__ sets each field through object.__setattr__.
        out.append(build(DateMention, {"start": start + offset, "end": end + offset, "text": mention_text,
                                       "value": value, "kind": kind}))
        if kind != "anchor" or previous is not None:
            previous = value
    return out


_DATELINE_LABEL = re.compile(r"^[\W_]*(?:(?:published|updated|posted|last\s+updated|date)\s*(?:on|at)?\s*:?\s*)?", re.I)
_RFC822 = re.compile(r"^(?:[A-Za-z]{3},\s*)?\d{1,2}\s+[A-Za-z]{3}\s+\d{2,4}\s+\d\d:\d\d")
_HAS_YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")


def parse_dateline(s: str) -> DateValue | None:
    """Publication date from a header line ("Nov 14, 2024", RFC 822, ISO 8601)."""
    if not isinstance(s, str):
        return None
    s = _DATELINE_LABEL.sub("", s.strip()[:200], count=1)
    if _RFC822.match(s):
        try:
            parsed = email.utils.parsedate_to_datetime(s)
            return _dv(parsed.date(), "day", "dateline")
        except (TypeError, ValueError, IndexError, OverflowError):
            pass
    for mention in find_dates(s):
        if mention.kind == "absolute" and 1900 <= mention.value.date.year <= 2100:
            return _dv(mention.value.date, mention.value.precision, "dateline")
    return _dateparser_fallback(s)


@lru_cache(maxsize=1)
def _date_data_parser():
    from dateparser.date import DateDataParser  # slow import (~1 s), rarely needed

    # period gives the precision the string supports ("Nov 2024" -> month).
    return DateDataParser(languages=["en"], settings={"PREFER_DAY_OF_MONTH": "first"})


def _dateparser_fallback(s: str) -> DateValue | None:
    # Only on short strings that name a year: elsewhere dateparser fills the
    # missing parts from today's date and "finds" dates that are not there.
    if len(s) > 80 or not _HAS_YEAR.search(s):
        return None
    try:
        data = _date_data_parser().get_date_data(s)
    except Exception:  # dateparser raises assorted errors on odd input; a dateline is optional
        return None
    if data is None or data.date_obj is None or not (1900 <= data.date_obj.year <= 2100):
        return None
    precision = data.period if data.period in _RANK else "day"  # "time" etc. -> day
    d = data.date_obj.date()
    d = dt.date(d.year, 1, 1) if precision == "year" else dt.date(d.year, d.month, 1) if precision == "month" else d
    return _dv(d, precision, "dateline")


def latest_reference(text: str, ref: DateValue | None = None) -> DateValue | None:
    """The latest absolute date the text names, with its precision.

    Used to date an undated article: its latest explicit reference bounds the
    publication date from below.  Relative and anchor mentions are ignored
    (they would be circular).  Dates before 1900 or more than a year after
    ``ref`` (default: today) are implausible and skipped.  Ties on the start
    date go to the finer precision.
    """
    horizon = (ref.date if ref else dt.date.today()) + dt.timedelta(days=366)
    best: DateValue | None = None
    for m in find_dates(text, ref=ref):
        v = m.value
        if m.kind != "absolute" or v.date.year < 1900 or v.date > horizon:
            continue
        if best is None or (v.date, -_RANK[v.precision]) > (best.date, -_RANK[best.precision]):
            best = v
    return _dv(best.date, best.precision, "latest_reference") if best else None


__all__ = ["DateMention", "date_spans", "find_dates", "latest_reference", "parse_dateline", "resolve_anchor"]
