"""What every reader shares: decoding, the checks an article text must pass, metadata
clean-up, Document construction with a content-derived id, and collecting a reader's items.

The readers themselves: records.py (JSONL, JSON arrays, CSV corpora, streamed),
markup.py (HTML pages, RSS/Atom feeds), readers.py (plain text, and choosing a reader
for a file).
"""

from __future__ import annotations

import codecs
import hashlib
import re
import unicodedata
from collections.abc import Iterable
from typing import Any, Union

from tightrope.errors import InputError
from tightrope.extract.dates import parse_dateline
from tightrope.ingest.textmeta import parse_text_meta, plausible_date
from tightrope.models import DateValue, Document, IngestResult, Reject
from tightrope.settings import Settings

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
