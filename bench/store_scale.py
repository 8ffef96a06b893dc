#!/usr/bin/env python3
"""Store growth: bulk-load N synthetic events (default 1M) into DuckDB via Arrow, time the queries.

The store is the real one (store/schema.py migrations); events carry realistic
shapes (10 per document, 2 years of dates, 500 actors, 12 countries, short
evidence sentences).  Timed, each the best of 3 runs:

* loading: Arrow INSERT of the whole table, and, on a 20k-row slice, the store's
  own batch writer (``Store._insert``, Arrow) against the row-by-row executemany
  it replaced;
* dashboard/API queries (serve/queries.py Reader): the event list with each
  filter, one event, one document's facts, the actors table, facets, an actor page;
* report/trends shapes: monthly counts by type in SQL, and loading every event
  row into Python (what report/data.py and analyse/trends.py did before they scaled);
* the report and the trends end to end, each in a fresh process (time and peak RSS,
  ``ru_maxrss``; DuckDB's memory included): ``tightrope report`` to a temporary HTML
  file (rows for the latest ``--max-events``, figures over all), Markdown likewise,
  ``trends`` by type and by dyad in SQL, and, for comparison, the old first step
  (``data.load``: every row of every table into Python).  ``--before`` also runs the
  old full-Python report and trends (minutes and gigabytes at 1M events).

Prints figures only (no thresholds).  Usage: python bench/store_scale.py [-n 1000000] [--before]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

ACTORS = 500
COUNTRIES = ["Iraq", "Syria", "Israel", "Lebanon", "Yemen", "Iran", "Jordan", "Palestine", "Saudi Arabia",
             "Turkey", "Egypt", "Kuwait"]
TYPES = [("Explosions/Remote violence", "Air/drone strike", "ASSAULT"),
         ("Explosions/Remote violence", "Shelling/artillery/missile attack", "ASSAULT"),
         ("Battles", "Armed clash", "ASSAULT"), ("Protests", "Peaceful protest", "PROTEST"),
         ("Strategic developments", "Disrupted weapons use", "COERCE"), (None, None, "THREATEN"),
         (None, None, "ACCUSE"), ("Violence against civilians", "Attack", "ASSAULT")]


def synthetic_events(n: int, seed: int = 7):
    import numpy as np
    import pyarrow as pa

    rng = np.random.default_rng(seed)
    idx = np.arange(n)
    t = rng.integers(0, len(TYPES), n)
    a1 = rng.integers(0, ACTORS, n)
    a2 = rng.integers(0, ACTORS, n)
    c = rng.integers(0, len(COUNTRIES), n)
    day0 = dt.date(2023, 1, 1).toordinal()
    dates = [dt.date.fromordinal(day0 + int(d)).isoformat() for d in rng.integers(0, 730, n)]
    starts = rng.integers(0, 4000, n)
    cols = {
        "event_id": [f"e{i:016x}" for i in idx],
        "doc_id": [f"d{i // 10:016x}" for i in idx],
        "event_date": dates,
        "date_precision": ["day"] * n,
        "date_method": ["absolute"] * n,
        "event_type": [TYPES[k][0] for k in t],
        "sub_event_type": [TYPES[k][1] for k in t],
        "plover_type": [TYPES[k][2] for k in t],
        "actor1": [f"Actor {k}" for k in a1],
        "actor1_id": [f"actor_{k}" for k in a1],
        "actor2": [f"Actor {k}" for k in a2],
        "actor2_id": [f"actor_{k}" for k in a2],
        "location": [f"Town {k}" for k in rng.integers(0, 5000, n)],
        "country": [COUNTRIES[k] for k in c],
        "latitude": rng.uniform(12, 38, n),
        "longitude": rng.uniform(34, 60, n),
        "geo_precision": rng.integers(1, 4, n),
        "fatalities": rng.integers(0, 20, n),
        "claim_status": ["reported"] * n,
        "attributed_to": pa.array([[f"Actor {k}"] for k in a2], pa.list_(pa.string())),
        "hedged": rng.random(n) < 0.1,
        "trigger": ["struck"] * n,
        "method": ["rules:trigger"] * n,
        "confidence": rng.random(n),
        "text": [f"Actor {x} struck positions of Actor {y} near Town {x % 97} on the day, officials said."
                 for x, y in zip(a1, a2)],
        "char_start": starts,
        "char_end": starts + 90,
    }
    return pa.table(cols)


def synthetic_documents(n_docs: int):
    import pyarrow as pa

    return pa.table({
        "doc_id": [f"d{i:016x}" for i in range(n_docs)],
        "title": [f"Report {i}" for i in range(n_docs)],
        "publisher": [f"Outlet {i % 40}" for i in range(n_docs)],
        "published": [dt.date.fromordinal(dt.date(2023, 1, 1).toordinal() + i % 730).isoformat()
                      for i in range(n_docs)],
        "source_format": ["jsonl"] * n_docs,
        "text": [f"Report {i}. " + "Actor 1 struck positions of Actor 2 near Town 3, officials said. " * 12
                 for i in range(n_docs)],
    })


def best_of(fn, runs: int = 3) -> tuple[float, object]:
    best, out = float("inf"), None
    for _ in range(runs):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


# Each end-to-end step runs in its own interpreter so its peak RSS is its own.
CHILD = """
import json, os, sys, tempfile, time
from pathlib import Path
sys.path.insert(0, {src!r})
from tightrope.store.db import Store
t0 = time.perf_counter()
with Store({db!r}, read_only=True) as store, tempfile.TemporaryDirectory() as tmp:
    out = Path(tmp) / "report"
{body}
    size = sum(p.stat().st_size for p in Path(tmp).iterdir())
