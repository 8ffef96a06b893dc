"""Property tests: the date, number and quote parsers and the ingest readers never raise on any
input, and what they return is well formed (spans inside the text, plausible dates, one outcome
per item).  The CLI turns whatever a file holds into lines and an exit code, never a traceback."""
from __future__ import annotations

import datetime as dt
import json
import os
import string

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from reliability_support import BODY
from tightrope.extract.context import find_quotes
from tightrope.extract.dates import find_dates, latest_reference, parse_dateline
from tightrope.extract.numbers import acled_fatalities, find_numbers, parse_number
from tightrope.ingest.readers import doc_id_for, longest_sentence, read_csv, read_jsonl, read_path
from tightrope.ingest.textmeta import parse_text_meta, plausible_date
from tightrope.models import DateValue

# TIGHTROPE_FUZZ_EXAMPLES=5000 for a long hunt; the default keeps `make test` quick.
EXAMPLES = int(os.environ.get("TIGHTROPE_FUZZ_EXAMPLES", "120"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

MONTHS = ["January", "Feb", "March", "Sept.", "December", "Muharram"]
# Date-ish phrases with absurd parts: years far in the future or past, day 0/31/99, month 13.
date_phrase = st.builds(
    lambda d, m, y, sep, pre: f"{pre}{d}{sep}{m}{sep}{y}",
    st.integers(-5, 99).map(str), st.one_of(st.sampled_from(MONTHS), st.integers(0, 13).map(str)),
    st.one_of(st.integers(0, 99999).map(str), st.sampled_from(["2199", "1066", "0000", "9999", "10000"])),
    st.sampled_from([" ", "/", "-", ", ", "."]), st.sampled_from(["", "on ", "in ", "since ", "Published: "]))
number_phrase = st.builds(
    lambda hedge, n, unit: f"{hedge}{n} {unit}",
    st.sampled_from(["", "at least ", "some ", "nearly ", "-", "up to "]),
    st.one_of(st.integers(-10**30, 10**30).map(str), st.floats(allow_nan=True).map(str),
              st.sampled_from(["9999999", "99999999999", "1e308", "1,000,000,000,000", "twenty-one hundred",
                               "a million billion", "dozens", "0.5", "١٢٣", "Ⅻ", "½", "1/0"])),
    st.sampled_from(["killed", "people were killed", "rockets", "soldiers wounded", "displaced", ""]))
prose = st.lists(st.one_of(date_phrase, number_phrase, st.text(max_size=30),
                           st.sampled_from(['"', "\u201c", "\u201d", "\u202e", "\n", ". ", "قصف", "\x00"])),
                 max_size=30).map(" ".join)


@FUZZ
@given(prose)
def test_date_parsers(text):
    for m in find_dates(text, DateValue(dt.date(2024, 3, 3), "day", "metadata")):
        assert text[m.start:m.end] == m.text and m.value.precision in ("day", "week", "month", "year")
    v = parse_dateline(text)
    assert v is None or v.precision in ("day", "week", "month", "year")
    ref = latest_reference(text)
    assert ref is None or plausible_date(ref.date)


@FUZZ
@given(prose)
def test_number_parsers(text):
    for m in find_numbers(text):
        assert text[m.start:m.end] == m.text
    parse_number(text[:200])
    f = acled_fatalities(text)
    assert f is None or 0 <= f < 100_000  # absurd counts are never fatalities


@FUZZ
@given(prose)
def test_quote_parser(text):
    spans = find_quotes(text)
    assert all(0 <= a < b <= len(text) for a, b in spans)
    assert all(b1 <= a2 for (_, b1), (a2, _) in zip(spans, spans[1:]))


@FUZZ
@given(prose)
def test_text_metadata(text):
    meta = parse_text_meta(text)
    assert meta.published is None or plausible_date(meta.published.date)
    assert meta.title is None or "\n" not in meta.title
    n, at = longest_sentence(text)
    assert 0 <= at <= len(text) and n <= len(text)


json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=40)),
    lambda children: st.one_of(st.lists(children, max_size=4),
                               st.dictionaries(st.text(max_size=10), children, max_size=4)),
    max_leaves=12)
records = st.dictionaries(
    st.sampled_from(["text", "body", "Title", "url", "publisher", "published", "date", "x"]),
    st.one_of(json_values, st.just(BODY), prose, date_phrase), max_size=6)


@FUZZ
@given(st.lists(st.one_of(records.map(json.dumps), json_values.map(json.dumps), st.text(max_size=60)), max_size=8))
def test_jsonl_reader(lines):
    text = "\n".join(lines)
    res = read_jsonl("c.jsonl", text, _settings())
    nonblank = sum(1 for ln in text.encode("utf-8", "surrogatepass").split(b"\n") if ln.strip())
    assert len(res.documents) + len(res.rejects) <= nonblank
    _documents_are_well_formed(res)


@FUZZ
@given(st.lists(st.lists(st.one_of(st.text(max_size=30), st.just(BODY), prose), min_size=1, max_size=4),
                max_size=6), st.sampled_from(["text", "body,title", "a,b"]))
def test_csv_reader(rows, header):
    import csv
    import io

    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(header.split(","))
    w.writerows(rows)
    _documents_are_well_formed(read_csv("c.csv", buf.getvalue(), _settings()))


@FUZZ
@given(st.binary(max_size=2000) | prose.map(lambda s: s.encode("utf-8", "surrogatepass")),
       st.sampled_from([".txt", ".html", ".xml", ".jsonl", ".json", ".csv", ".tsv", ".md", ""]))
def test_read_path_any_bytes_any_kind(tmp_path_factory, data, ext):
    f = tmp_path_factory.mktemp("fz") / f"x{ext}"
    f.write_bytes(data)
    res = read_path(f, _settings())
    assert res.documents or res.rejects or res.notices
    _documents_are_well_formed(res)


def _settings():
    from tightrope.settings import Settings

    return Settings(min_article_chars=10)


def _documents_are_well_formed(res) -> None:
    for d in res.documents:
        assert d.text.strip() and d.doc_id == doc_id_for(d.text)
        assert "\x00" not in d.text and "\r" not in d.text
        d.text.encode("utf-8")  # storable: no lone surrogates
        for v in (d.title, d.url, d.publisher):
            assert v is None or (isinstance(v, str) and len(v) <= 2000)
        assert d.published is None or plausible_date(d.published.date)
    for r in res.rejects:
        assert r.reason and "\n" not in r.reason and "Traceback" not in r.reason


runner = CliRunner()


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=400) | st.text(alphabet=string.printable + "\u202eقصف", max_size=400).map(str.encode),
       st.sampled_from(["a.txt", "a.jsonl", "a.csv", "a.html", "a.xml"]))
def test_cli_never_shows_a_traceback(tmp_path_factory, data, name):
    d = tmp_path_factory.mktemp("cli")
    (d / "in").mkdir()
    (d / "in" / name).write_bytes(data)
    res = runner.invoke(app_(), ["ingest", str(d / "in"), "--db", str(d / "t.duckdb")])
    assert res.exit_code in (0, 1, 3), res.output
    assert res.exception is None or isinstance(res.exception, SystemExit), repr(res.exception)
    assert "Traceback" not in res.output


def app_():
    from tightrope.cli import app

    return app
