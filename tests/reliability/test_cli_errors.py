"""No exception escapes to the user as a traceback: every command, plugins' included, turns a
broken store, a missing store or a bug of ours into one line and an exit code.  A document the
extractor fails on is a reject, not the end of the run."""
from __future__ import annotations

import os

import pytest
from typer.testing import CliRunner

from reliability_support import ARTICLE, assert_no_traceback, run_cli
from tightrope import cli
from tightrope.cli import EXIT_FAILED, EXIT_PARTIAL, app
from tightrope.store.db import Store

runner = CliRunner()

# Every command that opens a store: (args with {db}, {in}, {out} placeholders).
STORE_COMMANDS = [
    "run {in} --db {db} --no-report", "ingest {in} --db {db}", "extract --db {db}", "export --db {db} -o {out}",
    "report --db {db} -o {out}/r.html", "trends --db {db}", "signals --db {db}", "forecast --db {db}",
    "merge --db {db}", "actors list --db {db}",
]


def _args(template: str, tmp_path, db) -> list[str]:
    return template.format(db=db, out=tmp_path / "out", **{"in": tmp_path / "in"}).split()


@pytest.fixture
def corpus(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text(ARTICLE, encoding="utf-8")
    return tmp_path / "in"


def _one_error_line(stderr: str, prefix: str = "error: ") -> str:
    assert_no_traceback(stderr)
    lines = [ln for ln in stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith(prefix), lines
    return lines[0]


@pytest.mark.parametrize("template", STORE_COMMANDS)
def test_corrupt_store_is_one_line(tmp_path, corpus, template):
    db = tmp_path / "corrupt.duckdb"
    db.write_bytes(os.urandom(8192))
    res = runner.invoke(app, _args(template, tmp_path, db))
    assert res.exit_code == 5, res.output
    assert "not a valid DuckDB database file" in _one_error_line(res.stderr)


@pytest.mark.parametrize("template", ["export --db {db} -o {out}", "report --db {db} -o {out}/r.html",
                                      "trends --db {db}"])
def test_missing_store_for_a_read_command_is_an_error_and_creates_nothing(tmp_path, template):
    db = tmp_path / "typo.duckdb"
    res = runner.invoke(app, _args(template, tmp_path, db))
    assert res.exit_code != 0
    _one_error_line(res.stderr)
    assert not db.exists()


@pytest.mark.parametrize("template", STORE_COMMANDS + ["serve --db {db}"])
def test_a_bug_anywhere_is_one_line(tmp_path, corpus, template, monkeypatch):
    """An unexpected exception (here: opening the store blows up) in any command, plugin or core."""
    db = tmp_path / "t.duckdb"
    Store(db).close()

    def boom(*a, **k):
        raise RuntimeError("simulated bug")

    import duckdb
    import uvicorn

    import tightrope.serve.app as serve_app

    monkeypatch.setattr(duckdb, "connect", boom)
    monkeypatch.setattr(serve_app, "create_app", boom)  # serve opens the store per request
    monkeypatch.setattr(uvicorn, "run", lambda *a, **k: None)  # never actually serve from a test
    res = runner.invoke(app, _args(template, tmp_path, db))
    assert res.exit_code == EXIT_FAILED, res.output
    line = _one_error_line(res.stderr, "internal error: ")
    assert "RuntimeError: simulated bug" in line and "TIGHTROPE_DEBUG" in line


def test_a_bug_outside_the_error_block_is_one_line(tmp_path, corpus, monkeypatch):
    monkeypatch.setattr(cli, "_print_ingest", lambda summary: 1 / 0)
    res = runner.invoke(app, ["ingest", str(corpus), "--db", str(tmp_path / "t.duckdb")])
    assert res.exit_code == EXIT_FAILED
    assert "ZeroDivisionError" in _one_error_line(res.stderr, "internal error: ")


@pytest.mark.parametrize("args", [["forecast", "--horizon", "9"],   # rejected by the option's type
                                  ["report", "--format", "docx"]])     # BadParameter raised in the command body
def test_usage_errors_stay_usage_errors(tmp_path, args):
    res = runner.invoke(app, args + ["--db", str(tmp_path / "x.duckdb")])
    assert res.exit_code == 2 and "Traceback" not in res.output and "internal error" not in res.output


def test_a_broken_plugin_leaves_the_other_commands(monkeypatch, capsys):
    import importlib
    import types

    real = importlib.import_module

    def fake(name, *a, **k):
        if name == "tightrope.analyse.cli":
            raise RuntimeError("plugin bug")
        if name.startswith("tightrope.") and name.endswith(".cli"):
            return types.SimpleNamespace(register=lambda app: None)
        return real(name, *a, **k)

    monkeypatch.delenv("TIGHTROPE_DEBUG", raising=False)
    monkeypatch.setattr(importlib, "import_module", fake)
    lines = []
    monkeypatch.setattr(cli.err, "print", lambda msg, **k: lines.append(msg))
    cli._register_plugins()
    assert lines == ["warning: commands of tightrope.analyse.cli unavailable (RuntimeError: plugin bug)"]


def test_entry_point_subprocess_bug_is_one_line(tmp_path):
    db = tmp_path / "t.duckdb"
    db.mkdir()  # a folder where the store file should be
    res = run_cli("export", "--db", str(db), "-o", str(tmp_path / "out"))
    assert res.returncode != 0
    _one_error_line(res.stderr)


# --------------------------------------------------------------------------- extraction failures


def _corpus_with_poison(tmp_path):
    d = tmp_path / "in"
    d.mkdir(exist_ok=True)
    for i, town in enumerate(["Erbil", "Mosul", "Kirkuk"]):
        (d / f"{i}.txt").write_text(ARTICLE.replace("Erbil", town), encoding="utf-8")
    (d / "poison.txt").write_text(ARTICLE.replace("Erbil", "POISON town"), encoding="utf-8")
    return d


def test_extractor_failure_on_one_document_is_a_reject(tmp_path, monkeypatch):
    import tightrope.extract as extract

    real = extract.extract_document

    def flaky(doc):
        if "POISON" in doc.text:
            raise ValueError("simulated extractor bug")
        return real(doc)

    monkeypatch.setattr(extract, "extract_document", flaky)
    d = _corpus_with_poison(tmp_path)
    db = tmp_path / "t.duckdb"
    res = runner.invoke(app, ["run", str(d), "--db", str(db), "--no-report"])
    assert res.exit_code == EXIT_PARTIAL, res.output
    errors = [ln for ln in res.stderr.splitlines() if ln.startswith("error:")]
    assert len(errors) == 1 and "poison.txt (extract d" in errors[0] and "ValueError: simulated" in errors[0]
    with Store(db, read_only=True) as store:
        left = store.con.execute("SELECT path FROM documents WHERE extracted_version IS NULL").fetchall()
        assert left == [(str(d / "poison.txt"),)]  # the others are extracted and stored
        assert store.count("events") > 0
        assert store.con.execute("SELECT count(*) FROM rejects WHERE item LIKE 'extract %'").fetchone()[0] == 1
    monkeypatch.setattr(extract, "extract_document", real)  # the bug fixed: the re-run picks it up
    res = runner.invoke(app, ["extract", "--db", str(db)])
    assert res.exit_code == 0 and "from 1 documents" in res.stderr


def test_store_refusing_one_document_keeps_the_batch(tmp_path, monkeypatch):
    from tightrope import pipeline
    from tightrope.errors import StoreError

    d = _corpus_with_poison(tmp_path)
    real = Store.save_extractions

    def picky(self, extractions, version):
        if any(any("POISON" in e.text for e in x.events) for x in extractions):
            raise StoreError("simulated constraint violation")
        return real(self, extractions, version)

    monkeypatch.setattr(Store, "save_extractions", picky)
    with Store(tmp_path / "t.duckdb") as store:
        pipeline.ingest([d], store)
        summary = pipeline.extract(store)
        assert summary.documents == 4 and len(summary.failures) == 1
        assert "simulated constraint violation" in summary.failures[0].reason
        assert store.con.execute("SELECT count(*) FROM documents WHERE extracted_version IS NOT NULL"
                                 ).fetchone()[0] == 3
