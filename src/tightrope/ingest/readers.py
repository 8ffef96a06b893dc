"""Readers: files of every supported kind -> Documents, bad items -> Rejects.

Contract: ``read_path(path)`` never raises for bad content; every problem
becomes a :class:`Reject` naming the file (and line/item) with one reason,
and every good item in the same file is still returned.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import unicodedata
from collections.abc import Iterable, Iterator
from pathlib import Path

from tightrope.errors import InputError
from tightrope.extract.dates import parse_dateline
from tightrope.ingest.textmeta import parse_text_meta
from tightrope.models import DateValue, Document, IngestResult, Reject
from tightrope.settings import Settings

TEXT_EXT = {".txt", ".text", ".md"}
HTML_EXT = {".html", ".htm", ".xhtml"}
FEED_EXT = {".xml", ".rss", ".atom"}
JSONL_EXT = {".jsonl", ".ndjson", ".json"}
CSV_EXT = {".csv", ".tsv"}
# Known non-article files met in article folders: skipped with a notice, not an error.
SKIP_EXT = {".yaml", ".yml", ".toml", ".ini", ".cfg", ".py", ".pdf", ".png", ".jpg", ".gif", ".zip", ".gz"}
SKIP_NAMES = {"readme.md", "license", "license.md", "source.md"}

TEXT_FIELDS = ("text", "body", "content", "article", "full_text", "story")
TITLE_FIELDS = ("title", "headline")
URL_FIELDS = ("url", "link", "uri")
PUBLISHER_FIELDS = ("publisher", "source", "outlet", "site", "sitename")
DATE_FIELDS = ("published", "date", "pubdate", "published_at", "publication_date", "datetime")


def doc_id_for(text: str) -> str:
    """Deterministic id from normalised content: the same article ingested twice is one."""
    norm = " ".join(unicodedata.normalize("NFC", text).split())
    return "d" + hashlib.sha256(norm.encode("utf-8")).hexdigest()[:16]


def normalise_text(text: str) -> str:
    # Spans must stay stable across platforms: one newline convention, no BOM, no NULs.
    return text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff").replace("\x00", "")


def _decode(path: str, data: bytes) -> tuple[str, str | None]:
    """Decode bytes; return text and a notice when a fallback codec was used."""
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError:
        pass
    # Arabic-script Windows text (cp1256) is common in Iraqi sources; latin-1 never fails,
    # so it goes last. Choose cp1256 only when it yields Arabic letters.
    try:
        text = data.decode("cp1256")
        if sum("\u0600" <= c <= "\u06ff" for c in text) > len(text) * 0.05:
            return text, f"{path}: not UTF-8, decoded as cp1256"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), f"{path}: not UTF-8, decoded as cp1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), f"{path}: not UTF-8, decoded as latin-1"


def _is_binary(data: bytes, settings: Settings) -> bool:
    sample = data[:8192]
    if b"\x00" in sample:
        return True
    ctrl = sum(1 for b in sample if b < 9 or 13 < b < 32)
    return ctrl > len(sample) * settings.max_binary_ratio


def _check_text(path: str, text: str, settings: Settings, item: str | None = None) -> None:
    if not text.strip():
        raise InputError(path, "empty text", item)
    if len(text.strip()) < settings.min_article_chars:
        raise InputError(path, f"too short to be an article ({len(text.strip())} chars)", item)


def _make_doc(text: str, path: str, fmt: str, *, title=None, url=None, publisher=None,
              published: DateValue | None = None, settings: Settings) -> Document:
    text = normalise_text(text)
    meta = parse_text_meta(text) if fmt == "text" else None
    if meta is not None:
        title = title or meta.title
        publisher = publisher or meta.publisher
        published = published or meta.published
    elif published is None:
        from tightrope.extract.dates import latest_reference

        ref = latest_reference(text)
        published = DateValue(ref.date, ref.precision, "latest_reference") if ref else None
    return Document(doc_id=doc_id_for(text), text=text, path=path, url=url, title=title,
                    publisher=publisher, published=published, source_format=fmt)


def _first(rec: dict, names: Iterable[str]):
    lower = {str(k).lower(): v for k, v in rec.items()}
    for n in names:
        v = lower.get(n)
        if v not in (None, ""):
            return v
    return None


def _record_doc(rec: dict, path: str, item: str, fmt: str, settings: Settings) -> Document:
    text = _first(rec, TEXT_FIELDS)
    if not isinstance(text, str):
        raise InputError(path, f"no text field (expected one of {', '.join(TEXT_FIELDS)})", item)
    _check_text(path, text, settings, item)
    date_raw = _first(rec, DATE_FIELDS)
    published = parse_dateline(str(date_raw)) if date_raw else None
    if published is not None:
        published = DateValue(published.date, published.precision, "metadata")
    title = _first(rec, TITLE_FIELDS)
    text_full = f"{title}\n{text}" if isinstance(title, str) and title not in text[:500] else text
    return _make_doc(text_full, path, fmt, title=title, url=_first(rec, URL_FIELDS),
                     publisher=_first(rec, PUBLISHER_FIELDS), published=published, settings=settings)


def read_jsonl(path: str, text: str, settings: Settings) -> IngestResult:
    docs, rejects = [], []
    stripped = text.lstrip()
    if path.endswith(".json") and stripped.startswith("["):
        try:
            records = json.loads(stripped)
        except json.JSONDecodeError as e:
            return IngestResult(rejects=(Reject(path, f"invalid JSON: {e.msg} at line {e.lineno}"),))
        lines = [(f"item {i + 1}", r) for i, r in enumerate(records)]
    else:
        lines = []
        for n, line in enumerate(text.split("\n"), 1):
            if not line.strip():
                continue
            try:
                lines.append((f"line {n}", json.loads(line)))
            except json.JSONDecodeError as e:
                rejects.append(Reject(path, f"malformed JSON: {e.msg}", f"line {n}"))
    for item, rec in lines:
        if not isinstance(rec, dict):
            rejects.append(Reject(path, "not a JSON object", item))
            continue
        try:
            docs.append(_record_doc(rec, path, item, "jsonl", settings))
        except InputError as e:
            rejects.append(Reject(path, e.reason, item))
    return IngestResult(documents=tuple(docs), rejects=tuple(rejects))


def read_csv(path: str, text: str, settings: Settings) -> IngestResult:
    dialect = "excel-tab" if path.endswith(".tsv") else "excel"
    csv.field_size_limit(settings.max_article_bytes)
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    fields = [f.lower() for f in (reader.fieldnames or [])]
    if not any(f in fields for f in TEXT_FIELDS):
        return IngestResult(rejects=(Reject(path, f"no text column (expected one of {', '.join(TEXT_FIELDS)})"),))
    docs, rejects = [], []
    try:
        for n, rec in enumerate(reader, 2):
            try:
                docs.append(_record_doc(rec, path, f"row {n}", "csv", settings))
            except InputError as e:
                rejects.append(Reject(path, e.reason, e.item))
    except csv.Error as e:
        rejects.append(Reject(path, f"malformed CSV: {e}", f"row {reader.line_num}"))
    return IngestResult(documents=tuple(docs), rejects=tuple(rejects))


def read_html(path: str, text: str, settings: Settings) -> IngestResult:
    import trafilatura

    raw = trafilatura.extract(text, output_format="json", with_metadata=True,
                              include_comments=False, favor_precision=True)
    if not raw:
        return IngestResult(rejects=(Reject(path, "HTML has no extractable article body"),))
    meta = json.loads(raw)
    body = meta.get("text") or ""
    title = meta.get("title")
    _check_text(path, body, settings)
    published = parse_dateline(meta["date"]) if meta.get("date") else None
    if published is not None:
        published = DateValue(published.date, published.precision, "metadata")
    full = f"{title}\n{body}" if title and not body.startswith(title) else body
    doc = _make_doc(full, path, "html", title=title, url=meta.get("source") or meta.get("url"),
                    publisher=meta.get("source-hostname") or meta.get("sitename") or meta.get("hostname"),
                    published=published,
                    settings=settings)
    return IngestResult(documents=(doc,))


_TAGS = re.compile(r"<[^>]+>")


def _strip_html(s: str) -> str:
    import html

    s = re.sub(r"(?i)<\s*(br|/p|/div|/li)\s*/?>", "\n", s)
    return html.unescape(_TAGS.sub("", s)).strip()


def read_feed(path: str, data: bytes, settings: Settings) -> IngestResult:
    import feedparser

    parsed = feedparser.parse(data)
    if not parsed.entries:
        reason = str(getattr(parsed, "bozo_exception", "")) or "no entries"
        return IngestResult(rejects=(Reject(path, f"feed has no readable entries ({reason})"),))
    publisher = parsed.feed.get("title")
    docs, rejects = [], []
    for i, entry in enumerate(parsed.entries, 1):
        item = f"entry {i}"
        body = ""
        if entry.get("content"):
            body = " ".join(c.get("value", "") for c in entry.content)
        body = _strip_html(body or entry.get("summary", "") or entry.get("description", ""))
        title = entry.get("title")
        try:
            _check_text(path, body, settings, item)
        except InputError as e:
            rejects.append(Reject(path, e.reason, item))
            continue
        published = None
        for key in ("published", "updated"):
            if entry.get(key):
                published = parse_dateline(entry[key])
                if published:
                    published = DateValue(published.date, published.precision, "metadata")
                    break
        full = f"{title}\n{body}" if title else body
        docs.append(_make_doc(full, path, "feed", title=title, url=entry.get("link"),
                              publisher=publisher, published=published, settings=settings))
    return IngestResult(documents=tuple(docs), rejects=tuple(rejects))


def _kind(path: Path, head: bytes) -> str:
    ext = path.suffix.lower()
    sniff = head[:2048].lstrip().lower()
    if ext in FEED_EXT or sniff.startswith(b"<?xml") and (b"<rss" in sniff or b"<feed" in sniff):
        return "feed"
    if ext in HTML_EXT or sniff.startswith((b"<!doctype html", b"<html")):
        return "html"
    if ext in JSONL_EXT:
        return "jsonl"
    if ext in CSV_EXT:
        return "csv"
    return "text"


def read_path(path: Path, settings: Settings | None = None) -> IngestResult:
    settings = settings or Settings()
    name = str(path)
    if path.suffix.lower() in SKIP_EXT or path.name.lower() in SKIP_NAMES:
        return IngestResult(notices=(f"{name}: skipped, not an article file ({path.suffix or path.name})",))
    try:
        size = path.stat().st_size
        if size > settings.max_article_bytes and path.suffix.lower() not in JSONL_EXT | CSV_EXT:
            limit = settings.max_article_bytes / 1e6
            return IngestResult(rejects=(Reject(name, f"file too large ({size / 1e6:.1f} MB > {limit:.0f} MB limit)"),))
        data = path.read_bytes()
    except OSError as e:
        return IngestResult(rejects=(Reject(name, f"cannot read: {e.strerror or e}"),))
    if not data.strip():
        return IngestResult(rejects=(Reject(name, "empty file"),))
    if _is_binary(data, settings):
        return IngestResult(rejects=(Reject(name, "binary content, not text"),))
    kind = _kind(path, data)
    if kind == "feed":
        return read_feed(name, data, settings)
    text, notice = _decode(name, data)
    notices = (notice,) if notice else ()
    if kind == "jsonl":
        res = read_jsonl(name, text, settings)
    elif kind == "csv":
        res = read_csv(name, text, settings)
    elif kind == "html":
        res = read_html(name, text, settings)
    else:
        try:
            _check_text(name, text, settings)
            res = IngestResult(documents=(_make_doc(text, name, "text", settings=settings),))
        except InputError as e:
            res = IngestResult(rejects=(Reject(name, e.reason),))
    return IngestResult(res.documents, res.rejects, res.notices + notices)


def iter_files(paths: Iterable[Path]) -> Iterator[Path]:
    """Files under the given paths, in a stable order (sorted), hidden files skipped."""
    for p in paths:
        if p.is_dir():
            for f in sorted(p.rglob("*")):
                if f.is_file() and not any(part.startswith(".") for part in f.relative_to(p).parts):
                    yield f
        else:
            yield p


def read_paths(paths: Iterable[Path], settings: Settings | None = None) -> Iterator[tuple[Path, IngestResult]]:
    settings = settings or Settings()
    for f in iter_files(paths):
        if not f.exists():
            yield f, IngestResult(rejects=(Reject(str(f), "no such file or directory"),))
            continue
        yield f, read_path(f, settings)
