"""Readers: files of every supported kind -> Documents, bad items -> Rejects.

Contract: ``iter_path(path)`` and ``read_path(path)`` never raise for bad
content; every problem becomes a :class:`Reject` naming the file (and
line/item) with one reason, and every good item in the same file is still
returned.  Field-level problems that do not make the item unusable (an
unreadable or implausible publication date) are reported as notices and the
item is kept.

Corpus files (JSONL, CSV) are streamed record by record with a bounded read
per record, so a large corpus never sits in memory whole and the pipeline can
commit it batch by batch; single-article files (text, HTML, feeds) above
``Settings.max_article_bytes`` are refused before they are read.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import json
import re
import unicodedata
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, BinaryIO, Union

from tightrope.errors import InputError
from tightrope.extract.dates import parse_dateline
from tightrope.ingest.textmeta import parse_text_meta, plausible_date
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

# Metadata strings (title, url, publisher) longer than this are not metadata.
_MAX_META_CHARS = 2000
# Bytes looked at to sniff the kind, binary content and the encoding of a streamed file.
_HEAD_BYTES = 64 * 1024
# Sentence-final characters (Latin, Arabic, Devanagari, CJK) followed by space or end,
# and line breaks: what ends a sentence for the long-sentence guard in _check_text.
_SENTENCE_BREAK = re.compile(r"[.!?\u2026\u061f\u06d4\u0964\u3002\uff01\uff1f]+[\"'\u201d\u2019)\]]*(?=\s|$)|\n")
_SURROGATE = re.compile("[\ud800-\udfff]")

Item = Union[Document, Reject, str]  # a str is a notice


def doc_id_for(text: str) -> str:
    """Deterministic id from normalised content: the same article ingested twice is one."""
    norm = " ".join(unicodedata.normalize("NFC", text).split())
    return "d" + hashlib.sha256(norm.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def normalise_text(text: str) -> str:
    # Spans must stay stable across platforms: one newline convention, no BOM, no NULs;
    # lone surrogates (from JSON "\ud800" escapes) cannot be stored as UTF-8.
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff").replace("\x00", "")
    return _SURROGATE.sub("\ufffd", text)


def _mib(n: float) -> str:
    return f"{n / (1024 * 1024):.1f} MiB"


def _decode(path: str, data: bytes) -> tuple[str, str | None]:
    """Decode bytes; return text and a notice when a fallback codec was used."""
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError:
        pass
    codec = _fallback_codec(data)
    return data.decode(codec), f"{path}: not UTF-8, decoded as {codec}"


def _fallback_codec(data: bytes) -> str:
    # Arabic-script Windows text (cp1256) is common in Iraqi sources; latin-1 never fails,
    # so it goes last. Choose cp1256 only when it yields Arabic letters.
    try:
        text = data.decode("cp1256")
        if sum("\u0600" <= c <= "\u06ff" for c in text) > len(text) * 0.05:
            return "cp1256"
    except UnicodeDecodeError:
        pass
    try:
        data.decode("cp1252")
        return "cp1252"
    except UnicodeDecodeError:
        return "latin-1"


def _stream_codec(head: bytes) -> str:
    """Codec for a streamed file, chosen on its head (a cut multi-byte character at the end is fine)."""
    try:
        codecs.getincrementaldecoder("utf-8-sig")().decode(head, final=False)
        return "utf-8-sig"
    except UnicodeDecodeError:
        return _fallback_codec(head)


def _is_binary(data: bytes, settings: Settings) -> bool:
    sample = data[:8192]
    if b"\x00" in sample:
        return True
    ctrl = sum(1 for b in sample if b < 9 or 13 < b < 32)
    return ctrl > len(sample) * settings.max_binary_ratio


def longest_sentence(text: str) -> tuple[int, int]:
    """(length, start) of the longest run of text without a sentence break or line break."""
    best, best_at, prev = 0, 0, 0
    for m in _SENTENCE_BREAK.finditer(text):
        if m.start() - prev > best:
            best, best_at = m.start() - prev, prev
        prev = m.end()
    if len(text) - prev > best:
        best, best_at = len(text) - prev, prev
    return best, best_at


def _check_text(path: str, text: str, settings: Settings, item: str | None = None) -> None:
    stripped = text.strip()
    if not stripped:
        raise InputError(path, "empty text", item)
    if len(stripped) < settings.min_article_chars:
        raise InputError(path, f"too short to be an article ({len(stripped)} chars)", item)
    longest, at = longest_sentence(text)
    if longest > settings.max_sentence_chars:
        # Not prose (a dump, a table flattened to one line): the extractor's work grows
        # faster than linearly with sentence length, so such a text would stall the run.
        raise InputError(path, f"a sentence of {longest:,} characters without a break at offset {at:,} "
                               f"(limit {settings.max_sentence_chars:,}, TIGHTROPE_MAX_SENTENCE_CHARS): "
                               "not article prose", item)


def _meta_str(v: Any) -> str | None:
    """A metadata field as a clean short string, or None (numbers become text; lists, dicts are dropped)."""
    if isinstance(v, bool) or v is None:
        return None
    if isinstance(v, (int, float)):
        v = str(v)
    if not isinstance(v, str):
        return None
    v = " ".join(normalise_text(v).split())
    return v[:_MAX_META_CHARS] or None


def _make_doc(text: str, path: str, fmt: str, *, title=None, url=None, publisher=None,
              published: DateValue | None = None, settings: Settings) -> Document:
    text = normalise_text(text)
    title, url, publisher = _meta_str(title), _meta_str(url), _meta_str(publisher)
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


class _DateNotes:
    """Collects the items of one file whose metadata date was unusable: one notice per file."""

    def __init__(self, path: str):
        self.path = path
        self.count = 0
        self.first: str | None = None

    def parse(self, raw: Any, item: str | None) -> DateValue | None:
        if raw in (None, ""):
            return None
        value = parse_dateline(str(raw)[:200])
        if value is not None and plausible_date(value.date):
            return DateValue(value.date, value.precision, "metadata")
        self.count += 1
        if self.first is None:
            why = "implausible" if value is not None else "unreadable"
            self.first = f"{item + ': ' if item else ''}{why} {str(raw)[:60]!r}"
        return None

    def notice(self) -> str | None:
        if not self.count:
            return None
        return (f"{self.path}: {self.count} item(s) with an unreadable or implausible publication date "
                f"(first: {self.first}); date ignored, taken from the text where it names one")


def _first(rec: dict, names: Iterable[str]):
    lower = {str(k).lower(): v for k, v in rec.items()}
    for n in names:
        v = lower.get(n)
        if v not in (None, ""):
            return v
    return None


def _record_doc(rec: dict, path: str, item: str, fmt: str, settings: Settings,
                dates: _DateNotes | None = None) -> Document:
    text = _first(rec, TEXT_FIELDS)
    if not isinstance(text, str):
        raise InputError(path, f"no text field (expected one of {', '.join(TEXT_FIELDS)})", item)
    _check_text(path, text, settings, item)
    dates = dates or _DateNotes(path)
    published = dates.parse(_first(rec, DATE_FIELDS), item)
    title = _meta_str(_first(rec, TITLE_FIELDS))
    text_full = f"{title}\n{text}" if title and title not in text[:500] else text
    return _make_doc(text_full, path, fmt, title=title, url=_first(rec, URL_FIELDS),
                     publisher=_first(rec, PUBLISHER_FIELDS), published=published, settings=settings)


def _record_items(records: Iterable[tuple[str, Any]], path: str, fmt: str, settings: Settings) -> Iterator[Item]:
    dates = _DateNotes(path)
    for item, rec in records:
        if isinstance(rec, Reject):
            yield rec
            continue
        if not isinstance(rec, dict):
            yield Reject(path, "not a JSON object", item)
            continue
        try:
            yield _record_doc(rec, path, item, fmt, settings, dates)
        except InputError as e:
            yield Reject(path, e.reason, item)
    if dates.notice():
        yield dates.notice()


def _json_loads(s: str | bytes) -> Any:
    try:
        return json.loads(s)
    except RecursionError:
        raise ValueError("nested too deeply") from None


def _read_line(f: BinaryIO, limit: int) -> tuple[bytes, bool]:
    """The next line (b"" at the end), read a bounded chunk at a time; (b"", True) when it
    is over ``limit`` bytes: its chunks are dropped as soon as it passes the limit, so an
    oversized record never sits in memory whole."""
    chunks: list[bytes] = []
    size = 0
    too_large = False
    while True:
        chunk = f.readline(1024 * 1024)
        if not chunk:
            break
        size += len(chunk)
        if size > limit + 1:
            too_large = True
            chunks.clear()
        elif not too_large:
            chunks.append(chunk)
        if chunk.endswith(b"\n"):
            break
    if too_large:
        return b"", True
    return (chunks[0] if len(chunks) == 1 else b"".join(chunks)), False


def _jsonl_lines(path: str, f: BinaryIO, settings: Settings, notices: list[str]) -> Iterator[tuple[str, Any]]:
    """(item, record-or-Reject) per non-blank line, reading at most one record's bytes at a time."""
    limit = settings.max_article_bytes
    n = 0
    while True:
        line, too_large = _read_line(f, limit)
        if not line and not too_large:
            return
        n += 1
        if too_large:
            yield f"line {n}", Reject(path, f"record too large (over the {_mib(limit)} limit)", f"line {n}")
            continue
        if not line.strip():
            continue
        text, notice = _decode(path, line)
        if notice and not notices:
            notices.append(f"{notice} (line {n} and maybe others)")
        try:
            yield f"line {n}", _json_loads(text)
        except json.JSONDecodeError as e:
            yield f"line {n}", Reject(path, f"malformed JSON: {e.msg}", f"line {n}")
        except ValueError as e:
            yield f"line {n}", Reject(path, f"malformed JSON: {e}", f"line {n}")


