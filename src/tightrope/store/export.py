"""Export the store in the export contract: one file per table, jsonl|csv|parquet.

Field names and order are the contract other tools read; keep them.
Output is deterministic (sorted rows, stable ids), so re-running the same
input gives byte-identical files.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from tightrope.errors import ExportError
from tightrope.store.db import Store

CONTRACT: dict[str, list[str]] = {
    "documents": ["doc_id", "path", "url", "title", "publisher", "published", "published_precision",
                  "published_method", "source_format", "text"],
    "events": ["event_id", "doc_id", "event_date", "date_precision", "date_method", "event_type",
               "sub_event_type", "plover_type", "plover_mode", "actor1", "actor1_id", "assoc_actor_1",
               "actor2", "actor2_id", "assoc_actor_2", "origin_country", "location", "admin1", "country",
               "latitude", "longitude", "geo_precision", "geo_method", "weapon", "fatalities", "outcome",
               "claim_status", "attributed_to", "hedged", "trigger", "method", "confidence",
               "text", "char_start", "char_end"],
    "statements": ["statement_id", "doc_id", "date", "speaker", "speaker_id", "speaker_role", "speaker_org",
                   "statement_type", "target", "quote", "method", "confidence", "text", "char_start", "char_end"],
    "stats": ["stat_id", "doc_id", "subject", "origin", "target", "value", "unit", "approximate",
              "period_start", "period_end", "source", "method", "confidence", "text", "char_start", "char_end"],
    "relations": ["subject", "subject_id", "relation", "object", "object_id", "doc_id", "method",
                  "confidence", "text", "char_start", "char_end"],
    "actors": ["actor_id", "name", "aliases", "actor_type", "country", "affiliations", "origin"],
    # One row per incident after cross-article merging (resolve/merge.py); ``members``
    # lists every mention as {event_id, doc_id, char_start, char_end}.
    "canonical_events": ["canonical_event_id", "event_date", "date_precision", "event_type", "sub_event_type",
                         "plover_type", "actor1", "actor1_id", "actor2", "actor2_id", "location", "admin1",
                         "country", "latitude", "longitude", "geo_precision", "weapon", "fatalities",
                         "fatalities_max", "claim_statuses", "n_mentions", "n_documents", "doc_ids",
                         "publishers", "first_reported", "last_reported", "members"],
}
FORMATS = ("jsonl", "csv", "parquet")


def plain_value(v: Any) -> Any:
    """A stored value as plain JSON: dates as ISO strings, whole floats as ints."""
    if isinstance(v, (dt.date, dt.datetime)):
        return v.isoformat()
    if isinstance(v, float) and v.is_integer() and abs(v) < 2**53:
        return int(v)
    return v


def table_rows(store: Store, table: str) -> list[dict[str, Any]]:
    if table == "actors":
        return actor_rows(store)
    if table == "canonical_events":
        from tightrope.resolve.canonical import canonical_rows

        return [{c: plain_value(r.get(c)) for c in CONTRACT[table]} for r in canonical_rows(store)]
    cols = CONTRACT[table]
    return [{c: plain_value(r.get(c)) for c in cols} for r in store.rows(table)]


def actor_rows(store: Store) -> list[dict[str, Any]]:
    from tightrope.resolve.actors import ActorKB

    rows = [a.to_row() for a in ActorKB.load().actors()]
    known = {r["actor_id"] for r in rows}
    for r in store.rows("text_actors"):
        if r["actor_id"] in known:
            continue
        rows.append({"actor_id": r["actor_id"], "name": r["name"], "aliases": [], "actor_type": r["actor_type"],
                     "country": r["country"], "affiliations": [], "origin": "text"})
    rows.sort(key=lambda r: r["actor_id"])
    return [{c: r.get(c) for c in CONTRACT["actors"]} for r in rows]


def _write_jsonl(path: Path, rows: Iterable[dict[str, Any]]) -> None:
    with path.open("w", encoding="utf-8", newline="\n") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False, sort_keys=False) + "\n")


def _write_csv(path: Path, rows: list[dict[str, Any]], cols: list[str]) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=cols)
        w.writeheader()
        for r in rows:
            w.writerow({k: json.dumps(v, ensure_ascii=False) if isinstance(v, (list, dict)) else v
                        for k, v in r.items()})


def _write_parquet(path: Path, rows: list[dict[str, Any]], cols: list[str]) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    if rows:
        table = pa.Table.from_pylist(rows)
    else:
        table = pa.table({c: pa.array([], type=pa.string()) for c in cols})
    pq.write_table(table, path)


WRITERS: dict[str, Callable[..., None]] = {
    "jsonl": lambda p, rows, cols: _write_jsonl(p, rows),
    "csv": _write_csv,
    "parquet": _write_parquet,
}


def export(store: Store, out_dir: Path, fmt: str = "jsonl", tables: Iterable[str] | None = None) -> list[Path]:
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r} (choose from {', '.join(FORMATS)})")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise ExportError(f"{out_dir}: cannot create output folder ({e.strerror or e})") from e
    written = []
    for table in tables or CONTRACT:
        rows = table_rows(store, table)
        path = out_dir / f"{table}.{fmt}"
        WRITERS[fmt](path, rows, CONTRACT[table])
        written.append(path)
    return written
