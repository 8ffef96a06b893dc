"""The main job, as library calls: ingest -> extract -> resolve (merge) -> (analyse) -> report.

The CLI is a thin layer over these functions.  Each step is resumable:
documents are keyed by content hash, extraction is recorded per document
with the extractor version, so a re-run only does the work left.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from tightrope.errors import StoreError
from tightrope.ingest.readers import iter_files, iter_path
from tightrope.models import Document, Extraction, Reject
from tightrope.settings import Settings
from tightrope.store.db import Store

Progress = Callable[[str, int, int | None], None]  # (stage, advance, total)
# Documents read from the store at a time during extraction: memory is bounded by a page.
DOCUMENT_PAGE = 500


def _noop(stage: str, advance: int, total: int | None) -> None:
    return None


@dataclass(frozen=True)
class IngestSummary:
    files: int
    documents: int
    new_documents: int
    rejects: tuple[Reject, ...] = ()
    notices: tuple[str, ...] = ()

    @property
    def status(self) -> str:
        """ok: everything read; partial: some items rejected, the rest stored; failed: nothing read."""
        if self.documents == 0 and (self.rejects or self.files == 0):
            return "failed"
        return "partial" if self.rejects else "ok"


@dataclass(frozen=True)
class ExtractSummary:
    documents: int
    counts: dict[str, int] = field(default_factory=dict)
    failures: tuple[Reject, ...] = ()  # documents the extractor or the store could not handle

    @property
    def status(self) -> str:
        return "partial" if self.failures else "ok"


def ingest(paths: Sequence[Path], store: Store, *, settings: Settings | None = None,
           progress: Progress = _noop) -> IngestSummary:
    """Read every file, streaming; commit every ``settings.batch_size`` documents.

    Each batch (its new documents and its rejects) is one transaction, so a run
    killed at any point loses at most the batch in flight, and re-running the
    same input stores exactly what is missing (documents are keyed by content).
    """
    settings = settings or Settings()
    paths = list(paths)
    files = list(iter_files(paths))
    progress("ingest", 0, len(files))
    run_id = store.start_run()
    rejects: list[Reject] = []
    notices: list[str] = []
    docs: list[Document] = []
    pending: list[Reject] = []
    n_docs = n_new = 0

    def flush() -> None:
        nonlocal n_new
        if docs or pending:
            n_new += len(store.add_batch(docs, pending, run_id))
        docs.clear()
        pending.clear()

    for p in paths:
        if p.is_dir() and not any(f.is_relative_to(p) for f in files):
            rejects.append(Reject(str(p), "no article files in this folder"))
            pending.append(rejects[-1])
    for f in files:
        for item in iter_path(f, settings):
            if isinstance(item, Document):
                docs.append(item)
                n_docs += 1
                if len(docs) >= settings.batch_size:
                    flush()
            elif isinstance(item, Reject):
                pending.append(item)
                rejects.append(item)
            else:
                notices.append(item)
        progress("ingest", 1, None)
    flush()
    summary = IngestSummary(len(files), n_docs, n_new, tuple(rejects), tuple(notices))
    store.finish_run(run_id, summary.status, len(files), n_docs, n_new, len(rejects))
    return summary


class _Saver:
    """Extractions waiting to be committed, a batch per transaction.

    A batch the store refuses is retried document by document: the document
    whose facts cannot be stored becomes a reject, the others are kept.
    """

    def __init__(self, store: Store, version: str, size: int):
        self.store, self.version, self.size = store, version, size
        self.batch: list[tuple[Document, Extraction]] = []
        self.failures: list[Reject] = []
        self.counts = {"events": 0, "statements": 0, "stats": 0, "relations": 0}

    def add(self, doc: Document, x: Extraction) -> None:
        self.batch.append((doc, x))
        if len(self.batch) >= self.size:
            self.flush()

    def fail(self, doc: Document, reason: str) -> None:
        self.failures.append(Reject(doc.path or doc.doc_id, reason, f"extract {doc.doc_id}"))

    def flush(self) -> None:
        if not self.batch:
            return
        try:
            self.store.save_extractions([x for _, x in self.batch], self.version)
            kept = self.batch
        except StoreError:
            kept = []
            for doc, x in self.batch:
                try:
                    self.store.save_extractions([x], self.version)
                    kept.append((doc, x))
                except StoreError as e:
                    self.fail(doc, f"facts could not be stored ({e})")
        for _, x in kept:
            self.counts["events"] += len(x.events)
            self.counts["statements"] += len(x.statements)
            self.counts["stats"] += len(x.stats)
            self.counts["relations"] += len(x.relations)
        self.batch = []


def _pages(store: Store, ids: Sequence[str]) -> Iterable[Document]:
    for i in range(0, len(ids), DOCUMENT_PAGE):
        yield from store.documents(ids=ids[i:i + DOCUMENT_PAGE])


def extract(store: Store, *, force: bool = False, settings: Settings | None = None,
            progress: Progress = _noop, workers: int | None = None) -> ExtractSummary:
    """Extract every document not yet extracted by this extractor version (all with ``force``).

    Documents are read from the store a page at a time and extracted on
    ``workers`` processes (default ``settings.workers``).  Batches are committed
    as they complete (facts and the document's ``extracted_version`` together),
    so a killed run resumes where it stopped.  A document the extractor fails
    on is recorded as a reject and skipped; the rest of the run goes on.
    """
    from tightrope.extract import EXTRACTOR_VERSION, extract_document

    settings = settings or Settings()
    workers = workers if workers is not None else settings.workers
    ids = store.document_ids(None if force else EXTRACTOR_VERSION)
    progress("extract", 0, len(ids))
    saver = _Saver(store, EXTRACTOR_VERSION, settings.batch_size)
    done = 0
    if workers > 1 and ids:
        from tightrope.scale.local import extract_pairs

        pairs = extract_pairs(_pages(store, ids), workers)
        while True:
            try:
                doc, x = next(pairs)
            except StopIteration:
                break
            except Exception:  # noqa: BLE001 - a document failed in a worker: go on one by one below
                break
            saver.add(doc, x)
            done += 1
            progress("extract", 1, None)
    for doc in _pages(store, ids[done:]):
        try:
            x = extract_document(doc)
        except Exception as e:  # noqa: BLE001 - one document must not stop the run
            saver.fail(doc, f"extractor failed ({type(e).__name__}: {str(e)[:200]})")
        else:
            saver.add(doc, x)
        progress("extract", 1, None)
    saver.flush()
    if saver.failures:
        store.add_rejects(saver.failures, None)
    return ExtractSummary(len(ids), saver.counts, tuple(saver.failures))


def resolve_events(store: Store, *, settings: Settings | None = None):
    """Link text actors, then merge event mentions into canonical events (rebuilds both)."""
    from tightrope.resolve.merge import merge_events
    from tightrope.resolve.textactors import rebuild_links

    return merge_events(store, settings=settings, links=rebuild_links(store))


def report(store: Store, out: Path) -> Path:
    from tightrope.report.html import write_report

    return write_report(store, out)


def run(paths: Iterable[Path], store: Store, report_path: Path | None, *,
        settings: Settings | None = None, progress: Progress = _noop,
        workers: int | None = None) -> tuple[IngestSummary, ExtractSummary, Path | None]:
    settings = settings or Settings()
    ing = ingest(list(paths), store, settings=settings, progress=progress)
    ext = extract(store, settings=settings, progress=progress, workers=workers)
    resolve_events(store, settings=settings)
    out = report(store, report_path) if report_path is not None else None
    return ing, ext, out
