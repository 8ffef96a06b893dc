"""--workers N gives exactly what one process gives: same extractions, same store."""

from __future__ import annotations

import json

from tightrope import pipeline
from tightrope.extract import extract_document
from tightrope.scale.local import extract_stream
from tightrope.store.db import Store
from tightrope.store.export import CONTRACT, table_rows


def test_pool_extractions_equal_serial(sample_docs):
    serial = [extract_document(d) for d in sample_docs]
    pooled = list(extract_stream(iter(sample_docs), workers=2, chunk=3))
    assert pooled == serial


def test_replaced_workers_give_the_same(sample_docs, monkeypatch):
    """Workers are replaced after WORKER_CHUNKS chunks (bounded memory); a run that replaces
    them after every chunk still gives every extraction, in order."""
    import os

    import tightrope.scale.local as local

    monkeypatch.setattr(local, "WORKER_CHUNKS", 1)
    serial = [extract_document(d) for d in sample_docs]
    assert list(extract_stream(iter(sample_docs), workers=2, chunk=2)) == serial
    pids = {x for x in local._ordered(iter(sample_docs), 2, 2, None, _chunk_pid)}
    assert len({pid for _, pid in pids}) > 2  # more processes than workers: they were replaced
    assert os.getpid() not in {pid for _, pid in pids}


def _chunk_pid(docs):
    import os

    return [os.getpid()] * len(docs)


def _export(store) -> dict:
    return {t: json.dumps(table_rows(store, t), sort_keys=True, default=str) for t in CONTRACT}


def test_pipeline_workers_same_store(tmp_path, corpus_jsonl, monkeypatch):
    import tightrope.scale.local as local

    monkeypatch.setattr(local, "CHUNK", 4)  # the pool runs even on this small corpus
    monkeypatch.setattr(pipeline, "DOCUMENT_PAGE", 5)  # and the store is read in several pages
    out = {}
    for workers in (1, 2):
        with Store(tmp_path / f"w{workers}.duckdb") as store:
            pipeline.ingest([corpus_jsonl], store)
            summary = pipeline.extract(store, workers=workers)
            assert summary.documents > 8
            pipeline.resolve_events(store)
            out[workers] = _export(store)
    assert out[1] == out[2]
