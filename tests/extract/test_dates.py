"""Tests for tightrope.extract.dates: finding, resolving and anchoring dates."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tightrope.extract.dates import (
    DateMention,
    date_spans,
    find_dates,
    latest_reference,
    parse_dateline,
    resolve_anchor,
)
from tightrope.models import DateValue

D = dt.date
# Thursday 14 November 2024: the publication date most cases resolve against.
REF = DateValue(D(2024, 11, 14), "day", "dateline")
REF_MONTH = DateValue(D(2024, 11, 1), "month", "latest_reference")


def _one(text: str, ref: DateValue | None = REF, **kw) -> DateMention:
    found = find_dates(text, ref, **kw)
    assert len(found) == 1, found
    return found[0]


# (text, mention text, date, precision, method, kind)
SINGLE = [
    ("October 17, 2023", "October 17, 2023", D(2023, 10, 17), "day", "absolute", "absolute"),
    ("17 October 2023", "17 October 2023", D(2023, 10, 17), "day", "absolute", "absolute"),
    ("Oct. 17, 2023", "Oct. 17, 2023", D(2023, 10, 17), "day", "absolute", "absolute"),
    ("Sept. 3, 2024", "Sept. 3, 2024", D(2024, 9, 3), "day", "absolute", "absolute"),
    ("on the 17th of October 2023", "17th of October 2023", D(2023, 10, 17), "day", "absolute", "absolute"),
    ("2023-10-17", "2023-10-17", D(2023, 10, 17), "day", "absolute", "absolute"),
    ("at 2024-11-14T09:00:00Z", "2024-11-14T09:00:00Z", D(2024, 11, 14), "day", "absolute", "absolute"),
    ("17/10/2023", "17/10/2023", D(2023, 10, 17), "day", "absolute", "absolute"),
    ("10/17/2023", "10/17/2023", D(2023, 10, 17), "day", "absolute", "absolute"),
    ("on Sunday", "Sunday", D(2024, 11, 10), "day", "relative:weekday", "relative"),
    ("on Thursday", "Thursday", D(2024, 11, 14), "day", "relative:weekday", "relative"),
    ("last Thursday", "last Thursday", D(2024, 11, 7), "day", "relative:last_weekday", "relative"),
    ("next Monday", "next Monday", D(2024, 11, 18), "day", "relative:next_weekday", "relative"),
    ("yesterday", "yesterday", D(2024, 11, 13), "day", "relative:yesterday", "relative"),
    ("Yesterday", "Yesterday", D(2024, 11, 13), "day", "relative:yesterday", "relative"),
    ("last night", "last night", D(2024, 11, 13), "day", "relative:yesterday", "relative"),
    ("today", "today", D(2024, 11, 14), "day", "relative:today", "relative"),
    ("earlier today", "earlier today", D(2024, 11, 14), "day", "relative:today", "relative"),
    ("this morning", "this morning", D(2024, 11, 14), "day", "relative:today", "relative"),
    ("the day before yesterday", "the day before yesterday", D(2024, 11, 12), "day",
     "relative:day_before_yesterday", "relative"),
    ("last week", "last week", D(2024, 11, 4), "week", "relative:last_week", "relative"),
    ("earlier this week", "earlier this week", D(2024, 11, 11), "week", "relative:this_week", "relative"),
    ("the past week", "the past week", D(2024, 11, 7), "week", "relative:past_week", "relative"),
    ("over the past seven days", "the past seven days", D(2024, 11, 7), "week", "relative:past_week", "relative"),
    ("in recent days", "in recent days", D(2024, 11, 7), "week", "relative:recent_days", "relative"),
    ("in the past few days", "in the past few days", D(2024, 11, 7), "week", "relative:recent_days", "relative"),
    ("last month", "last month", D(2024, 10, 1), "month", "relative:last_month", "relative"),
    ("earlier this month", "earlier this month", D(2024, 11, 1), "month", "relative:this_month", "relative"),
    ("last year", "last year", D(2023, 1, 1), "year", "relative:last_year", "relative"),
    ("in October 2024", "October 2024", D(2024, 10, 1), "month", "absolute", "absolute"),
    ("October 2024", "October 2024", D(2024, 10, 1), "month", "absolute", "absolute"),
    ("in November 2024", "November 2024", D(2024, 11, 1), "month", "absolute", "absolute"),
    ("Nov 2024", "Nov 2024", D(2024, 11, 1), "month", "absolute", "absolute"),
    ("in late October 2023", "late October 2023", D(2023, 10, 1), "month", "absolute", "absolute"),
    ("since October 2023", "since October 2023", D(2023, 10, 1), "month", "absolute:since", "absolute"),
    ("last September", "last September", D(2024, 9, 1), "month", "relative:last_month_name", "relative"),
    ("in September", "September", D(2024, 9, 1), "month", "relative:month_name", "relative"),
    ("since early November", "since early November", D(2024, 11, 1), "month", "relative:since", "relative"),
    ("in early November", "early November", D(2024, 11, 1), "month", "relative:month_name", "relative"),
    ("in December", "December", D(2023, 12, 1), "month", "relative:month_name", "relative"),
    ("on October 17", "October 17", D(2024, 10, 17), "day", "relative:month_day", "relative"),
    ("on December 1", "December 1", D(2023, 12, 1), "day", "relative:month_day", "relative"),
    ("in 2024", "2024", D(2024, 1, 1), "year", "absolute", "absolute"),
    ("since 2023", "since 2023", D(2023, 1, 1), "year", "absolute:since", "absolute"),
    ("in early 2024", "early 2024", D(2024, 1, 1), "year", "absolute", "absolute"),
    ("since mid-2023", "since mid-2023", D(2023, 1, 1), "year", "absolute:since", "absolute"),
    ("October 1-3, 2024", "October 1-3, 2024", D(2024, 10, 1), "week", "absolute:range", "absolute"),
]


@pytest.mark.parametrize("text, span, date, precision, method, kind", SINGLE)
def test_single_expression(text, span, date, precision, method, kind):
    m = _one(text)
    assert (m.text, m.value.date, m.value.precision, m.value.method, m.kind) == (
        span, date, precision, method, kind,
    )
    assert text[m.start : m.end] == m.text


@pytest.mark.parametrize(
    "text",
    [
        "05/06/2023",  # day-first or month-first: ambiguous, skipped
        "2024 people were displaced",  # a count, not a year
        "In 2024 people fled",
        "the 2024",  # no preposition: not a year mention
        "they may march",  # verbs, not months
        "an F-16 crashed",
        "February 30, 2024",  # not a date
        "20 percent in 2024%",
        "the 1990s",
        "",
    ],
)
def test_non_dates(text):
    assert [m.text for m in find_dates(text, REF) if m.kind == "absolute"] == []


def test_month_list_gives_one_mention_per_month():
    found = find_dates("Strikes in April and October hit the port.", REF)
    assert [(m.text, m.value.date, m.value.precision) for m in found] == [
        ("April", D(2024, 4, 1), "month"),
        ("October", D(2024, 10, 1), "month"),
    ]


def test_month_list_takes_the_most_recent_months_not_after_ref():
    ref = DateValue(D(2024, 3, 5), "day", "dateline")
    found = find_dates("in April and October", ref)
    assert [m.value.date for m in found] == [D(2023, 4, 1), D(2023, 10, 1)]


def test_month_list_with_year_is_absolute():
    found = find_dates("between April and early May 2023", REF)
    assert [(m.text, m.value.iso(), m.kind) for m in found] == [
        ("April", "2023-04", "absolute"),
        ("early May 2023", "2023-05", "absolute"),
    ]


@pytest.mark.parametrize(
    "ref_day, expected",
    [(D(2024, 10, 2), D(2024, 9, 1)), (D(2024, 9, 20), D(2023, 9, 1)), (D(2024, 2, 1), D(2023, 9, 1))],
)
def test_last_month_name_is_strictly_before_ref_month(ref_day, expected):
    assert _one("last September", DateValue(ref_day, "day", "dateline")).value.date == expected


def test_weekday_before_absolute_date_is_not_a_second_mention():
    assert [m.text for m in find_dates("Sunday, October 17, 2023", REF)] == ["October 17, 2023"]


def test_last_week_of_a_month_is_not_last_week():
    assert [m.text for m in find_dates("the last week of October", REF)] == ["October"]


def test_relative_needs_ref():
    found = find_dates("Yesterday, on Sunday, last month, in April, the next day, and on October 17, 2023.", None)
    assert [(m.text, m.kind) for m in found] == [("October 17, 2023", "absolute")]


@pytest.mark.parametrize(
    "text, date, precision",
    [
        ("yesterday", D(2024, 11, 1), "month"),  # ref too coarse: ref's own period
        ("on Sunday", D(2024, 11, 1), "month"),
        ("last week", D(2024, 11, 1), "month"),
        ("last month", D(2024, 10, 1), "month"),  # computable from a month ref
        ("last September", D(2024, 9, 1), "month"),
        ("in December", D(2023, 12, 1), "month"),
        ("last year", D(2023, 1, 1), "year"),
    ],
)
def test_month_precision_ref(text, date, precision):
    m = _one(text, REF_MONTH)
    assert (m.value.date, m.value.precision) == (date, precision)


# ---------------------------------------------------------------- anchors

ANCHORS = [
    ("the following day", D(2024, 3, 2), "relative:following_day"),
    ("The next day", D(2024, 3, 2), "relative:following_day"),
    ("the next morning", D(2024, 3, 2), "relative:following_day"),
    ("the day after", D(2024, 3, 2), "relative:following_day"),
    ("a day later", D(2024, 3, 2), "relative:days_later"),
    ("two days later", D(2024, 3, 3), "relative:days_later"),
    ("3 days later", D(2024, 3, 4), "relative:days_later"),
    ("a week later", D(2024, 3, 8), "relative:days_later"),
    ("two days earlier", D(2024, 2, 28), "relative:days_earlier"),
    ("the day before", D(2024, 2, 29), "relative:previous_day"),
    ("the previous day", D(2024, 2, 29), "relative:previous_day"),
    ("later that day", D(2024, 3, 1), "relative:same_day"),
    ("hours later", D(2024, 3, 1), "relative:same_day"),
    ("since then", D(2024, 3, 1), "relative:since_then"),
]
ANCHOR_DATE = DateValue(D(2024, 3, 1), "day", "absolute")


@pytest.mark.parametrize("text, date, method", ANCHORS)
def test_anchor_resolves_against_given_anchor(text, date, method):
    m = _one(text, REF, anchor=ANCHOR_DATE)
    assert (m.kind, m.text, m.value.date, m.value.precision, m.value.method) == ("anchor", text, date, "day", method)


@pytest.mark.parametrize("text, date, method", ANCHORS)
def test_anchor_without_anchor_is_unanchored(text, date, method):
    m = _one(text, REF)
    assert (m.kind, m.value.date, m.value.method) == ("anchor", REF.date, "relative:unanchored")
    assert resolve_anchor(m, ANCHOR_DATE) == DateValue(date, "day", method)


@pytest.mark.parametrize(
    "text", ["a day after Hezbollah fired rockets", "the day before the vote", "two days before the election"]
)
def test_after_or_before_a_noun_phrase_is_not_an_anchor(text):
    # "a day after X" dates the event by X, named next, not by the previous date.
    assert find_dates(text, REF, anchor=ANCHOR_DATE) == []


@pytest.mark.parametrize("text", ["It happened a day after.", "They had voted the day before, he said."])
def test_after_or_before_at_clause_end_is_an_anchor(text):
    assert _one(text, REF, anchor=ANCHOR_DATE).kind == "anchor"


def test_anchor_without_anchor_or_ref_is_dropped():
    assert find_dates("the following day", None) == []


def test_anchor_chains_on_previous_dates_in_the_text():
    found = find_dates("On Monday, X. The next day Y. Two days later Z.", REF)
    assert [(m.text, m.value.date, m.kind) for m in found] == [
        ("Monday", D(2024, 11, 11), "relative"),
        ("The next day", D(2024, 11, 12), "anchor"),
        ("Two days later", D(2024, 11, 14), "anchor"),
    ]


def test_anchor_on_coarse_anchor_keeps_its_period():
    m = _one("the following day", REF, anchor=DateValue(D(2024, 11, 1), "month", "absolute"))
    assert (m.value.date, m.value.precision, m.value.method) == (D(2024, 11, 1), "month", "relative:following_day")


def test_resolve_anchor_leaves_non_anchors_alone():
    m = _one("October 17, 2023")
    assert resolve_anchor(m, ANCHOR_DATE) is m.value


def test_the_day_before_yesterday_is_not_an_anchor():
    assert _one("the day before yesterday").kind == "relative"


# ---------------------------------------------------------------- offsets and spans


def test_offset_shifts_spans():
    text = "Fighting resumed on October 17, 2023 near the border."
    plain, shifted = find_dates(text, REF), find_dates(text, REF, offset=100)
    assert [(m.start + 100, m.end + 100) for m in plain] == [(m.start, m.end) for m in shifted]
    assert all(text[m.start - 100 : m.end - 100] == m.text for m in shifted)


def test_date_spans_cover_dates_and_anchors_but_not_counts():
    text = "In 2024 people fled; on October 17, 2023 and two days later, 5 died in 2022."
    spans = [text[s:e] for s, e in date_spans(text)]
    assert "October 17, 2023" in spans and "two days later" in spans and "2022" in spans
    assert not any("people" in s or s == "5" for s in spans)


# ---------------------------------------------------------------- datelines

DATELINES = [
    ("Nov 14, 2024", D(2024, 11, 14), "day"),
    ("- Nov 14, 2024", D(2024, 11, 14), "day"),
    ("14 November 2024", D(2024, 11, 14), "day"),
    ("Published: 14 November 2024 09:12 GMT", D(2024, 11, 14), "day"),
    ("2024-11-14T09:00:00Z", D(2024, 11, 14), "day"),
    ("2024-11-14T23:30:00-05:00", D(2024, 11, 14), "day"),  # the date as written, not UTC
    ("Thu, 08 Feb 2024 09:00:00 GMT", D(2024, 2, 8), "day"),
    ("Thu, 08 Feb 2024 09:00:00 +0000", D(2024, 2, 8), "day"),
    ("Updated November 2024", D(2024, 11, 1), "month"),
    ("14.11.2024", D(2024, 11, 14), "day"),  # dateparser fallback
]


@pytest.mark.parametrize("line, date, precision", DATELINES)
def test_parse_dateline(line, date, precision):
    assert parse_dateline(line) == DateValue(date, precision, "dateline")


@pytest.mark.parametrize("line", ["", "   ", "Sunday", "yesterday", "By our correspondent", "Page 12", "x" * 5000])
def test_parse_dateline_rejects_non_dates(line):
    assert parse_dateline(line) is None


# ---------------------------------------------------------------- latest reference


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Fighting began on October 4, 2024. In November 2024 it spread.", DateValue(D(2024, 11, 1), "month", "latest_reference")),
        ("Talks in November 2024 failed; on November 14, 2024 shelling resumed.", DateValue(D(2024, 11, 14), "day", "latest_reference")),
        ("Since 2023 the group has grown; on October 4, 2024 it struck.", DateValue(D(2024, 10, 4), "day", "latest_reference")),
        ("Attacks in 2025 followed the December 2024 truce.", DateValue(D(2025, 1, 1), "year", "latest_reference")),
        ("Yesterday and last week the army attacked.", None),  # relative only
        ("The war of 1812 and the treaty of 1066.", None),
        ("", None),
    ],
)
def test_latest_reference(text, expected):
    assert latest_reference(text) == expected


def test_latest_reference_ignores_far_future():
    ref = DateValue(D(2024, 11, 14), "day", "crawl")
    text = "Elections are due in 2027; the strike was on October 4, 2024."
    assert latest_reference(text, ref) == DateValue(D(2024, 10, 4), "day", "latest_reference")


# ---------------------------------------------------------------- robustness and speed

DATE_WORDS = st.sampled_from(
    ["October", "17", ",", "2023", "Oct.", "in", "since", "early", "last", "the", "following", "day", "Sunday",
     "2024-11-14", "17/10/2023", "yesterday", "week", "two", "days", "later", "May", "-", "mid", "1-3", "of", "\n",
     "İ", "ß", "\u00a0", "99/99/9999", "0000-00-00", "9999", "31", "February", "30"]
)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(), st.lists(DATE_WORDS, max_size=25).map(" ".join)), st.integers(0, 10_000))
def test_find_dates_never_raises_and_spans_are_exact(text, offset):
    for ref in (REF, REF_MONTH, None):
        for m in find_dates(text, ref, offset=offset, anchor=ANCHOR_DATE if offset % 2 else None):
            assert 0 <= m.start - offset < m.end - offset <= len(text)
            assert text[m.start - offset : m.end - offset] == m.text
            assert m.kind in ("absolute", "relative", "anchor")
            assert m.value.precision in ("day", "week", "month", "year")
    parse_dateline(text)
    latest_reference(text)


@pytest.mark.parametrize("bad", [None, 42, b"October 17, 2023"])
def test_non_string_input(bad):
    assert find_dates(bad, REF) == []  # type: ignore[arg-type]
    assert parse_dateline(bad) is None  # type: ignore[arg-type]
    assert date_spans(bad) == []  # type: ignore[arg-type]


def _article(words: int, with_dates: bool) -> str:
    filler = ("The army said fighters attacked a position near the border while officials in the capital "
              "condemned the strike that killed 12 people and wounded 30 residents of the village. ").split()
    text = " ".join(filler[i % len(filler)] for i in range(words))
    if with_dates:
        text += " On Sunday, October 17, 2023, the following day, since early November, last week, in 2024."
    return text


def test_long_article_is_scanned_completely():
    """Speed is measured by bench/ (no timing assertions here); this checks long input end to end."""
    text = _article(1000, True)
    found = find_dates(text, REF)
    assert any(m.text == "October 17, 2023" for m in found)
    assert all(text[m.start:m.end] == m.text for m in found)
