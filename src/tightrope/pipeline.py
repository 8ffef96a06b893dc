"""The main job, as library calls: ingest -> extract -> resolve (merge) -> (analyse) -> report.

The CLI is a thin layer over these functions.  Each step is resumable:
documents are keyed by content hash, extraction is recorded per document
with the extractor version, so a re-run only does the work left.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from tightrope.ingest.readers import iter_files, read_path
from tightrope.models import Document, Reject
from tightrope.settings import Settings
from tightrope.store.db import Store

Progress = Callable[[str, int, int | None], None]  # (stage, advance, total)


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
        if self.rejects and self.documents == 0:
            return "failed"
        return "partial" if self.rejects else "ok"


@dataclass(frozen=True)
class ExtractSummary:
    documents: int
    counts: dict[str, int] = field(default_factory=dict)


def ingest(paths: Sequence[Path], store: Store, *, settings: Settings | None = None,
           progress: Progress = _noop) -> IngestSummary:
    settings = settings or Settings()
    files = list(iter_files(paths))
    progress("ingest", 0, len(files))
    run_id = store.start_run()
    rejects: list[Reject] = []
    notices: list[str] = []
    batch: list[Document] = []
    n_docs = n_new = 0

    def flush() -> None:
        nonlocal n_new
        n_new += len(store.add_documents(batch))
        batch.clear()

    for f in files:
        res = read_path(f, settings) if f.exists() else None
        if res is None:
            rejects.append(Reject(str(f), "no such file or directory"))
        else:
            rejects.extend(res.rejects)
            notices.extend(res.notices)
            batch.extend(res.documents)
            n_docs += len(res.documents)
        if len(batch) >= settings.batch_size:
            flush()
        progress("ingest", 1, None)
    flush()
    store.add_rejects(rejects, run_id)
    summary = IngestSummary(len(files), n_docs, n_new, tuple(rejects), tuple(notices))
    store.finish_run(run_id, summary.status, len(files), n_docs, n_new, len(rejects))
    return summary


def extract(store: Store, *, force: bool = False, settings: Settings | None = None,
            progress: Progress = _noop) -> ExtractSummary:
    from tightrope.extract import EXTRACTOR_VERSION, extract_document

    settings = settings or Settings()
    docs = store.documents(None if force else EXTRACTOR_VERSION)
    progress("extract", 0, len(docs))
    counts = {"events": 0, "statements": 0, "stats": 0, "relations": 0}
    batch = []
    for doc in docs:
        x = extract_document(doc)
        batch.append(x)
        counts["events"] += len(x.events)
        counts["statements"] += len(x.statements)
        counts["stats"] += len(x.stats)
        counts["relations"] += len(x.relations)
        if len(batch) >= settings.batch_size:
            store.save_extractions(batch, EXTRACTOR_VERSION)
            batch.clear()
        progress("extract", 1, None)
    if batch:
        store.save_extractions(batch, EXTRACTOR_VERSION)
    return ExtractSummary(len(docs), counts)


def resolve_events(store: Store, *, settings: Settings | None = None):
    """Link text actors, then merge event mentions into canonical events (rebuilds both)."""
    from tightrope.resolve.merge import merge_events
    from tightrope.resolve.textactors import rebuild_links

    return merge_events(store, settings=settings, links=rebuild_links(store))


def report(store: Store, out: Path) -> Path:
    from tightrope.report.html import write_report

    return write_report(store, out)


def run(paths: Iterable[Path], store: Store, report_path: Path | None, *,
        settings: Settings | None = None, progress: Progress = _noop) -> tuple[IngestSummary, ExtractSummary, Path | None]:
    settings = settings or Settings()
    ing = ingest(list(paths), store, settings=settings, progress=progress)
    ext = extract(store, settings=settings, progress=progress)
    resolve_events(store, settings=settings)
    out = report(store, report_path) if report_path is not None else None
    return ing, ext, out
