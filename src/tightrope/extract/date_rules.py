"""Date patterns and the builders that turn their matches into values (for dates.py).

The patterns find candidate spans of date expressions (pre-compiled at import); each
builder resolves one match against the publication date ``ref`` by plain calendar
arithmetic.  dates.py scans texts with them and picks the mentions.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Callable, Iterator, NamedTuple

from tightrope.extract.numbers import load_vocab
from tightrope.models import DateValue, build


_V = load_vocab()
_MONTH_NUM = {n: i for i, (name, abbrs) in enumerate(_V["months"].items(), 1) for n in (name, *abbrs)}
_WEEKDAY_NUM = {w: i for i, w in enumerate(_V["weekdays"])}
_RANK = {"day": 0, "week": 1, "month": 2, "year": 3}


def _cased(words) -> str:
    """Capitalised or upper-case forms only: "may"/"march" the verbs are not months."""
    forms = {f(w) for w in words for f in (str.capitalize, str.upper)}
    return "|".join(sorted(forms, key=len, reverse=True))


_FULL = rf"(?:{_cased(_V['months'])})(?![A-Za-z])"
_MON = rf"(?:(?:{_cased(_V['months'])})|(?:{_cased(a for v in _V['months'].values() for a in v)})\.?)(?![A-Za-z])"
_MOD = r"(?i:early|mid|late)"
_DAY = r"(?P<d1>\d{1,2})(?:st|nd|rd|th)?(?:\s*(?:-|–|to|and)\s*(?P<d2>\d{1,2})(?:st|nd|rd|th)?)?(?![\w])"
_YEAR = r"(?P<year>\d{4})(?![\d])"
_PREPS = "in|since|during|until|till|by|from|through|throughout|before|after|of|between"
# "in 2024 people": a count, not a year.  A year followed by a plural noun
# (regular "-s" or an irregular one from the YAML) is rejected.
_NOT_PLURAL = "was|has|is|as|this|its|his|thus|whereas|plus|across|always|perhaps|less|unless"
_IRREGULAR = "|".join(_V["irregular_plurals"])

# Speed: a regex that starts with an assertion, an optional group or a
# case-insensitive letter makes `re` try every position (~0.1-0.3 ms per
# pattern on a 1,000-word article).  So texts are scanned only for cheap
# literal-led triggers (digit runs, capitalised month and weekday names,
# lower-cased relative phrases); the full patterns are then tried with
# .match() at each trigger, and words before it ("since", "early", "in")
# are read backwards with the *_TAIL regexes over a short window.
_DIGIT_RUN = re.compile(r"\d\d*")  # not \d+: a pattern opening with a repeat gets no first-character skip in re
# Flat literal alternation (a nested one defeats the fast scan); _MON checks the rest.
_MONTH_TRIGGER = re.compile(_cased([n for name, abbrs in _V["months"].items() for n in (name, *abbrs)]))
_WEEKDAY_TRIGGER = re.compile(rf"(?:{_cased(_V['weekdays'])})(?![A-Za-z])(?!,?\s+(?:{_MON}|\d))")

_ISO = re.compile(
    r"(?<![\d-])(?P<y>\d{4})-(?P<m>\d\d)-(?P<d>\d\d)"
    r"(?:[T ]\d\d:\d\d(?::\d\d(?:\.\d+)?)?(?:Z|[+-]\d\d:?\d\d)?)?(?![\d])"
)
_SLASH = re.compile(r"(?<![\d/])(?P<a>\d{1,2})/(?P<b>\d{1,2})/(?P<y>\d{4})(?![\d/])")
_DMY = re.compile(rf"(?<![\w.,/-]){_DAY}\s+(?:of\s+)?(?P<mon>{_MON})(?:,?\s+{_YEAR})?")
_YEAR_ALONE = re.compile(
    r"(?<![\w.,/])(?P<year>(?:19|20)\d\d)(?![\w/]|-\d|\s*%|\s+(?i:per\s*cent|percent))"
    rf"(?!\s+(?:(?!(?:{_NOT_PLURAL})\b)[a-z]{{2,}}s|{_IRREGULAR})\b)"
)
_MDY = re.compile(rf"(?<![A-Za-z])(?P<mon>{_MON})\s+{_DAY}(?:,?\s+{_YEAR})?")
_MONTH_YEAR = re.compile(rf"(?<![A-Za-z])(?P<mon>{_MON}),?\s+{_YEAR}")
_MONTH_LIST = re.compile(
    rf"(?<![A-Za-z])(?P<list>{_FULL}(?:(?:\s*,\s*|\s*,?\s+(?:and|or|to|through|until)\s+|\s*[-–]\s*)"
    rf"(?:{_MOD}[\s-]+)?{_FULL})*)(?:,?\s+{_YEAR})?(?![\s,]*\d)"
)
_MONTH_IN_LIST = re.compile(_FULL)

_SINCE_MOD_TAIL = re.compile(r"(?<![a-z])(?:(?P<since>since)\s+)?(?P<mod>(?:early|mid|late)[\s-]+)?\Z")
_LIST_TAIL = re.compile(
    rf"(?<![a-z])(?P<prep>{_PREPS}|last|this|next|early|mid|late)[\s-]+(?P<mod>(?:early|mid|late)[\s-]+)?\Z"
)
_YEAR_TAIL = re.compile(rf"(?<![a-z])(?:(?P<prep>{_PREPS})\s+(?P<mod>(?:early|mid|late)[\s-]+)?|(?P<mod2>early|mid|late)-)\Z")
_WEEKDAY_TAIL = re.compile(r"(?<![a-z])(?P<pre>last|this|next|early|late)\s+\Z")
_TAIL_WINDOW = 32

# Relative and anchor phrases, scanned on the lower-cased text.  Every
# alternative starts with a literal letter (see "Speed" above).
_UNIT = r"(?:week|month|year)(?!\s+of\b)"
_PART = r"(?:day|morning|afternoon|evening|night)"
_RELATIVE = re.compile(
    "(?:" + "|".join([
        r"the\s+day\s+before\s+yesterday", r"the\s+(?:past|last|previous)\s+(?:week|seven\s+days|7\s+days)(?!\s+of\b)",
        r"the\s+(?:past|last)\s+(?:few|several)\s+days", r"yesterday", r"last\s+night", rf"last\s+{_UNIT}",
        rf"next\s+{_UNIT}", r"earlier\s+today", r"later\s+today", r"today", r"tonight", r"tomorrow",
        r"earlier\s+this\s+(?:week|month|year)", r"this\s+(?:morning|afternoon|evening|week|month|year)",
        r"in\s+recent\s+days", r"in\s+the\s+(?:past|last)\s+(?:few\s+|several\s+)?days",
        r"over\s+the\s+(?:past|last)\s+(?:few\s+|several\s+)?days",
    ]) + r")(?![a-z])"
)
_RELATIVE_GATE = ("yesterday", "today", "tonight", "tomorrow", "night", "week", "month", "year", "days", "morning",
                  "afternoon", "evening")
_N_WORDS = ("a", "an", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")
# "after"/"before" only at the end of a clause: "a day after the strike" and
# "the day before the vote" point at the event named next, not at the
# previous date in discourse.
_CLAUSE_END = r"(?=\s*(?:[.,;:)!?]|\Z))"
_N_REST = rf"\s+(?:days?|weeks?)\s+(?:later|afterwards|earlier|prior|previously|(?:after|before){_CLAUSE_END})"
_ANCHOR = re.compile(
    "(?:" + "|".join([
        rf"the\s+(?:following|next)\s+{_PART}", rf"the\s+day\s+after{_CLAUSE_END}",
        r"the\s+(?:previous|preceding)\s+(?:day|night|evening)", rf"the\s+(?:day|night|evening)\s+before{_CLAUSE_END}",
        rf"the\s+same\s+{_PART}", rf"that\s+{_PART}", rf"later\s+(?:that|the\s+same)\s+{_PART}",
        rf"earlier\s+(?:that|the\s+same)\s+{_PART}", r"hours\s+(?:later|earlier)", r"since\s+then",
        *(w + _N_REST for w in _N_WORDS),
    ]) + r")(?![a-z])"
)
_ANCHOR_DIGITS = re.compile(r"(?<![\w.,])\d{1,2}" + _N_REST + r"(?![a-z])", re.IGNORECASE)
_ANCHOR_GATE = ("day", "night", "morning", "evening", "afternoon", "then", "week", "hours")
# Classifies an anchor phrase (full match on the lower-cased mention text).
_ANCHOR_PARSE = re.compile(
    rf"(?P<fwd>the\s+(?:following|next)\s+{_PART}|the\s+day\s+after)"
    rf"|(?P<n>{'|'.join(_N_WORDS)}|\d{{1,2}})\s+(?P<unit>days?|weeks?)\s+(?P<dir>\w+)"
    r"|(?P<back>the\s+(?:previous|preceding)\s+\w+|the\s+\w+\s+before)|(?P<since>since\s+then)|(?P<same>.+)"
)

Built = tuple[int, int, DateValue | None, str]  # local start, end, value (None: anchor), kind


# ---------------------------------------------------------------- calendar helpers


def _dv(d: dt.date, precision: str, method: str) -> DateValue:
    # models.build: a frozen dataclass's __init__ sets each field through object.__setattr__.
    return build(DateValue, {"date": d, "precision": precision, "method": method})


def _monday(d: dt.date) -> dt.date:
    return d - dt.timedelta(days=d.weekday())


def _add_months(d: dt.date, k: int) -> dt.date:
    y, m = divmod(d.year * 12 + d.month - 1 + k, 12)
    return dt.date(y, m + 1, 1)


def _fits(ref: DateValue, precision: str) -> bool:
    """Whether ``ref`` is fine enough to compute a value of ``precision``."""
    return _RANK[ref.precision] <= _RANK[precision]


def _relative(ref: DateValue, precision: str, method: str, compute: Callable[[dt.date], dt.date]) -> DateValue:
    """Compute from ref when ref is precise enough; otherwise fall back to ref's own period."""
    if _fits(ref, precision):
        return _dv(compute(ref.date), precision, method)
    return _dv(ref.date, ref.precision, method)


