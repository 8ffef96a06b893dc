"""The Ray engine: a JSONL/Parquet corpus extracted with Ray Data ``map_batches``.

Optional (``pip install tightrope[ray]``).  Each map batch does what the local
engine does for a batch (scale/local.py: read records, extract, export-contract
rows through a scratch store) and returns the rows as JSON strings tagged with
their table; the driver streams the batches in input order
(``preserve_order``) into the same ParquetSink, so the files equal the local
engine's.  On a cluster, ``ray.init`` joins it when RAY_ADDRESS is set.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

from tightrope.errors import ConfigError
from tightrope.models import Reject
from tightrope.settings import Settings


def _extract_batch(batch: Any, path: str, kind: str, settings: Settings) -> Any:
    """One Ray batch (pyarrow Table of corpus lines or records) -> tagged contract rows."""
    import pyarrow as pa

    from tightrope.extract import extract_document
    from tightrope.scale.local import contract_rows, read_record

    if kind == "jsonl":
        records: list[Any] = []
        for line in batch.column("text").to_pylist():
            if not line or not line.strip():
                continue
            try:
                records.append(json.loads(line))
            except json.JSONDecodeError as e:
                records.append(Reject(path, f"malformed JSON: {e.msg}", "record"))
    else:
        records = batch.to_pylist()
    part = uuid.uuid4().hex  # groups this batch's rows for the driver
    tables, doc_ids, rows = ["_records"], [""], [json.dumps(len(records))]
    docs, seen = [], set()
    for rec in records:
        doc = rec if isinstance(rec, Reject) else read_record(rec, path, "record", settings)
        if isinstance(doc, Reject):
            tables.append("_reject")
            doc_ids.append("")
            rows.append(json.dumps({"path": doc.path, "item": doc.item, "reason": doc.reason}))
        elif doc.doc_id not in seen:
            seen.add(doc.doc_id)
            docs.append(doc)
    if docs:
        for table, trows in contract_rows(docs, [extract_document(d) for d in docs]).items():
            for r in trows:
                tables.append(table)
                doc_ids.append(r["doc_id"])
                rows.append(json.dumps(r, ensure_ascii=False))
    n = len(tables)
    return pa.table({"part": [part] * n, "table": tables, "doc_id": doc_ids, "row": rows})


def run_ray(path: Path, out_dir: Path, *, workers: int, batch: int, settings: Settings, progress):
    try:
        import ray
    except ImportError as e:
        raise ConfigError("the Ray engine needs Ray: pip install 'tightrope[ray]'") from e
    from tightrope.scale.local import EngineSummary, ParquetSink, is_parquet

    started = not ray.is_initialized()
    if started:
        # workers > 1: that many CPUs; else all of this machine's (or the cluster's).
        ray.init(num_cpus=workers if workers > 1 else None, include_dashboard=False, log_to_driver=False,
                 configure_logging=False)
    summary = EngineSummary()
    sink = ParquetSink(out_dir)
    try:
        ctx = ray.data.DataContext.get_current()
        ctx.execution_options.preserve_order = True  # input order, as the local engine writes
        ctx.enable_progress_bars = False
        source = str(path.resolve())
        kind = "parquet" if is_parquet(path) else "jsonl"
        ds = ray.data.read_parquet(source) if kind == "parquet" else ray.data.read_text(source)
        ds = ds.map_batches(_extract_batch, fn_kwargs={"path": str(path), "kind": kind, "settings": settings},
                            batch_size=batch, batch_format="pyarrow")
        group: dict[str, list[dict]] = {}
        current = None

        def flush() -> None:
            if group:
                sink.write(group)
                progress("extract", len(group.get("documents", ())), None)

        for b in ds.iter_batches(batch_format="pyarrow", batch_size=None):
            cols = b.to_pydict()
            for part, table, row in zip(cols["part"], cols["table"], cols["row"]):
                if part != current:
                    flush()
                    group, current = {}, part
                value = json.loads(row)
                if table == "_records":
                    summary.records += value
                elif table == "_reject":
                    summary.rejects.append(Reject(value["path"], value["reason"], value["item"]))
                else:
                    group.setdefault(table, []).append(value)
        flush()
    finally:
        summary.files = sink.close()
        if started:
            ray.shutdown()
    summary.documents = sink.counts["documents"]
    summary.duplicates = summary.records - len(summary.rejects) - summary.documents
    summary.counts = dict(sink.counts)
    return summary
