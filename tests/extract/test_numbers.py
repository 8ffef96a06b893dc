"""Tests for tightrope.extract.numbers: parsing, finding and ACLED fatality coding."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tightrope.extract.numbers import NumberMention, acled_fatalities, find_numbers, parse_number

ONES = ("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
        "sixteen seventeen eighteen nineteen").split()
TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()


def to_words(n: int, joiner: str = "-", use_and: bool = True) -> str:
    """0..999 in English words: the independent oracle for the round-trip test."""
    if n < 20:
        return ONES[n]
    if n < 100:
        return TENS[n // 10] + (joiner + ONES[n % 10] if n % 10 else "")
    rest = n % 100
    head = ONES[n // 100] + " hundred"
    return head if not rest else head + (" and " if use_and else " ") + to_words(rest, joiner, use_and)


# ---------------------------------------------------------------- parse_number


@pytest.mark.parametrize(
    "text, value",
    [
        ("two", 2), ("Two", 2), ("nine", 9), ("twenty-one", 21), ("seventy five", 75), ("one hundred and five", 105),
        ("one thousand two hundred", 1200), ("fifteen hundred", 1500), ("two million five hundred thousand", 2_500_000),
        ("a dozen", 12), ("two dozen", 24), ("a hundred", 100), ("a thousand", 1000), ("zero", 0),
        ("1,200", 1200), ("3.5", 3.5), ("2 million", 2_000_000), ("1.5 billion", 1_500_000_000), ("1.5bn", 1.5e9),
        ("3 dozen", 36), ("  42 ", 42), ("-7", -7), ("1,000,000", 1_000_000),
    ],
)
def test_parse_number(text, value):
    assert parse_number(text) == value


@pytest.mark.parametrize(
    "text",
    ["hundreds", "dozens", "several", "many", "", "   ", "first", "3rd", "two three", "twenty thirty", "hundred",
     "and", "a", "one and", "zero zero", "1,20", "1,2345", "12abc", "million", "abc", "seven fronts"],
)
def test_parse_number_rejects(text):
    assert parse_number(text) is None


@given(st.integers(-(2**53), 2**53))
def test_parse_number_round_trips_ints(n):
    assert parse_number(str(n)) == n
    if n >= 0:
        assert parse_number(f"{n:,}") == n


@given(st.integers(0, 999), st.sampled_from(["-", " "]), st.booleans(), st.booleans())
def test_parse_number_round_trips_words(n, joiner, use_and, title):
    words = to_words(n, joiner, use_and)
    assert parse_number(words.title() if title else words) == n


@given(st.integers(1, 999))
def test_find_numbers_finds_spelled_out_numbers_in_a_sentence(n):
    words = to_words(n)
    text = f"Officials said {words} soldiers were killed."
    found = find_numbers(text)
    assert [(m.text, m.value) for m in found] == [(words, n)]


# ---------------------------------------------------------------- find_numbers

# (text, [(mention text, value, approximate, vague)])
FIND = [
    ("seven fronts", [("seven", 7, False, False)]),
    ("approximately five soldiers", [("approximately five", 5, True, False)]),
    ("about 20 civilians", [("about 20", 20, True, False)]),
    ("more than 150 people", [("more than 150", 150, True, False)]),
    ("nearly 3,000 displaced", [("nearly 3,000", 3000, True, False)]),
    ("some 40 fighters", [("some 40", 40, True, False)]),
    ("at least 3 dead", [("at least 3", 3, True, False)]),
    ("As many as 20 were hurt", [("As many as 20", 20, True, False)]),
    ("a total of 12 rockets", [("a total of 12", 12, False, False)]),
    ("Twenty-one rockets", [("Twenty-one", 21, False, False)]),
    ("one hundred and five", [("one hundred and five", 105, False, False)]),
    ("a dozen drones", [("a dozen", 12, False, False)]),
    ("2 million people", [("2 million", 2_000_000, False, False)]),
    ("$1.5bn in aid", [("1.5bn", 1.5e9, False, False)]),
    ("dozens of people", [("dozens", 12, True, True)]),
    ("Hundreds of thousands fled", [("Hundreds of thousands", 100_000, True, True)]),
    ("scores of people", [("scores", 10, True, True)]),
    ("several soldiers", [("several", 10, True, True)]),
    ("two and three", [("two", 2, False, False), ("three", 3, False, False)]),
    ("5% of the 10 villages", [("5", 5, False, False), ("10", 10, False, False)]),
    ("2024 people", [("2024", 2024, False, False)]),
    ("the 2000 soldiers", [("2000", 2000, False, False)]),
    ("0 deaths", [("0", 0, False, False)]),
]


@pytest.mark.parametrize("text, expected", FIND)
def test_find_numbers(text, expected):
    found = find_numbers(text)
    assert [(m.text, m.value, m.approximate, m.vague) for m in found] == expected
    assert all(text[m.start : m.end] == m.text for m in found)


@pytest.mark.parametrize(
    "text",
    [
        "the first strike", "for the third time", "the 3rd brigade", "the 21st century", "the twenty-first century",
        "in 2024", "since 2023", "on October 17, 2023", "17 October", "2023-10-17", "two days later",
        "F-16 jets", "COVID-19", "an A320 airliner", "122mm rockets", "at 10:30", "no one was hurt", "one another",
        "someone", "often", "settling scores", "a number", "unknown gunmen", "the one hundredth day",
        "the 2006 war", "at 0830 GMT", "at 9 a.m.", "at 10 pm", "unit 07",
    ],
)
def test_find_numbers_ignores_non_counts(text):
    assert find_numbers(text) == []


def test_find_numbers_offset_and_spans():
    text = "Police said at least 3 people and about twenty soldiers died on Sunday."
    found = find_numbers(text, offset=50)
    assert [m.text for m in found] == ["at least 3", "about twenty"]
    assert all(text[m.start - 50 : m.end - 50] == m.text for m in found)
    assert all(isinstance(m, NumberMention) for m in found)


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(
        st.text(),
        st.lists(
            st.sampled_from(["two", "hundred", "and", "a", "dozen", "1,200", "3.5", "-", "at least", "many", "of",
                             "thousands", "first", "F-16", "2024", "in", "October", "17", "İ", "one", "no", "%", "bn"]),
            max_size=20,
        ).map(" ".join),
    ),
    st.integers(0, 1000),
)
def test_find_numbers_never_raises_and_spans_are_exact(text, offset):
    for m in find_numbers(text, offset):
        assert 0 <= m.start - offset < m.end - offset <= len(text)
        assert text[m.start - offset : m.end - offset] == m.text
        assert not (m.vague and not m.approximate)
    parse_number(text)
    acled_fatalities(text)


@pytest.mark.parametrize("bad", [None, 3, b"two"])
def test_non_string_input(bad):
    assert find_numbers(bad) == []  # type: ignore[arg-type]
    assert parse_number(bad) is None  # type: ignore[arg-type]
    assert acled_fatalities(bad) is None  # type: ignore[arg-type]


# ---------------------------------------------------------------- ACLED fatalities


@pytest.mark.parametrize(
    "phrase, value",
    [
        ("several", 10), ("many", 10), ("multiple people", 10), ("scores of civilians", 10), ("numerous", 10),
        ("dozens", 12), ("dozens of people", 12), ("hundreds", 100), ("tens of people", 10),
        ("tens of thousands", 10_000), ("a few", 3),
        ("a soldier", 1), ("an officer", 1), ("one", 1), ("One civilian", 1), ("two soldiers", 2),
        ("at least 5 people", 5), ("more than 150", 150), ("nearly twenty", 20), ("12 people", 12),
        ("between 10 and 15", 10), ("10 to 15", 10), ("10-15 people", 10),
        ("two soldiers and three civilians", 2),  # first count only (documented)
        ("no one", 0), ("nobody", 0), ("no casualties", 0), ("none", 0),
        ("hundreds of thousands", None), ("150000 people", None), ("200,000", None), ("1.5 people", None),
        ("", None), ("   ", None), ("the army", None), ("a few dozen", 12), ("several hundred", 100),
    ],
)
def test_acled_fatalities(phrase, value):
    assert acled_fatalities(phrase) == value


@pytest.mark.parametrize("text", ["the 5.45 pm curfew", "in 5.45 minutes", "1999.5 km", "at 2024.1"])
def test_decimals_near_year_rules_do_not_crash(text):
    # Regression: a four-character decimal ("5.45") once reached int() in the year check.
    for m in find_numbers(text):
        assert text[m.start:m.end] == m.text


@given(st.from_regex(r"(?:in|since|at|the)? ?\d{1,4}[.,]\d{1,3} ?(?:people|pm|km)?", fullmatch=True))
@settings(max_examples=200, deadline=None)
def test_number_like_strings_never_raise(text):
    for m in find_numbers(text):
        assert text[m.start:m.end] == m.text