def _as_week(value: DateValue, ref: DateValue) -> DateValue:
    """A week computed from a day-precision ref gets week precision."""
    return _dv(value.date, "week", value.method) if _fits(ref, "day") else value


def _month_year(mon: int, ref: DateValue, when: str) -> int:
    """Year of a month named without one: most recent on/before ref ("last": strictly before)."""
    y, rm = ref.date.year, ref.date.month
    if when == "next":
        return y if mon > rm else y + 1
    if when == "this" or ref.precision == "year":
        return y
    return y if (mon < rm or (mon == rm and when != "last")) else y - 1


def _mon(s: str) -> int:
    return _MONTH_NUM[s.rstrip(".").lower()]


# ---------------------------------------------------------------- builders


class _Scan(NamedTuple):
    text: str
    low: str  # lower-cased, same length as text
    ref: DateValue | None
    base: int = 0  # where the scanned sentence starts in text (prescan_dates: text is the document)

    def tail(self, regex: re.Pattern, pos: int) -> re.Match | None:
        """``regex`` ending exactly at ``pos`` (the words just before a trigger)."""
        return regex.search(self.low, max(self.base, pos - _TAIL_WINDOW), pos)


def _b_iso(sc: _Scan, m: re.Match) -> Iterator[Built]:
    yield m.start(), m.end(), _dv(dt.date(int(m["y"]), int(m["m"]), int(m["d"])), "day", "absolute"), "absolute"


