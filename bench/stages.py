#!/usr/bin/env python3
"""Where an article's extraction time goes: CPU milliseconds per article for each stage.

CPU time (time.process_time), so other work on the machine disturbs it less than
wall time; the spaCy tokenizer alone is shown as the unit of comparison, and the
best of ``--rounds`` passes is kept for each stage.

Usage: python bench/stages.py [-n 200] [--rounds 3] [--profile tottime|cumulative] [--top 40]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))


def _pass(docs) -> dict[str, float]:
    from tightrope.extract import _text_actors, classify, dates
    from tightrope.extract.context import build_context
    from tightrope.extract.events import extract_events
    from tightrope.extract.nlp import make_doc
    from tightrope.extract.relations import extract_relations
    from tightrope.extract.statements import extract_statements
    from tightrope.extract.stats import extract_stats

    clock = time.process_time
    t = dict.fromkeys(("tokenizer", "context", "relations", "statements", "events", "stats", "actors"), 0.0)
    for d in docs:
        t0 = clock()
        make_doc(d.text)
        t1 = clock()
        classify.clear_caches()
        dates.clear_caches()
        ctx = build_context(d)
        t2 = clock()
        extract_relations(ctx)
        t3 = clock()
        extract_statements(ctx)
        t4 = clock()
        extract_events(ctx)
        t5 = clock()
        extract_stats(ctx)
        t6 = clock()
        _text_actors(ctx)
        t7 = clock()
        for k, a, b in (("tokenizer", t0, t1), ("context", t1, t2), ("relations", t2, t3), ("statements", t3, t4),
                        ("events", t4, t5), ("stats", t5, t6), ("actors", t6, t7)):
            t[k] += b - a
    return {k: v * 1000 / len(docs) for k, v in t.items()}


def main() -> None:
    import bench

    from tightrope.extract import extract_document

    ap = argparse.ArgumentParser()
    ap.add_argument("-n", type=int, default=200)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--profile", choices=("tottime", "cumulative"), help="also print a cProfile of one pass")
    ap.add_argument("--top", type=int, default=40)
    a = ap.parse_args()
    docs = bench.corpus(a.n)
    extract_document(docs[0])  # loads KB, gazetteer, lexicons
    best: dict[str, float] = {}
    for _ in range(a.rounds):
        for k, v in _pass(docs).items():
            best[k] = min(best.get(k, v), v)
    total = sum(v for k, v in best.items() if k != "tokenizer")  # context tokenises again inside
    print(f"{len(docs)} articles, CPU ms per article (best of {a.rounds}):")
    for k, v in best.items():
        print(f"  {k:<11} {v:7.2f}")
    print(f"  {'extraction':<11} {total:7.2f}   = {total / best['tokenizer']:.2f} x tokenizer "
          f"(ratio tokenizer / extraction {best['tokenizer'] / total:.3f})")
    if a.profile:
        import cProfile
        import pstats

        pr = cProfile.Profile()
        pr.enable()
        _pass(docs)
        pr.disable()
        pstats.Stats(pr).sort_stats(a.profile).print_stats(a.top)


if __name__ == "__main__":
    main()
