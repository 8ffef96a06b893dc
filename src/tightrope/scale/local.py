"""The local engine: process pools, streaming corpus reading, contract rows, Parquet output.

``extract_stream`` is what ``pipeline.extract(workers=N)`` uses; ``run_engine``
is ``tightrope extract --input CORPUS --out DIR``.  The Ray engine
(ray_engine.py) reuses ``read_record``, ``contract_rows`` and ``ParquetSink``
so the two engines write equal files.
"""

from __future__ import annotations

import json
import multiprocessing as mp
import pickle
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from tightrope.errors import ConfigError, ExportError, InputError
from tightrope.models import Document, Extraction, Reject
from tightrope.settings import Settings

# Per-document tables of the export contract (store/export.py); actors and
# canonical events need the whole corpus (KB, cross-article merging).
ENGINE_TABLES = ("documents", "events", "statements", "stats", "relations")
# Documents per pool task.  Pickling a document and its extraction both ways costs
# ~0.2 ms against ~17 ms to extract a 750-word article (measured on the bench corpus),
# so IPC is ~1% at any chunk size; 16 keeps tasks short, so a run's last ones still
# spread over the workers, and bounds what is in flight (2 x workers chunks).
CHUNK = 16
# Documents per contract-rows batch (one scratch-store round trip).
BATCH = 64
# Rows buffered per table before a Parquet row group is written: each row group keeps
# metadata in the writer until the file is closed, so one per batch grows memory with
# the corpus; documents carry their whole text (~5 kB), so fewer of them are buffered.
ROW_GROUP = {"documents": 1_000, "events": 5_000, "statements": 5_000, "stats": 5_000, "relations": 5_000}
# Chunks a pool worker runs before it is replaced by a fresh fork of the warmed forkserver
# (~10 ms).  A long-lived worker grows: spaCy's vocabulary keeps a lexeme for every new
# word it meets (numbers, names), ~12 MB over 70k bench articles with unique serials.
# 500 chunks = 8,000 documents, so replacement costs nothing measurable.
WORKER_CHUNKS = 500
# Batches after which the scratch store is replaced: DuckDB keeps some memory of deleted
# rows and index entries, so one store reused for a whole corpus grows with it.
SCRATCH_BATCHES = 50


# ----------------------------------------------------------------- process pool


def _extract_chunk(docs: Sequence[Document]) -> list[Extraction]:
    from tightrope.extract import extract_document

    return [extract_document(d) for d in docs]


def _extract_one(doc: Document) -> Extraction | Exception:
    from tightrope.extract import extract_document

    try:
        return extract_document(doc)
    except Exception as e:  # noqa: BLE001 - one document must not stop the run; the caller records it
        return e


def _extract_chunk_safe(docs: Sequence[Document]) -> list[Extraction | Exception]:
    out = []
    for d in docs:
        x = _extract_one(d)
        if isinstance(x, Exception):
            try:
                pickle.dumps(x)
            except Exception:  # noqa: BLE001 - not picklable: the same type name and message
                x = type(type(x).__name__, (Exception,), {})(str(x))
        out.append(x)
    return out


def _pool(workers: int) -> ProcessPoolExecutor:
    # forkserver: workers fork from one clean process that loaded the KB once
    # (scale/_warm.py), not from the caller, which may hold DuckDB threads.
    if "forkserver" in mp.get_all_start_methods():
        ctx = mp.get_context("forkserver")
        ctx.set_forkserver_preload(["tightrope.scale._warm"])
    else:
        ctx = mp.get_context("spawn")
    return ProcessPoolExecutor(max_workers=workers, mp_context=ctx, max_tasks_per_child=WORKER_CHUNKS)


def _chunks(items: Iterable[Any], n: int) -> Iterator[list[Any]]:
    chunk: list[Any] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= n:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _ordered(docs: Iterable[Document], workers: int, chunk: int, one, many) -> Iterator[tuple[Document, Any]]:
    """(document, one(document)) in input order; on a pool, ``many`` runs a chunk in a worker.

    At most 2 x workers chunks are in flight, so memory does not grow with the input.
    """
    if workers <= 1:
        for d in docs:
            yield d, one(d)
        return
    with _pool(workers) as pool:
        pending: deque = deque()
        for c in _chunks(docs, chunk):
            pending.append((c, pool.submit(many, c)))
            while len(pending) >= 2 * workers:
                c0, fut = pending.popleft()
                yield from zip(c0, fut.result())
        while pending:
            c0, fut = pending.popleft()
            yield from zip(c0, fut.result())