def _b_slash(sc: _Scan, m: re.Match) -> Iterator[Built]:
    a, b, y = int(m["a"]), int(m["b"]), int(m["y"])
    if a > 12 >= b:  # only day-first can be right: 17/10/2023
        d = dt.date(y, b, a)
    elif b > 12 >= a or a == b:  # only month-first (10/17/2023), or both readings agree
        d = dt.date(y, a, b)
    else:  # 05/06/2023: ambiguous between conventions, skip
        return
    yield m.start(), m.end(), _dv(d, "day", "absolute"), "absolute"


def _b_day_month(sc: _Scan, m: re.Match) -> Iterator[Built]:
    mon, d1, ref = _mon(m["mon"]), int(m["d1"]), sc.ref
    d2 = int(m["d2"]) if m["d2"] else None
    if m["year"]:
        year, kind, method = int(m["year"]), "absolute", "absolute"
    elif ref is not None:  # no year: the most recent such day on/before ref
        year, kind, method = ref.date.year, "relative", "relative:month_day"
        if ref.precision == "day" and (mon, d1) > (ref.date.month, ref.date.day):
            year -= 1
        elif ref.precision in ("week", "month") and mon > ref.date.month:
            year -= 1
    else:
        return
    precision = "day"
    if d2 is not None and d2 > d1:  # "October 1-3": the range's first day, coarser precision
        dt.date(year, mon, d2)  # validates the range end
        precision, method = ("week" if d2 - d1 < 7 else "month"), method + ":range"
    d = dt.date(year, mon, d1) if precision != "month" else dt.date(year, mon, 1)
    yield m.start(), m.end(), _dv(d, precision, method), kind


