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
from collections.abc import Iterable, Iterator
from pathlib import Path

from tightrope.errors import InputError
# Re-exported: the readers' shared pieces and the format readers, importable from here as before.
from tightrope.ingest.base import (
    _HEAD_BYTES, TEXT_FIELDS, Item, _check_text, _collect, _decode, _is_binary, _make_doc, _mib, doc_id_for,
    longest_sentence, normalise_text,
)
from tightrope.ingest.markup import _iter_feed, _iter_html, read_feed, read_html
from tightrope.ingest.records import _iter_csv, _iter_jsonl, read_csv, read_jsonl
from tightrope.models import IngestResult, Reject
from tightrope.settings import Settings

TEXT_EXT = {".txt", ".text", ".md"}
HTML_EXT = {".html", ".htm", ".xhtml"}
FEED_EXT = {".xml", ".rss", ".atom"}
JSONL_EXT = {".jsonl", ".ndjson", ".json"}
CSV_EXT = {".csv", ".tsv"}
# Known non-article files met in article folders: skipped with a notice, not an error.
SKIP_EXT = {".yaml", ".yml", ".toml", ".ini", ".cfg", ".py", ".pdf", ".png", ".jpg", ".gif", ".zip", ".gz"}
SKIP_NAMES = {"readme.md", "license", "license.md", "source.md"}

__all__ = ["Item", "TEXT_FIELDS", "doc_id_for", "iter_files", "iter_path", "longest_sentence", "normalise_text",
           "read_csv", "read_feed", "read_html", "read_jsonl", "read_path", "read_paths"]


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
