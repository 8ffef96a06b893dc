"""Markup readers: an HTML page (the article body found by trafilatura) and RSS/Atom
feeds (one Document per entry, its HTML stripped)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

from tightrope.errors import InputError
from tightrope.ingest.base import Item, _check_text, _collect, _DateNotes, _make_doc, _meta_str
from tightrope.models import IngestResult, Reject
from tightrope.settings import Settings


def read_html(path: str, text: str, settings: Settings) -> IngestResult:
    return _collect(_iter_html(path, text, settings))


def _iter_html(path: str, text: str, settings: Settings) -> Iterator[Item]:
    import trafilatura

    raw = trafilatura.extract(text, output_format="json", with_metadata=True,
                              include_comments=False, favor_precision=True)
    if not raw:
        yield Reject(path, "HTML has no extractable article body")
        return
    meta = json.loads(raw)
    body = meta.get("text") or ""
    title = _meta_str(meta.get("title"))
    try:
        _check_text(path, body, settings)
    except InputError as e:
        yield Reject(path, e.reason)
        return
    dates = _DateNotes(path)
    published = dates.parse(meta.get("date"), None)
    full = f"{title}\n{body}" if title and not body.startswith(title) else body
    yield _make_doc(full, path, "html", title=title, url=meta.get("source") or meta.get("url"),
                    publisher=meta.get("source-hostname") or meta.get("sitename") or meta.get("hostname"),
                    published=published, settings=settings)
    if dates.notice():
        yield dates.notice()


# Linear: a tag cannot contain "<", so an unclosed "<" stops at the next one instead of
# rescanning the rest of the text (``<[^>]+>`` is quadratic on "<<<<...").
_TAGS = re.compile(r"<[^<>]*>")
_BREAK_TAGS = re.compile(r"(?i)<\s*(?:br|/p|/div|/li)\s*/?>")


def _strip_html(s: str) -> str:
    import html

    s = _BREAK_TAGS.sub("\n", s)
    return html.unescape(_TAGS.sub("", s)).strip()


def _iter_feed(path: str, data: bytes, settings: Settings) -> Iterator[Item]:
    import feedparser

    parsed = feedparser.parse(data)
    if not parsed.entries:
        reason = str(getattr(parsed, "bozo_exception", "")) or "no entries"
        yield Reject(path, f"feed has no readable entries ({reason[:200]})")
        return
    publisher = parsed.feed.get("title")
    dates = _DateNotes(path)
    for i, entry in enumerate(parsed.entries, 1):
        item = f"entry {i}"
        body = ""
        if entry.get("content"):
            body = " ".join(c.get("value", "") for c in entry.content)
        body = _strip_html(body or entry.get("summary", "") or entry.get("description", ""))
        title = _meta_str(entry.get("title"))
        try:
            _check_text(path, body, settings, item)
        except InputError as e:
            yield Reject(path, e.reason, item)
            continue
        raw_date = entry.get("published") or entry.get("updated")
        published = dates.parse(raw_date, item)
        full = f"{title}\n{body}" if title else body
        yield _make_doc(full, path, "feed", title=title, url=entry.get("link"),
                        publisher=publisher, published=published, settings=settings)
    if dates.notice():
        yield dates.notice()


def read_feed(path: str, data: bytes, settings: Settings) -> IngestResult:
    return _collect(_iter_feed(path, data, settings))
