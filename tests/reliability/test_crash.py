"""Crash safety: kill -9 in the middle of an ingest or an extraction, re-run, and compare with an
uninterrupted run: nothing lost, no duplicates, the store opens, the export is byte-identical.

The kill is timed by progress, not by the clock: the test watches DuckDB's write-ahead log
grow (each committed batch appends to it) and sends SIGKILL once several batches are in.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from reliability_support import assert_no_traceback, cli_env, run_cli, write_jsonl_corpus, write_text_corpus
from tightrope import pipeline
from tightrope.store.db import Store
from tightrope.store.export import export


def _kill_when_wal_passes(args: list[str], db: Path, wal_bytes: int, env: dict[str, str]) -> tuple[int, str]:
    """Run the CLI; SIGKILL it once its WAL holds ``wal_bytes`` (several committed batches)."""
    proc = subprocess.Popen([sys.executable, "-m", "tightrope.cli", *args], env=cli_env(**env),
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wal = Path(f"{db}.wal")
    deadline = time.monotonic() + 120
    try:
        while proc.poll() is None and time.monotonic() < deadline:
            if wal.exists() and wal.stat().st_size >= wal_bytes:
                os.kill(proc.pid, signal.SIGKILL)
                break
            time.sleep(0.002)
        proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    return proc.returncode, proc.stderr.read()


def _export_bytes(db: Path, out: Path, tables: list[str]) -> dict[str, bytes]:
    with Store(db, read_only=True) as store:
        paths = export(store, out, "jsonl", tables)
    return {p.name: p.read_bytes() for p in paths}


def _no_duplicates(db: Path) -> None:
    with Store(db, read_only=True) as store:
        for table, key in (("documents", "doc_id"), ("events", "event_id"), ("statements", "statement_id"),
                           ("stats", "stat_id"), ("relations", "relation_id")):
            n, distinct = store.con.execute(f"SELECT count(*), count(DISTINCT {key}) FROM {table}").fetchone()
            assert n == distinct, (table, n, distinct)


def test_kill_during_ingest_then_rerun(tmp_path):
    corpus = tmp_path / "in"
    write_text_corpus(corpus, 3000)
    good, bad = write_jsonl_corpus(corpus / "zz.jsonl", 6000, bad_every=50)  # streamed, 60 batches
    total = 3000 + good
    db = tmp_path / "crash.duckdb"
    Store(db).close()  # the schema exists: the WAL then holds only this run's writes

    code, stderr = _kill_when_wal_passes(["ingest", str(corpus), "--db", str(db)], db, 600_000,
                                         {"TIGHTROPE_BATCH_SIZE": "100"})
    assert code == -signal.SIGKILL, f"the ingest ended before it could be killed: {code} {stderr[-500:]}"

    with Store(db) as store:  # opens: the WAL of committed batches is replayed
        stored = store.count("documents")
        (run,) = store.rows("runs")
    assert 0 < stored < total, stored  # whole batches only, mid-way
    assert stored % 100 == 0, "a batch is all or nothing"
    assert run["status"] == "running" and run["finished"] is None
    _no_duplicates(db)

    res = run_cli("ingest", str(corpus), "--db", str(db), TIGHTROPE_BATCH_SIZE="100")
    assert_no_traceback(res.stderr)
    assert res.returncode == 3, res.stderr[-1000:]  # the malformed lines
    assert f"ingested {total} documents from 3001 files ({total - stored} new, {bad} rejected)" in res.stderr
    with Store(db, read_only=True) as store:
        assert store.count("documents") == total
        runs = store.rows("runs")
        assert [r["status"] for r in runs] == ["interrupted", "partial"]
        last = runs[-1]["run_id"]
        assert store.con.execute("SELECT count(*) FROM rejects WHERE run_id = ?", [last]).fetchone()[0] == bad
    _no_duplicates(db)

    reference = tmp_path / "ref.duckdb"
    with Store(reference) as store:
        pipeline.ingest([corpus], store)
    assert _export_bytes(db, tmp_path / "a", ["documents"]) == _export_bytes(reference, tmp_path / "b", ["documents"])


def test_kill_during_extract_then_resume(tmp_path):
    corpus = write_text_corpus(tmp_path / "in", 200)
    db = tmp_path / "crash.duckdb"
    reference = tmp_path / "ref.duckdb"
    for path in (db, reference):
        with Store(path) as store:
            pipeline.ingest([corpus], store)
    with Store(reference) as store:
        pipeline.extract(store)

    code, stderr = _kill_when_wal_passes(["extract", "--db", str(db)], db, 60_000, {"TIGHTROPE_BATCH_SIZE": "10"})
    assert code == -signal.SIGKILL, f"the extraction ended before it could be killed: {code} {stderr[-500:]}"
    with Store(db) as store:
        done = store.con.execute("SELECT count(*) FROM documents WHERE extracted_version IS NOT NULL").fetchone()[0]
    assert 0 < done < 200 and done % 10 == 0, done
    _no_duplicates(db)

    res = run_cli("extract", "--db", str(db))
    assert_no_traceback(res.stderr)
    assert res.returncode == 0, res.stderr
    assert f"from {200 - done} documents" in res.stderr, "the re-run extracts only what is left"
    _no_duplicates(db)
    tables = ["documents", "events", "statements", "stats", "relations"]
    assert _export_bytes(db, tmp_path / "a", tables) == _export_bytes(reference, tmp_path / "b", tables)


def test_a_second_writer_is_refused_with_one_line(tmp_path):
    corpus = tmp_path / "in"
    corpus.mkdir()
    write_jsonl_corpus(corpus / "c.jsonl", 20_000)
    db = tmp_path / "busy.duckdb"
    Store(db).close()
    proc = subprocess.Popen([sys.executable, "-m", "tightrope.cli", "ingest", str(corpus), "--db", str(db)],
                            env=cli_env(TIGHTROPE_BATCH_SIZE="100"), stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        wal = Path(f"{db}.wal")
        deadline = time.monotonic() + 60
        while not (wal.exists() and wal.stat().st_size > 50_000) and time.monotonic() < deadline:
            time.sleep(0.005)
        res = run_cli("ingest", str(corpus), "--db", str(db))
        running = proc.poll() is None
    finally:
        proc.kill()
        proc.wait()
    assert running, "the first ingest finished before the second one started"
    assert res.returncode == 5
    assert_no_traceback(res.stderr)
    (line,) = res.stderr.strip().splitlines()
    assert line.startswith(f"error: {db}: cannot open database") and "lock" in line
