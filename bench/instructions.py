#!/usr/bin/env python3
"""CPU instructions per article, counted by valgrind's callgrind: speed work measured without timing noise.

On the 2-core development machine, timings of the same code drift by up to ~1.5x from
minute to minute (the tokenizer alone measured 1.66-2.71 ms per article), so a 5-10%
change in the extractor cannot be seen in articles/s.  Instruction counts barely move
(about +-2% between runs, from hash randomisation; fixed here with PYTHONHASHSEED=0).

Counted: only the work inside one ``functools.reduce`` call that runs the measured loop
(``--toggle-collect=functools_reduce``), so interpreter start-up, imports and the warm-up
(KB, gazetteer and matcher loading) are left out.  spaCy's tokenizer caches the split of
every chunk it has seen: cold, it cost 26.5M instructions per article over 40 articles,
warmed first on 40 others 14.3M (the pipeline: 78.0M and 66.2M).  So before counting it
is warmed on as many other articles of the corpus as are counted, as in a long run
(bench.py's 600 articles, a streamed corpus).  Systems:
  * pipeline: ``extract_document`` over the articles
  * tokenizer: spaCy's blank English tokenizer over the same texts (bench.py's floor)
and the ratio tokenizer / pipeline (bench.py's "ratio to the floor", in instructions).

Slow: valgrind runs Python ~50x slower (about 4 minutes of start-up, then ~3 s per
article).  Usage: python bench/instructions.py [-n 40] [--only pipeline|tokenizer]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
POOL = 300  # articles the sample is drawn from, evenly spaced (bench.corpus is built in order)

CHILD = """
import functools, sys
sys.path[:0] = [{src!r}, {bench!r}]
import bench
from tightrope.extract.nlp import get_nlp
pool = bench.corpus({pool})
step = max(1, len(pool) // {n})
docs = pool[::step][:{n}]
make_doc = get_nlp().make_doc
for d in pool[1::step]:  # the tokenizer's cache, warmed on other articles (not counted)
    make_doc(d.text)
if {what!r} == "pipeline":
    from tightrope.extract import extract_document
    extract_document(pool[1])  # loads KB, gazetteer, lexicons (not counted)
    run = lambda _, d: extract_document(d)
else:
    run = lambda _, d: make_doc(d.text)
functools.reduce(run, docs, None)  # the only counted call
print("ARTICLES", len(docs))
"""


def count(what: str, n: int) -> tuple[int, int]:
    """(instructions, articles) of one system."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "callgrind.out"
        code = CHILD.format(src=str(ROOT / "src"), bench=str(ROOT / "bench"), pool=POOL, n=n, what=what)
        proc = subprocess.run(
            ["valgrind", "--tool=callgrind", "--collect-atstart=no", "--toggle-collect=functools_reduce",
             f"--callgrind-out-file={out}", sys.executable, "-c", code],
            capture_output=True, text=True, env={**os.environ, "PYTHONHASHSEED": "0"})
        if proc.returncode != 0 or not out.exists():
            raise SystemExit(f"{what}: valgrind failed: {proc.stderr.strip().splitlines()[-1:]}")
        totals = re.search(r"^totals:\s*(\d+)", out.read_text(), re.M)
        articles = re.search(r"ARTICLES (\d+)", proc.stdout)
        if not totals or not articles:
            raise SystemExit(f"{what}: no instruction total in callgrind's output")
        return int(totals.group(1)), int(articles.group(1))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("-n", type=int, default=40, help="articles counted (evenly spaced over the bench corpus)")
    ap.add_argument("--only", choices=("pipeline", "tokenizer"), help="count one system only")
    a = ap.parse_args()
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not installed (apt-get install valgrind); nothing counted")
    per = {}
    for what in ("pipeline", "tokenizer"):
        if a.only and what != a.only:
            continue
        total, arts = count(what, a.n)
        per[what] = total / arts
        print(f"{what:<10} {per[what] / 1e6:9.2f} M instructions per article ({arts} articles)", flush=True)
    if len(per) == 2:
        print(f"ratio tokenizer / pipeline (instructions): {per['tokenizer'] / per['pipeline']:.3f}")


if __name__ == "__main__":
    main()