def _iter_jsonl(path: Path, name: str, head: bytes, size: int, settings: Settings) -> Iterator[Item]:
    if name.lower().endswith(".json") and head.lstrip().startswith(b"["):
        if size > settings.max_article_bytes:
            yield Reject(name, f"JSON array too large ({_mib(size)} > {_mib(settings.max_article_bytes)} limit); "
                               "write one JSON object per line (JSONL) to stream it")
            return
        text, notice = _decode(name, path.read_bytes())
        if notice:
            yield notice
        yield from _iter_json_array(name, text, settings)
        return
    notices: list[str] = []
    with path.open("rb") as f:
        yield from _record_items(_jsonl_lines(name, f, settings, notices), name, "jsonl", settings)
    yield from notices


def _iter_json_array(path: str, text: str, settings: Settings) -> Iterator[Item]:
    try:
        records = _json_loads(text.lstrip())
    except json.JSONDecodeError as e:
        yield Reject(path, f"invalid JSON: {e.msg} at line {e.lineno}")
        return
    except ValueError as e:
        yield Reject(path, f"invalid JSON: {e}")
        return
    if not isinstance(records, list):
        records = [records]
    yield from _record_items(((f"item {i + 1}", r) for i, r in enumerate(records)), path, "jsonl", settings)


def _csv_rows(name: str, f: io.TextIOBase, dialect: str, header: list[str]) -> Iterator[tuple[str, Any]]:
    reader = csv.reader(f, dialect=dialect)
    keys = [h.strip() for h in header]
    n = 1
    while True:
        n += 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as e:  # one bad row: report it, the reader resumes on the next line
            yield f"row {n}", Reject(name, f"malformed CSV: {e}", f"row {n}")
            continue
        if not any(c.strip() for c in row):
            n -= 1
            continue
        yield f"row {n}", dict(zip(keys, row))