# VmHWM, not ru_maxrss: the latter keeps the (large) parent's peak across fork + exec.
hwm = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM"))
cpu = sum(os.times()[:2])  # user + system, this process (DuckDB's threads included)
print("RESULT " + json.dumps({{"s": time.perf_counter() - t0, "cpu_s": cpu, "rss_mb": hwm / 1024,
                              "out_mb": size / 2**20}}))
"""

STEPS = [
    ("open the store only (baseline)", "    pass"),
    ("report html, latest {max_events} listed", "    from tightrope.report.html import write_report\n"
                                               "    write_report(store, out.with_suffix('.html'), {max_events})"),
    ("report markdown, latest {max_events} listed", "    from tightrope.report.markdown import write_markdown\n"
                                                   "    write_markdown(store, out.with_suffix('.md'), {max_events})"),
    ("trends by type (SQL)", "    from tightrope.analyse import trends\n    trends.trends_store(store, by='type')"),
    ("trends by dyad, top 15 (SQL, as the CLI)", "    from tightrope.analyse import trends\n"
                                                "    trends.trends_store(store, by='dyad', top=15)"),
    ("before: data.load, every row into Python", "    from tightrope.report import data\n    data.load(store)"),
    ("trends by type (overview.trends)", "    from tightrope.analyse import overview\n"
                                         "    overview.trends(store, by='type')"),
    ("signals by front (tightrope signals)", "    from tightrope.analyse import overview\n"
                                             "    overview.signals(store)"),
    ("forecast by country (tightrope forecast)", "    from tightrope.analyse import overview\n"
                                                 "    overview.forecasts(store, n=200)"),
    ("actor graph (resolve.graph)", "    from tightrope.resolve.graph import actor_graph\n"
                                    "    actor_graph(store)"),
]
BEFORE = [
    ("before: report html, every row", "    from tightrope.report.html import write_report\n"
                                       "    write_report(store, out.with_suffix('.html'), 10**12)"),
    ("before: trends by type (Python)", "    from tightrope.analyse import overview\n"
                                        "    overview.trends(store, by='type')"),
]


# The dashboard in one process: each endpoint best of 3, then the process's CPU time and peak RSS.
API_CHILD = """
import json, os, sys, time
sys.path.insert(0, {src!r})
from fastapi.testclient import TestClient
from tightrope.serve.app import create_app
out = {{}}
with TestClient(create_app({db!r})) as c:
    for url in {urls!r}:
        best, size, code = float("inf"), 0, 0
        for _ in range(3):
            t0 = time.perf_counter()
            r = c.get(url)
            best = min(best, time.perf_counter() - t0)
            size, code = len(r.content), r.status_code
        out[url] = [best, size, code]