def _b_month_year(sc: _Scan, m: re.Match) -> Iterator[Built]:
    pre = sc.tail(_SINCE_MOD_TAIL, m.start())
    start = pre.start() if pre else m.start()
    method = "absolute:since" if pre and pre["since"] else "absolute"
    yield start, m.end(), _dv(dt.date(int(m["year"]), _mon(m["mon"]), 1), "month", method), "absolute"


def _b_month_list(sc: _Scan, m: re.Match) -> Iterator[Built]:
    pre = sc.tail(_LIST_TAIL, m.start())
    if pre is None:  # a bare month name is a date only after a preposition ("in May")
        return
    prep, ref = pre["prep"], sc.ref
    first_start = pre.start() if prep in ("since", "last", "this", "next", "early", "mid", "late") else (
        pre.start("mod") if pre["mod"] else m.start()
    )
    when = prep if prep in ("last", "this", "next") else ""
    method = {"since": "relative:since", "last": "relative:last_month_name", "next": "relative:next_month_name"}
    for i, mm in enumerate(_MONTH_IN_LIST.finditer(sc.text, m.start("list"), m.end("list"))):
        start, mon = (first_start if i == 0 else mm.start()), _mon(mm.group())
        if m["year"]:
            value = _dv(dt.date(int(m["year"]), mon, 1), "month", "absolute:since" if prep == "since" else "absolute")
            yield start, mm.end(), value, "absolute"
        elif ref is not None:
            compute = lambda _d, mon=mon: dt.date(_month_year(mon, ref, when), mon, 1)  # noqa: E731
            yield start, mm.end(), _relative(ref, "month", method.get(prep, "relative:month_name"), compute), "relative"


def _b_year(sc: _Scan, m: re.Match) -> Iterator[Built]:
    pre = sc.tail(_YEAR_TAIL, m.start())
    if pre is None:  # "in 2024", "since 2023", "mid-2023"; never a bare number
        return
    since = pre["prep"] == "since"
    start = pre.start() if since or pre["mod2"] else pre.start("mod") if pre["mod"] else m.start()
    method = "absolute:since" if since else "absolute"
    yield start, m.end(), _dv(dt.date(int(m["year"]), 1, 1), "year", method), "absolute"


