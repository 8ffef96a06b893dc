"""Throughput and scale-out: process pools, corpus engines (local and Ray), Parquet output.

* ``extract_stream(docs, workers=N)``: Documents -> Extractions in input order,
  on N processes (a forkserver pool warmed once, chunks of documents).
* ``run_engine(input, out, engine="local"|"ray")``: a JSONL or Parquet corpus
  -> one Parquet file per table in the export contract (documents, events,
  statements, stats, relations), streaming: memory does not grow with the corpus.
  Both engines compute rows with the same function, so their files are equal.
"""

from tightrope.scale.local import ENGINE_TABLES, EngineSummary, extract_stream, run_engine

__all__ = ["ENGINE_TABLES", "EngineSummary", "extract_stream", "run_engine"]