hwm = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM"))
print("RESULT " + json.dumps({{"urls": out, "cpu_s": sum(os.times()[:2]), "rss_mb": hwm / 1024}}))
"""


def dashboard(path: Path, n: int, src: Path) -> None:
    eid, did = "e" + f"{n // 2:016x}", "d" + f"{n // 20:016x}"
    urls = ["/api/events", "/api/events?offset=50000", "/api/events?actor=actor_42",
            "/api/events?actor=tor%2042&type=ASSAULT&place=iraq", f"/api/event/{eid}", f"/api/documents/{did}",
            "/api/actors", "/api/actor/actor_42", "/api/stats", "/api/statements",
            "/", "/?actor=actor_42&date_from=2024-01-01&date_to=2024-03-31", "/?page=1000", "/actors",
            "/actors/actor_42", f"/events/{eid}", f"/documents/{did}", "/stats", "/statements"]
    code = API_CHILD.format(src=str(src), db=str(path), urls=urls)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    if proc.returncode != 0:
        print(f"dashboard failed: {proc.stderr.strip().splitlines()[-3:]}")
        return
    r = json.loads(proc.stdout.rsplit("RESULT ", 1)[-1].splitlines()[0])
    print(f"dashboard through TestClient (best of 3 per URL; process CPU {r['cpu_s']:.1f} s, "
          f"peak RSS {r['rss_mb']:.0f} MB):")
    for url, (t, size, status) in r["urls"].items():
        print(f"  {url:<58} {t * 1000:9.1f} ms  {size / 1024:9.1f} kB  HTTP {status}")


def end_to_end(path: Path, max_events: int, before: bool, src: Path | None = None, only: str | None = None) -> None:
    print(f"end to end, each in a fresh process (peak RSS includes DuckDB; report rows: latest {max_events:,}):")
    for label, body in STEPS + (BEFORE if before else []):
        if only and only not in label:
            continue
        code = CHILD.format(src=str(src or ROOT / "src"), db=str(path), body=body.format(max_events=max_events))
        runs = []
        # Best of 3 (the machine may be busy), except the slow "before" steps: once.
        for _ in range(1 if label.startswith("before") else 3):
            proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
            if proc.returncode != 0:
                break
            # DuckDB may draw a progress bar on stdout (\r, no newline) for long queries: find our own record.
            runs.append(json.loads(proc.stdout.rsplit("RESULT ", 1)[-1].splitlines()[0]))
            if runs[-1]["s"] > 30:  # a slow step's spread is small next to its time: once is enough
                break
        if not runs:
            print(f"  {label.format(max_events=max_events):<44} failed: {proc.stderr.strip().splitlines()[-1:]}")
            continue
        r = min(runs, key=lambda x: x["s"])
        out = f"  output {r['out_mb']:.1f} MB" if r["out_mb"] else ""
        print(f"  {label.format(max_events=max_events):<44} {r['s']:8.1f} s (CPU {r['cpu_s']:6.1f} s)  "
              f"peak RSS {r['rss_mb']:7.0f} MB{out}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("-n", type=int, default=1_000_000, help="events to load")
    ap.add_argument("--db", type=Path, help="DuckDB file (default: a temporary one)")
    ap.add_argument("--max-events", type=int, default=2000, help="events the report lists")
    ap.add_argument("--before", action="store_true", help="also time the old full-Python report and trends")
    ap.add_argument("--reuse", action="store_true", help="with --db: use the store there if it exists (no reload)")
    ap.add_argument("--src", type=Path, help="package source for the fresh processes (default: this tree's src)")
    ap.add_argument("--only", help="run only the end-to-end steps whose label contains this (skips the rest)")
    ap.add_argument("--no-dashboard", action="store_true", help="skip the TestClient timings")
    args = ap.parse_args()
    if args.reuse and args.db and args.db.exists():
        if not args.only:
            dashboard(args.db, args.n, args.src or ROOT / "src")
        end_to_end(args.db, args.max_events, args.before, args.src, args.only)
        return
    from tightrope.serve.queries import EventFilter, Reader
    from tightrope.store.db import Store

    with tempfile.TemporaryDirectory() as tmp:
        path = args.db or Path(tmp) / "scale.duckdb"
        t0 = time.perf_counter()
        events = synthetic_events(args.n)
        docs = synthetic_documents(max(1, args.n // 10))
        print(f"generated {events.num_rows} events, {docs.num_rows} documents in {time.perf_counter() - t0:.1f} s")
        with Store(path) as store:
            con = store.con
            for name, tbl in (("documents", docs), ("events", events)):
                cols = ", ".join(tbl.column_names)
                con.register("_load", tbl)
                t0 = time.perf_counter()
                con.execute(f"INSERT INTO {name} ({cols}) SELECT {cols} FROM _load")
                dt_s = time.perf_counter() - t0
                con.unregister("_load")
                print(f"load {name:<10} {tbl.num_rows:>9} rows  {dt_s:6.2f} s  ({tbl.num_rows / dt_s:,.0f} rows/s, Arrow)")
            # The store's batch writer, Arrow (now) vs row by row (before), on a 20k-row slice.
            rows = events.slice(0, 20_000).to_pylist()
            for r in rows:
                r["event_id"] = "x" + r["event_id"]
            t_arrow, _ = best_of(lambda: store._tx(lambda: (store._insert("events", rows),
                                                             con.execute("DELETE FROM events WHERE event_id LIKE 'x%'"))), 1)
            cols = list(rows[0])
            sql = f"INSERT INTO events ({', '.join(cols)}) VALUES ({', '.join('?' for _ in cols)})"
            t0 = time.perf_counter()
            con.executemany(sql, [[r[c] for c in cols] for r in rows[:500]])
            t_many = (time.perf_counter() - t0) * 40  # 500 rows timed, scaled to 20k
            con.execute("DELETE FROM events WHERE event_id LIKE 'x%'")
            print(f"store._insert 20k event rows: Arrow {t_arrow:.2f} s; executemany (before) ~{t_many:.1f} s "
                  f"(timed on 500 rows) -> {t_many / t_arrow:.0f}x")
            con.execute("CHECKPOINT")
            print(f"database file: {path.stat().st_size / 2**20:.0f} MB")

        with Store(path, read_only=True) as store:
            r = Reader(store.con)
            eid = "e" + f"{args.n // 2:016x}"
            did = "d" + f"{args.n // 20:016x}"
            queries = [
                ("events page 1 (no filter)", lambda: r.events(EventFilter(), 50, 0)),
                ("events page 1000", lambda: r.events(EventFilter(), 50, 50_000)),
                ("events by date range (1 month)", lambda: r.events(EventFilter(dt.date(2024, 3, 1), dt.date(2024, 3, 31)))),
                ("events by actor id", lambda: r.events(EventFilter(actor="actor_42"))),
                ("events by actor name part", lambda: r.events(EventFilter(actor="tor 42"))),
                ("events by type", lambda: r.events(EventFilter(type="Air/drone strike"))),
                ("events by place", lambda: r.events(EventFilter(place="syria"))),
                ("events, all filters", lambda: r.events(EventFilter(dt.date(2024, 1, 1), dt.date(2024, 6, 30),
                                                                     "actor_7", "ASSAULT", "Iraq"))),
                ("one event", lambda: r.event(eid)),
                ("one document's facts", lambda: r.doc_facts(did)),
                ("facets", lambda: r.facets()),
                ("actors table (all mentions)", lambda: r.actors()),
                ("actor page (actor_42)", lambda: r.actor_facts("actor_42")),
                ("actor page, first 200 of each list", lambda: r.actor_facts("actor_42", 200, 0)),
                ("map rows, first 5000 (map columns)", lambda: r.map_events(EventFilter(), 5000)),
                ("monthly counts by type (SQL)", lambda: store.con.execute(
                    "SELECT strftime(event_date, '%Y-%m') m, plover_type, count(*) FROM events"
                    " GROUP BY 1, 2 ORDER BY 1, 2").fetchall()),
                ("monthly counts by dyad, top 20 (SQL)", lambda: store.con.execute(
                    "SELECT actor1_id, actor2_id, strftime(event_date, '%Y-%m') m, count(*) n FROM events"
                    " GROUP BY 1, 2, 3 ORDER BY n DESC LIMIT 20").fetchall()),
            ]
            print(f"queries on {args.n:,} events (best of 3, read-only connection):")
            for label, fn in queries:
                t, out = best_of(fn)
                n = out[0] if isinstance(out, tuple) else (len(out) if isinstance(out, list) else 1)
                print(f"  {label:<40} {t * 1000:9.1f} ms   ({n} matching rows)")
            t, rows = best_of(lambda: store.rows("events"), 1)
            print(f"  {'every event row into Python (report/trends)':<40} {t * 1000:9.1f} ms   ({len(rows)} matching rows)")
            del rows
        if not args.no_dashboard:
            dashboard(path, args.n, args.src or ROOT / "src")
        end_to_end(path, args.max_events, args.before, args.src, args.only)


if __name__ == "__main__":
    main()
