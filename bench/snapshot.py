#!/usr/bin/env python3
"""Freeze the extractor's output on a fixed corpus, or compare against a frozen copy.

Speed work must not change what is extracted without saying so.  This writes one
JSON line per document (every event, statement, statistic, relation and text actor,
as stored) for: the benchmark corpus of bench.py (samples and seeds, varied), the
samples and seeds themselves, and -- when ../shared/benchmarks is there -- every
CASE 2021 snippet and PLOVER GSR sentence run as an article (as ``tightrope eval``
does), plus the snippet classifier's coding of each CASE snippet.

Usage:
  python bench/snapshot.py write FILE [-n 300]
  python bench/snapshot.py compare FILE [-n 300]    # exit 1 and list documents that differ
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))


def _documents(n: int) -> list:
    import datetime as dt

    import bench

    from tightrope.models import DateValue, Document

    docs = bench._base_docs() + bench.corpus(n)
    bm = ROOT.parent / "shared" / "benchmarks"
    pub = DateValue(dt.date(2021, 1, 1), "day", "benchmark")
    if (bm / "case2021_task2").is_dir():
        from tightrope.eval import case2021

        for rid, text, _ in case2021.load(bm / "case2021_task2"):
            docs.append(Document(doc_id=f"case-{rid}", text="Benchmark item\n" + " ".join(text.split()),
                                 published=pub))
    if (bm / "plover_gsr").is_dir():
        from tightrope.eval import plover

        for i, r in enumerate(plover.load(bm / "plover_gsr")):
            docs.append(Document(doc_id=f"plover-{i}", text="Benchmark item\n" + " ".join(str(r["text"]).split()),
                                 published=pub))
    return docs


def _row(doc) -> dict:
    from tightrope.extract import extract_document
    from tightrope.extract.classify import classify_snippet

    x = extract_document(doc)
    row = {"doc_id": doc.doc_id}
    for kind in ("events", "statements", "stats", "relations", "actors"):
        row[kind] = [dataclasses.asdict(f) for f in getattr(x, kind)]
    if doc.doc_id.startswith("case-"):
        row["snippet"] = [classify_snippet(doc.text.split("\n", 1)[1], allow_unseen=a) for a in (False, True)]
    return row


def _rows(n: int):
    t0 = time.perf_counter()
    docs = _documents(n)
    for d in docs:
        yield d.doc_id, json.dumps(_row(d), sort_keys=True, default=str, ensure_ascii=False)
    print(f"{len(docs)} documents in {time.perf_counter() - t0:.1f} s", file=sys.stderr)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=("write", "compare"))
    ap.add_argument("file", type=Path)
    ap.add_argument("-n", type=int, default=300)
    a = ap.parse_args()
    if a.mode == "write":
        with a.file.open("w", encoding="utf-8") as f:
            for _, line in _rows(a.n):
                f.write(line + "\n")
        return 0
    frozen = {}
    for line in a.file.read_text(encoding="utf-8").splitlines():
        frozen[json.loads(line)["doc_id"]] = line
    differ = [doc_id for doc_id, line in _rows(a.n) if frozen.get(doc_id) != line]
    for doc_id in differ[:50]:
        print(f"differs: {doc_id}")
    print(f"{len(differ)} of {len(frozen)} documents differ")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
