"""Bad inputs: every one gives a clear per-item reject (reason in the rejects table and the run
summary), every good item beside it is stored, and the exit code says ok / partial / failed."""
from __future__ import annotations

import codecs
import json
import re
import tracemalloc
from pathlib import Path

import pytest
from typer.testing import CliRunner

from reliability_support import ARTICLE, BODY, assert_no_traceback, run_cli, write_jsonl_corpus
from tightrope.cli import EXIT_FAILED, EXIT_OK, EXIT_PARTIAL, app
from tightrope.ingest.readers import read_path
from tightrope.settings import Settings
from tightrope.store.db import Store

runner = CliRunner()
MB = 1024 * 1024


def _big_text(path: Path, size: int, unit: bytes = b"All quiet on the front today. ") -> None:
    """Exactly ``size`` bytes of plain prose, written a block at a time."""
    block = unit * (MB // len(unit))
    with path.open("wb") as f:
        for _ in range(size // len(block)):
            f.write(block)
        f.write(unit * ((size % len(block)) // len(unit)))


# name, content (bytes or a writer), reason substring, rejected item (None: the whole file)
BAD_FILES = [
    ("empty.txt", b"", "empty file", None),
    ("blank.txt", b"  \n\t\n ", "empty file", None),
    ("binary.txt", bytes(range(256)) * 40, "binary content", None),
    ("nul.md", b"Title\n\x00\x00\x00" + BODY.encode() * 3, "binary content", None),
    ("elf.bin", b"\x7fELF\x02\x01\x01" + bytes(5000), "binary content", None),
    ("tiny.txt", b"Drone.", "too short", None),
    ("nobody.html", b"<html><head><title>x</title></head><body></body></html>", "no extractable article body", None),
    ("headonly.html", b"<!doctype html><html><head><title>Only a title</title></head></html>",
     "no extractable article body", None),
    ("thin.html", b"<html><body><article><p>Too short.</p></article></body></html>", None, None),
    ("broken.xml", b"<?xml version='1.0'?><rss><channel><item><title>x", "empty text", "entry 1"),
    ("noentries.xml", b"<?xml version='1.0'?><rss><channel><title>x</title></channel>", "feed has no readable entries", None),
    ("nofeed.rss", b"this is not a feed at all, just words " * 5, "feed has no readable entries", None),
    ("array.json", b'[{"text": "x"}, {broken', "invalid JSON", None),
    ("deep.json", b"[" * 100_000 + b"]" * 100_000, "invalid JSON", None),
    ("nocol.csv", b"a,b\n1,2\n", "no text column", None),
    ("utf16.jsonl", codecs.BOM_UTF16_LE + '{"text": "x"}\n'.encode("utf-16-le"), "UTF-16 corpus", None),
    ("long_sentence.txt", ("Long\n" + "a drone struck a depot near Erbil and " * 27_000 + "officials said.").encode(),
     "without a break", None),
    ("huge.txt", lambda p: _big_text(p, 50 * MB), "file too large (50.0 MiB > 20.0 MiB limit)", None),
    ("huge_feed.xml", lambda p: _big_text(p, 21 * MB), "file too large", None),
]


@pytest.mark.parametrize("name,content,reason,item", BAD_FILES, ids=[b[0] for b in BAD_FILES])
def test_bad_file_is_one_clear_reject(tmp_path, name, content, reason, item):
    path = tmp_path / name
    if callable(content):
        content(path)
    else:
        path.write_bytes(content)
    res = read_path(path)
    assert not res.documents
    assert len(res.rejects) == 1, res.rejects
    (rej,) = res.rejects
    assert rej.path == str(path) and rej.item == item
    assert rej.reason and "\n" not in rej.reason and len(rej.reason) < 400
    if reason:
        assert reason in rej.reason, rej.reason


def _read_with_peak(path):
    """read_path and the peak Python allocation it caused."""
    tracemalloc.start()
    try:
        res = read_path(path)
        return res, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_fifty_megabyte_article_is_refused_without_being_read(tmp_path):
    path = tmp_path / "huge.txt"
    _big_text(path, 50 * MB)
    res, peak = _read_with_peak(path)
    assert "too large" in res.rejects[0].reason
    assert peak < 2 * MB, f"refusing a 50 MB file allocated {peak / MB:.1f} MB"


def test_fifty_megabyte_record_in_a_corpus_is_skipped_with_bounded_memory(tmp_path):
    path = tmp_path / "corpus.jsonl"
    with path.open("wb") as f:
        f.write(json.dumps({"title": "first", "text": ARTICLE}).encode() + b"\n")
        f.write(b'{"title": "huge", "text": "')
        block = b"All quiet on the front today. " * (MB // 30)
        for _ in range(50):
            f.write(block)
        f.write(b'"}\n')
        f.write(json.dumps({"title": "third", "text": ARTICLE.replace("Erbil", "Mosul")}).encode() + b"\n")
    res, peak = _read_with_peak(path)
    assert [d.title for d in res.documents] == ["first", "third"]
    (rej,) = res.rejects
    assert rej.item == "line 2" and "record too large" in rej.reason
    # One record is read up to the limit (20 MiB) and no further: never the 50 MB line, never twice.
    assert peak < 30 * MB, f"peak {peak / MB:.1f} MB"


def _record_lines() -> tuple[list[str], dict[str, str]]:
    """JSONL lines with hostile field types: (lines, {item: reason substring}) of the bad ones."""
    ok = {"title": "T", "text": BODY}
    lines = [
        json.dumps(ok),                                                   # 1 good
        "{not json",                                                      # 2 malformed
        json.dumps([1, 2]),                                               # 3 not an object
        json.dumps({"title": "no text"}),                                 # 4 no text field
        json.dumps({"text": 12345}),                                      # 5 text not a string
        json.dumps({**ok, "title": ["a", "list"], "url": {"a": 1}, "publisher": 7, "text": BODY + " 6"}),  # 6 good
        json.dumps({**ok, "text": BODY + " \ud800 lone surrogate"}),      # 7 good (surrogate replaced)
        json.dumps({**ok, "text": BODY + " NUL\u0000 inside"}),           # 8 good (NUL dropped)
        json.dumps({**ok, "published": 20240101, "text": BODY + " 9"}),   # 9 good (numeric date)
        "[" * 50_000 + "]" * 50_000,                                      # 10 nested too deeply
        json.dumps({**ok, "title": "x" * 100_000, "text": BODY + " 11"}),  # 11 good (title cut)
        json.dumps({"text": "   "}),                                      # 12 empty text
        "",                                                               # blank line: skipped
        json.dumps({**ok, "text": "\u202eعاجل\u202c " + BODY}),          # 14 good (right-to-left)
    ]
    bad = {"line 2": "malformed JSON", "line 3": "not a JSON object", "line 4": "no text field",
           "line 5": "no text field", "line 10": "nested too deeply", "line 12": "empty text"}
    return lines, bad


def test_hostile_records_are_rejected_one_by_one_and_the_rest_stored(tmp_path, db):
    lines, bad = _record_lines()
    path = tmp_path / "c.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8", errors="surrogatepass")
    res = read_path(path)
    assert {r.item: r.reason for r in res.rejects}.keys() == bad.keys()
    for r in res.rejects:
        assert bad[r.item] in r.reason, r
    assert len(res.documents) == 7
    with Store(db) as store:  # every good record can be stored as it is
        assert len(store.add_documents(list(res.documents))) == 7
        rows = store.rows("documents")
    assert all(len(r["title"] or "") <= 2000 for r in rows)
    assert all("\x00" not in r["text"] and "\ud800" not in r["text"] for r in rows)
    assert {r["publisher"] for r in rows} >= {"7"}


@pytest.mark.parametrize("name,data,expect_text,notice", [
    ("ar.txt", ("عنوان\n" + "قصف مسيرة على قاعدة في أربيل. " * 20).encode("cp1256"), "قصف مسيرة", "cp1256"),
    ("fr.txt", ("Titre\nLe café brûlé. " + BODY).encode("latin-1"), "café brûlé", "cp1252"),
    ("bom.txt", codecs.BOM_UTF8 + ("Title\n" + BODY).encode(), "Title\nOn March", None),
    ("u16.txt", ("Title\n" + BODY).encode("utf-16"), "Title\nOn March", None),
    ("crlf.txt", ("Title\r\n" + BODY + "\r\nMore.\r\n").encode(), "Title\nOn March", None),
    ("ar.csv", ("title,text\nعنوان,\"" + "قصف مسيرة على قاعدة في أربيل. " * 5 + "\"\n").encode("cp1256"),
     "قصف مسيرة", "cp1256"),
    ("mixed.jsonl", (json.dumps({"text": BODY}) + "\n").encode()
     + json.dumps({"text": "Le café brûlé. " + BODY}, ensure_ascii=False).encode("latin-1") + b"\n",
     "café brûlé", "not UTF-8"),
])
def test_wrong_encodings_are_decoded(tmp_path, name, data, expect_text, notice):
    path = tmp_path / name
    path.write_bytes(data)
    res = read_path(path)
    assert not res.rejects, res.rejects
    assert any(expect_text in d.text for d in res.documents)
    assert all("\ufeff" not in d.text and "\r" not in d.text for d in res.documents)
    if notice:
        assert any(notice in n for n in res.notices), res.notices
    else:
        assert not res.notices


FUTURE_FEED = ("<?xml version='1.0'?><rss version='2.0'><channel><title>Feed</title>"
               f"<item><title>One</title><pubDate>not a date</pubDate><description>{BODY} one</description></item>"
               f"<item><title>Two</title><pubDate>Thu, 08 Feb 2199 09:00:00 GMT</pubDate>"
               f"<description>{BODY} two</description></item>"
               f"<item><title>Three</title><pubDate>Feb 31, 2024</pubDate><description>{BODY} three</description></item>"
               f"<item><title>Four</title><pubDate>Thu, 08 Feb 2024 09:00:00 GMT</pubDate>"
               f"<description>{BODY} four</description></item>"
               "</channel></rss>")


def test_feed_with_broken_and_future_dates_keeps_every_entry(tmp_path):
    path = tmp_path / "f.xml"
    path.write_text(FUTURE_FEED, encoding="utf-8")
    res = read_path(path)
    assert not res.rejects
    by_title = {d.title: d for d in res.documents}
    assert sorted(by_title) == ["Four", "One", "Three", "Two"]
    assert by_title["Four"].published.iso() == "2024-02-08" and by_title["Four"].published.method == "metadata"
    for t in ("One", "Two", "Three"):  # the bad date is dropped; the body's own date is used
        assert by_title[t].published.iso() == "2024-03-03" and by_title[t].published.method == "latest_reference"
    (notice,) = res.notices
    assert "3 item(s)" in notice and "entry 1" in notice


@pytest.mark.parametrize("header", [
    "- Jan 1, 2199\n", "Published: 2199-01-01\n", "- Thu, 08 Feb 2199 09:00:00 GMT\n", "- March 3, 1066\n",
])
def test_far_future_or_ancient_dateline_is_not_a_publication_date(tmp_path, header):
    path = tmp_path / "a.txt"
    path.write_text(f"Headline\n- Desk\n{header}\nIn 2199 a drone struck a depot near Erbil, officials said.",
                    encoding="utf-8")
    (doc,) = read_path(path).documents
    assert doc.published is None, doc.published
    assert doc.publisher == "Desk"


def test_corpus_records_with_future_dates(tmp_path):
    path = tmp_path / "c.jsonl"
    path.write_text("\n".join(json.dumps({"text": BODY + f" {i}", "published": p}) for i, p in
                              enumerate(["2199-01-01", "9999-12-31", "0001-01-01", "2024-05-06", "yesterday-ish"])),
                    encoding="utf-8")
    res = read_path(path)
    assert not res.rejects and len(res.documents) == 5
    assert [d.published.iso() for d in res.documents] == ["2024-03-03"] * 3 + ["2024-05-06", "2024-03-03"]
    assert "4 item(s)" in res.notices[0]


@pytest.mark.parametrize("line", [
    "- a" + " " * 200_000 + "b",                  # bullet pattern on a long run of spaces
    "Source: a" + " " * 200_000 + "b",            # labelled pattern
    "<" * 200_000,                                # tag stripper on unclosed tags (feeds)
    "Baghdad (" + "A" * 200_000,                  # dateline pattern
    "Levant Wire" + " " * 200_000 + "/ x",        # slash prefix
])
def test_header_patterns_do_not_backtrack_on_huge_lines(line):
    """Each of these took minutes with the old patterns (quadratic backtracking): now milliseconds."""
    import time

    from tightrope.ingest.markup import _strip_html
    from tightrope.ingest.textmeta import parse_text_meta

    t0 = time.process_time()
    parse_text_meta("Title\n" + line + "\nBody. " + BODY)
    _strip_html(line)
    # Not a timing assertion on speed: a guard against minutes-long runs (the old cost).
    assert time.process_time() - t0 < 20


# --------------------------------------------------------------------------- through the CLI


def _bad_corpus(d: Path) -> dict:
    """A folder of every bad kind beside good files; returns what the run must report."""
    d.mkdir()
    (d / "good.txt").write_text(ARTICLE, encoding="utf-8")
    (d / "good_ar.txt").write_bytes(("عنوان\n" + "قصف مسيرة على قاعدة في أربيل. " * 20).encode("cp1256"))
    (d / "good_fr.txt").write_bytes(("Titre\nLe café. " + BODY).encode("latin-1"))
    (d / "empty.txt").write_bytes(b"")
    (d / "binary.txt").write_bytes(bytes(range(256)) * 40)
    (d / "nobody.html").write_text("<html><head><title>x</title></head><body></body></html>")
    (d / "feed.xml").write_text(FUTURE_FEED, encoding="utf-8")
    (d / "long.txt").write_text("Long\n" + "a drone struck a depot near Erbil and " * 27_000 + "officials said.")
    _big_text(d / "huge.txt", 50 * MB)
    (d / "notes.yaml").write_text("a: 1\n")
    good, bad = write_jsonl_corpus(d / "big.jsonl", 10_000, bad_every=33)
    return {"docs": 3 + 4 + good, "jsonl_bad": bad,
            "file_errors": ["empty.txt", "binary.txt", "nobody.html", "long.txt", "huge.txt"]}


def test_bad_corpus_through_the_cli(tmp_path):
    expect = _bad_corpus(tmp_path / "in")
    db = tmp_path / "t.duckdb"
    res = run_cli("ingest", str(tmp_path / "in"), "--db", str(db), TIGHTROPE_BATCH_SIZE="500")
    assert_no_traceback(res.stderr)
    assert res.returncode == EXIT_PARTIAL, res.stderr[-2000:]
    errors = [ln for ln in res.stderr.splitlines() if ln.startswith("error:")]
    for name in expect["file_errors"]:
        assert sum(f"/{name}:" in ln for ln in errors) == 1, (name, errors[:20])
    jsonl_errors = [ln for ln in errors if "big.jsonl (line " in ln]
    assert len(jsonl_errors) == expect["jsonl_bad"] == 303
    assert all(re.match(r"error: .*big\.jsonl \(line \d+\): malformed JSON: ", ln) for ln in jsonl_errors)
    n_rejects = len(expect["file_errors"]) + expect["jsonl_bad"]
    assert f"ingested {expect['docs']} documents from 11 files ({expect['docs']} new, {n_rejects} rejected)" \
        in res.stderr
    assert "notice:" in res.stderr and "notes.yaml: skipped" in res.stderr
    with Store(db, read_only=True) as store:
        assert store.count("documents") == expect["docs"]
        rejects = store.rows("rejects")
        (run,) = store.rows("runs")
    assert len(rejects) == n_rejects and all(r["reason"] and r["run_id"] == run["run_id"] for r in rejects)
    assert sum(r["item"] is not None and r["item"].startswith("line ") for r in rejects) == 303
    assert (run["status"], run["files"], run["documents"], run["rejects"]) == ("partial", 11, expect["docs"], n_rejects)


@pytest.mark.parametrize("files,code,summary", [
    ({"a.txt": ARTICLE}, EXIT_OK, "1 documents from 1 files (1 new, 0 rejected)"),
    ({"a.txt": ARTICLE, "b.txt": ""}, EXIT_PARTIAL, "1 documents from 2 files (1 new, 1 rejected)"),
    ({"b.txt": "", "c.bin": "\x00\x01"}, EXIT_FAILED, "0 documents from 2 files (0 new, 2 rejected)"),
    ({}, EXIT_FAILED, "0 documents from 0 files (0 new, 1 rejected)"),
    ({"x.jsonl": "{broken\n[1]\n"}, EXIT_FAILED, "0 documents from 1 files (0 new, 2 rejected)"),
])
@pytest.mark.parametrize("command", ["ingest", "run"])
def test_exit_codes_ok_partial_failed(tmp_path, files, code, summary, command):
    d = tmp_path / "in"
    d.mkdir()
    for name, text in files.items():
        (d / name).write_text(text, encoding="utf-8")
    args = [command, str(d), "--db", str(tmp_path / "t.duckdb")] + (["--no-report"] if command == "run" else [])
    res = runner.invoke(app, args)
    assert res.exit_code == code, res.output
    assert summary in res.stderr
    if not files:
        assert "no article files in this folder" in res.stderr


def test_missing_path_fails_with_one_line(tmp_path):
    res = run_cli("ingest", str(tmp_path / "nope.txt"), "--db", str(tmp_path / "t.duckdb"))
    assert res.returncode == EXIT_FAILED
    assert_no_traceback(res.stderr)
    assert f"error: {tmp_path / 'nope.txt'}: no such file or directory" in res.stderr


def test_sentence_limit_is_a_setting(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("Title\n" + "word " * 900 + ".", encoding="utf-8")
    assert read_path(path, Settings(max_sentence_chars=5000)).documents
    assert "without a break" in read_path(path, Settings(max_sentence_chars=1000)).rejects[0].reason