def extract_pairs(docs: Iterable[Document], workers: int = 1,
                  chunk: int = CHUNK) -> Iterator[tuple[Document, Extraction]]:
    """(document, extraction) in input order; ``workers > 1`` extracts on a process pool."""
    from tightrope.extract import extract_document

    return _ordered(docs, workers, chunk, extract_document, _extract_chunk)


def extract_results(docs: Iterable[Document], workers: int = 1,
                    chunk: int = CHUNK) -> Iterator[tuple[Document, Extraction | Exception]]:
    """Like extract_pairs, but a document the extractor fails on gives its exception
    (same type name and message) instead of stopping the run."""
    return _ordered(docs, workers, chunk, _extract_one, _extract_chunk_safe)


def extract_stream(docs: Iterable[Document], workers: int = 1, chunk: int = CHUNK) -> Iterator[Extraction]:
    """Extractions in input order (the same ones ``extract_document`` gives, on N processes)."""
    for _, x in extract_pairs(docs, workers, chunk):
        yield x


# ----------------------------------------------------------------- corpus reading


def is_parquet(path: Path) -> bool:
    return path.suffix.lower() in (".parquet", ".pq")


def iter_records(path: Path) -> Iterator[tuple[str, Any]]:
    """(item, record) of a JSONL or Parquet corpus, streaming; a bad JSON line gives an InputError."""
    if is_parquet(path):
        import pyarrow.parquet as pq

        n = 0
        for batch in pq.ParquetFile(path).iter_batches(batch_size=1024):
            for rec in batch.to_pylist():
                n += 1
                yield f"row {n}", rec
        return
    with path.open(encoding="utf-8", errors="replace") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                yield f"line {n}", json.loads(line)
            except json.JSONDecodeError as e:
                yield f"line {n}", InputError(str(path), f"malformed JSON: {e.msg}", f"line {n}")


def read_record(rec: Any, path: str, item: str, settings: Settings) -> Document | Reject:
    """One corpus record -> Document, by the ingest rules for JSONL/CSV records."""
    from tightrope.ingest.records import _record_doc

    if isinstance(rec, InputError):
        return Reject(path, rec.reason, item)
    if not isinstance(rec, dict):
        return Reject(path, "not a JSON object", item)
    fmt = "parquet" if path.lower().endswith((".parquet", ".pq")) else "jsonl"
    try:
        return _record_doc(rec, path, item, fmt, settings)
    except InputError as e:
        return Reject(path, e.reason, item)


# ----------------------------------------------------------------- contract rows


_SCRATCH: dict[str, Any] = {}


def _scratch():
    """This process's scratch in-memory store, replaced every SCRATCH_BATCHES uses."""
    from tightrope.store.db import Store

    uses = _SCRATCH.get("uses", SCRATCH_BATCHES)
    if uses >= SCRATCH_BATCHES:
        if "store" in _SCRATCH:
            _SCRATCH["store"].close()
        _SCRATCH["store"], uses = Store(":memory:"), 0
    _SCRATCH["uses"] = uses + 1
    return _SCRATCH["store"]


@lru_cache(maxsize=None)
def _table_types(table: str) -> dict[str, str]:
    from tightrope.store.db import Store

    with Store(":memory:") as store:
        return store.table_types(table)


def contract_rows(docs: Sequence[Document], extractions: Sequence[Extraction]) -> dict[str, list[dict]]:
    """Export-contract rows of a batch, exactly as ``tightrope export`` writes them.

    The batch goes through a scratch in-memory store and store/export.py, so every
    value is converted as in the real store.  Rows follow the input order of the
    documents (within a document: the store's order), whatever the batch size.
    Documents must be unique by doc_id within the batch.
    """
    from tightrope.extract import EXTRACTOR_VERSION
    from tightrope.store.export import table_rows

    store = _scratch()
    store._tx(lambda: [store.con.execute(f"DELETE FROM {t}") for t in (*ENGINE_TABLES, "text_actors")])
    store.add_documents(docs)
    store.save_extractions(extractions, EXTRACTOR_VERSION)
    pos = {d.doc_id: i for i, d in enumerate(docs)}
    out = {}
    for t in ENGINE_TABLES:
        rows = table_rows(store, t)
        rows.sort(key=lambda r: pos[r["doc_id"]])  # stable: keeps the store's order within a document
        out[t] = rows
    return out


def arrow_schema(table: str):
    """Arrow schema of an engine table: contract column order, store column types."""
    import pyarrow as pa

    from tightrope.store.export import CONTRACT

    types = _table_types(table)
    mapping = {"DOUBLE": pa.float64(), "INTEGER": pa.int64(), "BIGINT": pa.int64(), "BOOLEAN": pa.bool_(),
               "VARCHAR[]": pa.list_(pa.string())}
    return pa.schema([(c, mapping.get(types.get(c, ""), pa.string())) for c in CONTRACT[table]])


