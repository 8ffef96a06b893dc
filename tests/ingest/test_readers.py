from __future__ import annotations

import json

import pytest
from hypothesis import given, settings, strategies as st

from tightrope.ingest.readers import doc_id_for, read_path
from tightrope.ingest.textmeta import parse_text_meta
from tightrope.settings import Settings

BODY = ("On March 3, 2024, a drone struck a depot near the town, officials said. The militia denied any role. "
        "Local residents reported two explosions before dawn.")


@pytest.mark.parametrize("header,publisher,published,precision", [
    ("Title line\n- Grid Example\n- Nov 14, 2024\n- 3 min read\n\n", "Grid Example", "2024-11-14", "day"),
    ("Title line\nLevant Wire/ ", "Levant Wire", "2024-03-03", "day"),
    ("Title line\nSource: Desert Post\nPublished: 12 January 2024\n\n", "Desert Post", "2024-01-12", "day"),
    ("Title line\n", None, "2024-03-03", "day"),
])
def test_text_meta(header, publisher, published, precision):
    meta = parse_text_meta(header + BODY)
    assert meta.title == "Title line"
    assert meta.publisher == publisher
    assert meta.published is not None and meta.published.iso() == published
    assert meta.published.precision == precision


def test_undated_article_takes_latest_month_reference():
    meta = parse_text_meta("Headline\nSome Outlet/ Attacks rose in October 2024. In November 2024 more came.")
    assert meta.published.iso() == "2024-11"
    assert meta.published.precision == "month"
    assert meta.published.method == "latest_reference"


def _write(p, data):
    p.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return p


def test_text_file_roundtrip(tmp_path):
    f = _write(tmp_path / "a.txt", "Headline here\n- Outlet\n- Jan 2, 2024\n\n" + BODY)
    res = read_path(f)
    assert not res.rejects
    (doc,) = res.documents
    assert doc.publisher == "Outlet" and doc.published.iso() == "2024-01-02"
    assert doc.text.startswith("Headline here")
    assert doc.doc_id == doc_id_for(doc.text)


@pytest.mark.parametrize("name,data,reason", [
    ("empty.txt", b"", "empty file"),
    ("blank.txt", b"   \n\n  ", "empty file"),
    ("bin.txt", bytes(range(256)) * 40, "binary"),
    ("tiny.txt", b"hi", "too short"),
])
def test_bad_files_are_rejected_with_reason(tmp_path, name, data, reason):
    res = read_path(_write(tmp_path / name, data))
    assert not res.documents
    (rej,) = res.rejects
    assert name in rej.path and reason in rej.reason


def test_too_large_file(tmp_path):
    f = tmp_path / "huge.txt"
    f.write_bytes(b"word " * (1024 * 1024))  # 5 MB
    res = read_path(f, Settings(max_article_bytes=1024 * 1024))
    assert "too large" in res.rejects[0].reason


def test_jsonl_good_and_malformed_lines(tmp_path):
    lines = [json.dumps({"title": "T1", "text": BODY, "url": "https://example.org/1", "published": "2024-03-04"}),
             "{not json", json.dumps({"title": "T2"}), json.dumps([1, 2]),
             json.dumps({"headline": "T3", "body": BODY + " More.", "source": "Desk"})]
    res = read_path(_write(tmp_path / "c.jsonl", "\n".join(lines)))
    assert [d.title for d in res.documents] == ["T1", "T3"]
    assert res.documents[0].published.iso() == "2024-03-04"
    assert res.documents[1].publisher == "Desk"
    assert {r.item for r in res.rejects} == {"line 2", "line 3", "line 4"}


def test_csv_corpus(tmp_path):
    f = _write(tmp_path / "c.csv", 'title,text,date\nA,"' + BODY + '",2024-05-01\nB,,2024-05-02\n')
    res = read_path(f)
    assert len(res.documents) == 1 and res.documents[0].published.iso() == "2024-05-01"
    assert res.rejects[0].item == "row 3"


def test_csv_without_text_column(tmp_path):
    res = read_path(_write(tmp_path / "c.csv", "a,b\n1,2\n"))
    assert "no text column" in res.rejects[0].reason


def test_html_article(tmp_path):
    html = ("<html><head><title>Strike hits depot</title><meta property='og:site_name' content='Example Wire'>"
            "<meta property='article:published_time' content='2024-02-08T09:00:00Z'></head><body>"
            "<nav>Home | World</nav><article><h1>Strike hits depot</h1>" + "".join(f"<p>{BODY} Paragraph {i}.</p>" for i in range(4))
            + "</article><footer>Copyright</footer></body></html>")
    res = read_path(_write(tmp_path / "a.html", html))
    (doc,) = res.documents
    assert doc.publisher == "Example Wire" and doc.published.iso() == "2024-02-08"
    assert "drone struck" in doc.text and "Copyright" not in doc.text


def test_html_without_body(tmp_path):
    res = read_path(_write(tmp_path / "a.html", "<html><head><title>x</title></head><body></body></html>"))
    assert res.rejects and "no extractable" in res.rejects[0].reason


def test_rss_feed(tmp_path):
    rss = ("<?xml version='1.0'?><rss version='2.0'><channel><title>Example Feed</title>"
           "<item><title>One</title><link>https://example.org/1</link><pubDate>Thu, 08 Feb 2024 09:00:00 GMT</pubDate>"
           f"<description>{BODY}</description></item>"
           "<item><title>Two</title><pubDate>not a date</pubDate><description>&lt;p&gt;" + BODY + " Two.&lt;/p&gt;</description></item>"
           "</channel></rss>")
    res = read_path(_write(tmp_path / "f.xml", rss))
    assert [d.title for d in res.documents] == ["One", "Two"]
    assert res.documents[0].published.iso() == "2024-02-08"
    assert res.documents[0].publisher == "Example Feed"
    assert "<p>" not in res.documents[1].text


def test_cp1256_and_latin1_decoding(tmp_path):
    arabic = "\u0642\u0635\u0641 \u0645\u0633\u064a\u0631\u0629 " * 20
    res = read_path(_write(tmp_path / "ar.txt", ("Title\n" + arabic).encode("cp1256")))
    assert res.documents and "\u0642\u0635\u0641" in res.documents[0].text
    assert any("cp1256" in n for n in res.notices)
    res = read_path(_write(tmp_path / "fr.txt", ("Titre\nLe caf\u00e9 " + BODY).encode("latin-1")))
    assert res.documents and "caf\u00e9" in res.documents[0].text


def test_yaml_is_skipped_with_notice(tmp_path):
    res = read_path(_write(tmp_path / "expected.yaml", "a: 1\n"))
    assert not res.documents and not res.rejects and "skipped" in res.notices[0]


@given(st.text(max_size=400))
@settings(max_examples=150, deadline=None)
def test_text_meta_never_raises(s):
    parse_text_meta(s)


@given(st.binary(max_size=600))
@settings(max_examples=100, deadline=None)
def test_read_path_never_raises(tmp_path_factory, data):
    f = tmp_path_factory.mktemp("fz") / "x.txt"
    f.write_bytes(data)
    res = read_path(f)
    assert len(res.documents) + len(res.rejects) == 1