def _b_weekday(sc: _Scan, m: re.Match) -> Iterator[Built]:
    if sc.ref is None:
        return
    wd = _WEEKDAY_NUM[m.group().lower()]
    pre = sc.tail(_WEEKDAY_TAIL, m.start())
    when = pre["pre"] if pre else ""

    def compute(d: dt.date) -> dt.date:
        if when == "next":
            return d + dt.timedelta(days=(wd - d.weekday() - 1) % 7 + 1)
        back = (d.weekday() - wd) % 7  # "on Sunday": the most recent Sunday on/before ref
        return d - dt.timedelta(days=back or (7 if when == "last" else 0))

    method = {"last": "relative:last_weekday", "next": "relative:next_weekday"}.get(when, "relative:weekday")
    yield (pre.start() if pre else m.start()), m.end(), _relative(sc.ref, "day", method, compute), "relative"


_DAY_OFFSETS = {"the day before yesterday": (-2, "day_before_yesterday"), "yesterday": (-1, "yesterday"),
                "last night": (-1, "yesterday"), "tomorrow": (1, "tomorrow")}


def _b_relative(sc: _Scan, m: re.Match) -> Iterator[Built]:
    ref, words = sc.ref, m.group().split()
    if ref is None:
        return
    phrase = " ".join(words)
    if phrase in _DAY_OFFSETS or words[-1] in ("today", "tonight", "morning", "afternoon", "evening"):
        delta, name = _DAY_OFFSETS.get(phrase, (0, "today"))
        value = _relative(ref, "day", f"relative:{name}", lambda d: d + dt.timedelta(days=delta))
    elif words[0] != "the" and words[-1] in ("week", "month", "year"):  # (earlier) this / last / next
        unit, step = words[-1], {"last": -1, "next": 1}.get(words[-2], 0)
        compute = {
            "week": lambda d: _monday(d) + dt.timedelta(weeks=step),
            "month": lambda d: _add_months(d, step),
            "year": lambda d: dt.date(d.year + step, 1, 1),
        }[unit]
        name = {0: "this", -1: "last", 1: "next"}[step]
        value = _relative(ref, "day" if unit == "week" else unit, f"relative:{name}_{unit}", compute)
        value = _as_week(value, ref) if unit == "week" else value
    else:  # "the past week", "the past seven days"; "in recent days" is read as the past week too
        vague = words[-1] == "days" and words[-2] not in ("seven", "7")
        name = "relative:recent_days" if vague else "relative:past_week"
        value = _as_week(_relative(ref, "day", name, lambda d: d - dt.timedelta(days=7)), ref)
    yield m.start(), m.end(), value, "relative"


def _b_anchor(sc: _Scan, m: re.Match) -> Iterator[Built]:
    yield m.start(), m.end(), None, "anchor"


Builder = Callable[[_Scan, re.Match], Iterator[Built]]
# (trigger scanned over the text, patterns tried with .match at each trigger)
_TRIGGERED: tuple[tuple[re.Pattern, tuple[tuple[re.Pattern, Builder], ...]], ...] = (
    (_DIGIT_RUN, ((_ISO, _b_iso), (_SLASH, _b_slash), (_DMY, _b_day_month), (_YEAR_ALONE, _b_year),
                  (_ANCHOR_DIGITS, _b_anchor))),
    (_MONTH_TRIGGER, ((_MDY, _b_day_month), (_MONTH_YEAR, _b_month_year), (_MONTH_LIST, _b_month_list))),
    (_WEEKDAY_TRIGGER, ((_WEEKDAY_TRIGGER, _b_weekday),)),
)
# (words one of which must occur, pattern scanned over the lower-cased text)
_SCANNED: tuple[tuple[tuple[str, ...], re.Pattern, Builder], ...] = (
    (_RELATIVE_GATE, _RELATIVE, _b_relative),
    (_ANCHOR_GATE, _ANCHOR, _b_anchor),
)