class ParquetSink:
    """One Parquet file per engine table, written as rows come (streaming, at most
    ROW_GROUP rows buffered per table).

    With ``dedup``, rows of a document already written by an earlier batch are dropped:
    a corpus that repeats an article stores it once, as ``tightrope ingest`` does (the
    local engine drops repeats before extracting them and passes ``dedup=False``).
    """

    def __init__(self, out_dir: Path, *, dedup: bool = True):
        import pyarrow.parquet as pq

        self.out_dir = Path(out_dir)
        try:
            self.out_dir.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise ExportError(f"{out_dir}: cannot create output folder ({e.strerror or e})") from e
        self.schemas = {t: arrow_schema(t) for t in ENGINE_TABLES}
        self.paths = {t: self.out_dir / f"{t}.parquet" for t in ENGINE_TABLES}
        self.writers = {t: pq.ParquetWriter(self.paths[t], self.schemas[t]) for t in ENGINE_TABLES}
        self.dedup = dedup
        self.written: set[str] = set()
        self.counts = {t: 0 for t in ENGINE_TABLES}
        self.buffers: dict[str, list[dict]] = {t: [] for t in ENGINE_TABLES}

    def write(self, rows: dict[str, list[dict]]) -> None:
        if self.dedup:
            new = {r["doc_id"] for r in rows.get("documents", ())} - self.written
            rows = {t: [r for r in rows.get(t, ()) if r["doc_id"] in new] for t in ENGINE_TABLES}
            self.written |= new
        for t in ENGINE_TABLES:
            keep = rows.get(t, ())
            self.buffers[t].extend(keep)
            self.counts[t] += len(keep)
            if len(self.buffers[t]) >= ROW_GROUP[t]:
                self._flush(t)

    def _flush(self, t: str) -> None:
        import pyarrow as pa

        if self.buffers[t]:
            self.writers[t].write_table(pa.Table.from_pylist(self.buffers[t], schema=self.schemas[t]))
            self.buffers[t] = []

    def close(self) -> list[Path]:
        for t, w in self.writers.items():
            self._flush(t)
            w.close()
        return [self.paths[t] for t in ENGINE_TABLES]


# ----------------------------------------------------------------- engines


@dataclass
class EngineSummary:
    records: int = 0
    documents: int = 0
    duplicates: int = 0
    rejects: list[Reject] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    files: list[Path] = field(default_factory=list)


Progress = Callable[[str, int, "int | None"], None]


def _run_local(path: Path, out_dir: Path, *, workers: int, batch: int, settings: Settings,
               progress: Progress) -> EngineSummary:
    summary = EngineSummary()
    seen: set[str] = set()

    def documents() -> Iterator[Document]:
        for item, rec in iter_records(path):
            summary.records += 1
            doc = read_record(rec, str(path), item, settings)
            if isinstance(doc, Reject):
                summary.rejects.append(doc)
                continue
            if doc.doc_id in seen:
                summary.duplicates += 1
                continue
            seen.add(doc.doc_id)
            yield doc

    sink = ParquetSink(out_dir, dedup=False)  # repeats are dropped before extraction
    try:
        docs: list[Document] = []
        xs: list[Extraction] = []
        for d, x in extract_pairs(documents(), workers):
            docs.append(d)
            xs.append(x)
            if len(docs) >= batch:
                sink.write(contract_rows(docs, xs))
                progress("extract", len(docs), None)
                docs, xs = [], []
        if docs:
            sink.write(contract_rows(docs, xs))
            progress("extract", len(docs), None)
    finally:
        summary.files = sink.close()
    summary.documents = sink.counts["documents"]
    summary.counts = dict(sink.counts)
    return summary


def run_engine(path: Path, out_dir: Path, *, engine: str = "local", workers: int = 1, batch: int = BATCH,
               settings: Settings | None = None, progress: Progress | None = None) -> EngineSummary:
    """Extract a JSONL/Parquet corpus into ``out_dir/{table}.parquet`` (export contract).

    ``engine="ray"`` runs the same per-batch work with Ray Data ``map_batches``
    (``pip install tightrope[ray]``); the files are equal to the local engine's.
    """
    settings = settings or Settings()
    progress = progress or (lambda stage, advance, total: None)
    path = Path(path)
    if not path.is_file():
        raise InputError(str(path), "no such corpus file")
    if engine == "local":
        return _run_local(path, Path(out_dir), workers=workers, batch=batch, settings=settings, progress=progress)
    if engine == "ray":
        from tightrope.scale.ray_engine import run_ray

        return run_ray(path, Path(out_dir), workers=workers, batch=batch, settings=settings, progress=progress)
    raise ConfigError(f"unknown engine {engine!r} (choose local or ray)")
