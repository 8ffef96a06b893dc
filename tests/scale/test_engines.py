"""Corpus engines: Parquet in the export contract, equal to `tightrope export`; Ray equal to local."""

from __future__ import annotations

import importlib.util
import json

import pyarrow.parquet as pq
import pytest

from tightrope import pipeline
from tightrope.scale import ENGINE_TABLES, run_engine
from tightrope.store.db import Store
from tightrope.store.export import CONTRACT, table_rows


def _read(out_dir) -> dict[str, list[dict]]:
    return {t: pq.read_table(out_dir / f"{t}.parquet").to_pylist() for t in ENGINE_TABLES}


def _key(row: dict) -> str:
    # Parquet keeps DOUBLE columns as floats; the JSON export writes 33.0 as 33.
    plain = {k: int(v) if isinstance(v, float) and v.is_integer() else v for k, v in row.items()}
    return json.dumps(plain, sort_keys=True, default=str)


def test_local_engine_matches_store_export(tmp_path, corpus_jsonl):
    summary = run_engine(corpus_jsonl, tmp_path / "out", engine="local")
    assert summary.duplicates == 2 and len(summary.rejects) == 2
    got = _read(tmp_path / "out")
    for t in ENGINE_TABLES:
        assert pq.read_schema(tmp_path / "out" / f"{t}.parquet").names == CONTRACT[t]
    with Store(tmp_path / "s.duckdb") as store:
        pipeline.ingest([corpus_jsonl], store)
        pipeline.extract(store)
        want = {t: table_rows(store, t) for t in ENGINE_TABLES}
    assert summary.documents == len(want["documents"])
    for t in ENGINE_TABLES:
        assert sorted(map(_key, got[t])) == sorted(map(_key, want[t])), t


def test_local_engine_workers_and_parquet_input(tmp_path, corpus_jsonl):
    one = run_engine(corpus_jsonl, tmp_path / "one", engine="local", batch=5)
    two = run_engine(corpus_jsonl, tmp_path / "two", engine="local", workers=2, batch=7)
    assert one.counts == two.counts
    assert _read(tmp_path / "one") == _read(tmp_path / "two")  # same rows, same order
    # The same corpus as Parquet gives the same facts (document paths aside).
    import pyarrow as pa

    recs = [json.loads(line) for line in corpus_jsonl.read_text().splitlines() if line.startswith("{\"")]
    pq.write_table(pa.Table.from_pylist(recs), tmp_path / "corpus.parquet")
    par = run_engine(tmp_path / "corpus.parquet", tmp_path / "par", engine="local")
    assert par.counts == one.counts and par.documents == one.documents


@pytest.mark.skipif(importlib.util.find_spec("ray") is None,
                    reason="Ray is an optional extra (pip install 'tightrope[ray]'), not installed here")
def test_ray_engine_equals_local(tmp_path, corpus_jsonl):
    local = run_engine(corpus_jsonl, tmp_path / "local", engine="local")
    ray = run_engine(corpus_jsonl, tmp_path / "ray", engine="ray", workers=2, batch=4)
    assert (ray.records, ray.documents, ray.duplicates, len(ray.rejects)) == \
        (local.records, local.documents, local.duplicates, len(local.rejects))
    assert ray.counts == local.counts
    assert _read(tmp_path / "ray") == _read(tmp_path / "local")  # equal rows in the same order