def _iter_csv(path: Path, name: str, head: bytes, settings: Settings) -> Iterator[Item]:
    dialect = "excel-tab" if name.lower().endswith(".tsv") else "excel"
    csv.field_size_limit(settings.max_article_bytes)
    codec = _stream_codec(head)
    if codec != "utf-8-sig":
        yield f"{name}: not UTF-8, decoded as {codec}"
    with path.open("r", encoding=codec, errors="replace", newline="") as f:
        try:
            header = next(csv.reader(f, dialect=dialect), None)
        except csv.Error as e:
            yield Reject(name, f"malformed CSV header: {e}")
            return
        fields = [h.strip().lower() for h in header or []]
        if not any(fl in fields for fl in TEXT_FIELDS):
            yield Reject(name, f"no text column (expected one of {', '.join(TEXT_FIELDS)})")
            return
        yield from _record_items(_csv_rows(name, f, dialect, header), name, "csv", settings)


def read_jsonl(path: str, text: str, settings: Settings) -> IngestResult:
    """JSONL/JSON already in memory: same rules as the streamed reader."""
    if path.lower().endswith(".json") and text.lstrip().startswith("["):
        return _collect(_iter_json_array(path, text, settings))
    data = io.BytesIO(text.encode("utf-8", "surrogatepass"))
    notices: list[str] = []
    return _collect(_record_items(_jsonl_lines(path, data, settings, notices), path, "jsonl", settings))


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


