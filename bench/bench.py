#!/usr/bin/env python3
"""Throughput benchmark of the extraction pipeline against named baselines, in one run.

Corpus: our samples (and ../shared/seeds when present), repeated and varied
(paragraph order rotated, numbers changed) up to N articles, so caches on
identical text do not flatter us.

Prints articles/s, words/s and peak memory (RSS) for:
  * tightrope: extract_document (the default CPU pipeline)
  * baseline A: spaCy blank English tokenizer alone over the same text (the floor)
  * baseline B: a spaCy statistical NER pipeline (en_core_web_sm) when installed
and the ratios.  Usage: python bench/bench.py [-n 300]
"""

from __future__ import annotations

import argparse
import re
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from tightrope.ingest.readers import iter_files, read_path  # noqa: E402


def corpus(n: int) -> list:
    from tightrope.models import replace

    base = []
    for src in (ROOT / "samples", ROOT.parent / "shared" / "seeds"):
        if src.is_dir():
            for f in iter_files([src]):
                base.extend(read_path(f).documents)
    out = []
    i = 0
    while len(out) < n:
        d = base[i % len(base)]
        k = i // len(base)
        paras = d.text.split("\n")
        if k:
            head, body = paras[:1], paras[1:]
            r = k % max(1, len(body))
            body = body[r:] + body[:r]
            text = "\n".join(head + body)
            text = re.sub(r"\b(\d{1,2})\b(?! (?:19|20)\d\d)", lambda m: str(int(m.group(1)) + k % 7), text)
        else:
            text = d.text
        out.append(replace(d, doc_id=f"{d.doc_id}-{k}", text=text))
        i += 1
    return out


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(label: str, fn, docs) -> tuple[float, float]:
    t0 = time.perf_counter()
    fn(docs)
    dt = time.perf_counter() - t0
    words = sum(len(d.text.split()) for d in docs)
    print(f"{label:<38} {len(docs) / dt:10.1f} articles/s {words / dt:12.0f} words/s   peak RSS {rss_mb():7.1f} MB")
    return len(docs) / dt, words / dt


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("-n", type=int, default=300, help="articles in the corpus")
    args = ap.parse_args()
    docs = corpus(args.n)
    words = sum(len(d.text.split()) for d in docs)
    print(f"corpus: {len(docs)} articles, {words / len(docs):.0f} words/article on average")

    from tightrope.extract import extract_document
    from tightrope.extract.nlp import get_nlp

    extract_document(docs[0])  # warm-up: loads KB, gazetteer, matchers once
    ours, _ = timed("tightrope extract (1 process)", lambda ds: [extract_document(d) for d in ds], docs)
    nlp = get_nlp()
    floor, _ = timed("baseline A: spaCy blank tokenizer", lambda ds: [nlp.make_doc(d.text) for d in ds], docs)
    print(f"ratio tightrope / tokenizer floor: {ours / floor:.3f}")
    try:
        import spacy

        ner = spacy.load("en_core_web_sm")
    except (ImportError, OSError):
        print("baseline B: en_core_web_sm not installed (pip install tightrope[bench]); skipped")
        return
    stat, _ = timed("baseline B: spaCy en_core_web_sm NER", lambda ds: list(ner.pipe(d.text for d in ds)), docs)
    print(f"ratio tightrope / statistical NER: {ours / stat:.1f}x")


if __name__ == "__main__":
    main()
