"""Corpus readers: JSONL (and JSON arrays) and CSV/TSV, one Document per record.

Records are streamed with a bounded read per record, so a large corpus never sits in
memory whole; a bad record becomes a Reject naming its line or row, and the rest of
the file is still read.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, BinaryIO

from tightrope.errors import InputError
from tightrope.ingest.base import (
    DATE_FIELDS, PUBLISHER_FIELDS, TEXT_FIELDS, TITLE_FIELDS, URL_FIELDS, Item, _check_text, _collect, _DateNotes,
    _decode, _make_doc, _meta_str, _mib, _stream_codec,
)
from tightrope.models import Document, IngestResult, Reject
from tightrope.settings import Settings


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