def read_csv(path: str, text: str, settings: Settings) -> IngestResult:
    """CSV already in memory: same rules as the streamed reader."""
    dialect = "excel-tab" if path.lower().endswith(".tsv") else "excel"
    csv.field_size_limit(settings.max_article_bytes)
    f = io.StringIO(text, newline="")

    def items() -> Iterator[Item]:
        header = next(csv.reader(f, dialect=dialect), None)
        fields = [h.strip().lower() for h in header or []]
        if not any(fl in fields for fl in TEXT_FIELDS):
            yield Reject(path, f"no text column (expected one of {', '.join(TEXT_FIELDS)})")
            return
        yield from _record_items(_csv_rows(path, f, dialect, header), path, "csv", settings)

    return _collect(items())


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


def _iter_text(name: str, text: str, settings: Settings) -> Iterator[Item]:
    try:
        _check_text(name, text, settings)
    except InputError as e:
        yield Reject(name, e.reason)
        return
    yield _make_doc(text, name, "text", settings=settings)


def _iter_path(path: Path, settings: Settings) -> Iterator[Item]:
    name = str(path)
    if path.suffix.lower() in SKIP_EXT or path.name.lower() in SKIP_NAMES:
        yield f"{name}: skipped, not an article file ({path.suffix or path.name})"
        return
    try:
        size = path.stat().st_size
        with path.open("rb") as f:
            head = f.read(_HEAD_BYTES)
    except FileNotFoundError:
        yield Reject(name, "no such file or directory")
        return
    except OSError as e:
        yield Reject(name, f"cannot read: {e.strerror or e}")
        return
    if not head.strip() and size <= len(head):
        yield Reject(name, "empty file")
        return
    utf16 = head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    if not utf16 and _is_binary(head, settings):
        yield Reject(name, "binary content, not text")
        return
    kind = _kind(path, head.decode("utf-16", "replace").encode() if utf16 else head)
    if utf16 and kind in ("jsonl", "csv"):
        yield Reject(name, "UTF-16 corpus file: save it as UTF-8 to have it streamed record by record")
        return
    if kind == "jsonl":
        yield from _iter_jsonl(path, name, head, size, settings)
        return
    if kind == "csv":
        yield from _iter_csv(path, name, head, settings)
        return
    if size > settings.max_article_bytes:
        yield Reject(name, f"file too large ({_mib(size)} > {_mib(settings.max_article_bytes)} limit)")
        return
    data = path.read_bytes()
    if kind == "feed":
        yield from _iter_feed(name, data, settings)
        return
    text, notice = (data.decode("utf-16", "replace"), None) if utf16 else _decode(name, data)
    del data
    if notice:
        yield notice
    yield from (_iter_html(name, text, settings) if kind == "html" else _iter_text(name, text, settings))


def iter_path(path: Path, settings: Settings | None = None) -> Iterator[Item]:
    """Documents, Rejects and notices (str) of one file, in file order, streamed.

    Never raises for bad content: a failure inside a reader (a library choking on
    hostile input, an I/O error half-way) ends the file with one Reject; the items
    already yielded stand.
    """
    settings = settings or Settings()
    try:
        yield from _iter_path(Path(path), settings)
    except Exception as e:  # noqa: BLE001 - the contract: bad input is a reject, never a crash
        yield Reject(str(path), f"could not be read ({type(e).__name__}: {str(e)[:200]})")


def _collect(items: Iterable[Item]) -> IngestResult:
    docs, rejects, notices = [], [], []
    for it in items:
        if isinstance(it, Document):
            docs.append(it)
        elif isinstance(it, Reject):
            rejects.append(it)
        else:
            notices.append(it)
    return IngestResult(tuple(docs), tuple(rejects), tuple(notices))


def read_path(path: Path, settings: Settings | None = None) -> IngestResult:
    """Everything of one file at once (small inputs; the pipeline streams with :func:`iter_path`)."""
    return _collect(iter_path(path, settings))


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
        yield f, read_path(f, settings)
