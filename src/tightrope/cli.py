"""Thin CLI: parse options, call the library, turn TightropeErrors into one line + exit code.

Exit codes: 0 ok, 1 failed, 2 usage/config error, 3 partial (some inputs
rejected, the rest stored), other codes from the error tree in errors.py.
"""

from __future__ import annotations

import functools
import json
import os
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Optional

import click
import typer
from typer.exceptions import TyperException
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from tightrope.errors import TightropeError
from tightrope.settings import Settings

EXIT_OK, EXIT_FAILED, EXIT_PARTIAL = 0, 1, 3

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Tightrope: news on armed conflict -> structured, source-linked intelligence.")
kb_app = typer.Typer(no_args_is_help=True, help="Knowledge-base tools.")
app.add_typer(kb_app, name="kb")
err = Console(stderr=True, highlight=False, soft_wrap=True)
out = Console(highlight=False, soft_wrap=True)

DbOpt = Annotated[Optional[Path], typer.Option("--db", help="DuckDB file (default ./tightrope.duckdb).")]
WorkersOpt = Annotated[Optional[int], typer.Option(
    "--workers", min=1, help="Extraction processes (default 1, or TIGHTROPE_WORKERS).")]


def _db(db: Path | None) -> Path:
    return db or Settings().db_path


@contextmanager
def _errors():
    try:
        yield
    except TightropeError as e:
        err.print(f"error: {e}", markup=False)
        raise typer.Exit(e.exit_code) from None
    except (typer.Exit, typer.Abort, TyperException, click.ClickException, KeyboardInterrupt):
        raise  # typer/click print these themselves (usage errors such as BadParameter, "Aborted!")
    except Exception as e:  # a bug of ours: one line for the user, the traceback on request
        if os.environ.get("TIGHTROPE_DEBUG"):
            raise
        err.print(f"internal error: {type(e).__name__}: {e} (set TIGHTROPE_DEBUG=1 for the traceback)", markup=False)
        raise typer.Exit(EXIT_FAILED) from None


@contextmanager
def _progress(enabled: bool = True):
    if not enabled or not err.is_terminal:
        yield lambda stage, advance, total: None
        return
    tasks: dict[str, int] = {}
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=err, transient=False) as bar:
        def update(stage: str, advance: int, total: int | None) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total)
            elif total is not None:
                bar.update(tasks[stage], total=total)
            if advance:
                bar.advance(tasks[stage], advance)
        yield update


def _print_ingest(summary) -> int:
    for n in summary.notices:
        err.print(f"notice: {n}", markup=False)
    for r in summary.rejects:
        where = f"{r.path} ({r.item})" if r.item else r.path
        err.print(f"error: {where}: {r.reason}", markup=False)
    err.print(f"ingested {summary.documents} documents from {summary.files} files "
              f"({summary.new_documents} new, {len(summary.rejects)} rejected)", markup=False)
    return {"ok": EXIT_OK, "partial": EXIT_PARTIAL, "failed": EXIT_FAILED}[summary.status]


def _print_extract_failures(ext) -> int:
    """One line per document the extractor could not handle; the exit code it calls for."""
    for r in getattr(ext, "failures", ()):
        err.print(f"error: {r.path} ({r.item}): {r.reason}", markup=False)
    return EXIT_PARTIAL if getattr(ext, "failures", ()) else EXIT_OK


@app.command()
def run(paths: Annotated[list[Path], typer.Argument(help="Files or folders of articles.")],
        db: DbOpt = None,
        report: Annotated[Optional[Path], typer.Option("--report", help="HTML report path.")] = None,
        no_report: Annotated[bool, typer.Option("--no-report", help="Skip the report.")] = False,
        workers: WorkersOpt = None) -> None:
    """Ingest, extract, analyse and report, in one go."""
    from tightrope import pipeline
    from tightrope.store.db import Store

    with _errors(), Store(_db(db)) as store, _progress() as prog:
        report_path = None if no_report else (report or Settings().report_path)
        ing, ext, written = pipeline.run(paths, store, report_path, progress=prog, workers=workers)
    code = _print_ingest(ing)
    if _print_extract_failures(ext) and code == EXIT_OK:
        code = EXIT_PARTIAL
    c = ext.counts
    err.print(f"extracted {c.get('events', 0)} events, {c.get('statements', 0)} statements, "
              f"{c.get('stats', 0)} statistics, {c.get('relations', 0)} relations "
              f"from {ext.documents} documents", markup=False)
    if written:
        err.print(f"report written to {written.resolve()}", markup=False)
    raise typer.Exit(code)


@app.command()
def ingest(paths: Annotated[list[Path], typer.Argument(help="Files or folders of articles.")],
           db: DbOpt = None) -> None:
    """Read articles (text, HTML, RSS/Atom, JSONL, CSV) into the store, deduplicated."""
    from tightrope import pipeline
    from tightrope.store.db import Store

    with _errors(), Store(_db(db)) as store, _progress() as prog:
        summary = pipeline.ingest(paths, store, progress=prog)
    raise typer.Exit(_print_ingest(summary))


@app.command()
def extract(db: DbOpt = None,
            force: Annotated[bool, typer.Option("--force", help="Re-extract every document.")] = False,
            workers: WorkersOpt = None,
            engine: Annotated[str, typer.Option("--engine", help="local, or ray (needs the ray extra); "
                                                "with --input.")] = "local",
            input_path: Annotated[Optional[Path], typer.Option(
                "--input", help="A JSONL or Parquet corpus to extract straight to Parquet (no store).")] = None,
            out_dir: Annotated[Optional[Path], typer.Option(
                "--out", help="Output folder for --input (one Parquet file per table).")] = None) -> None:
    """Extract events, statements, statistics and relations from stored documents.

    With --input CORPUS --out DIR: read a JSONL/Parquet corpus and write documents, events,
    statements, stats and relations as Parquet in the export contract, streaming.
    """
    from tightrope import pipeline
    from tightrope.store.db import Store

    if input_path is not None or engine != "local":
        _extract_corpus(input_path, out_dir, engine, workers)
        return
    with _errors(), Store(_db(db)) as store, _progress() as prog:
        ext = pipeline.extract(store, force=force, progress=prog, workers=workers)
    code = _print_extract_failures(ext)
    c = ext.counts
    err.print(f"extracted {c['events']} events, {c['statements']} statements, {c['stats']} statistics, "
              f"{c['relations']} relations from {ext.documents} documents", markup=False)
    if code:
        raise typer.Exit(code)


def _extract_corpus(input_path: Path | None, out_dir: Path | None, engine: str, workers: int | None) -> None:
    from tightrope.scale import run_engine

    if input_path is None or out_dir is None:
        err.print("error: --engine/--input need both --input CORPUS and --out DIR", markup=False)
        raise typer.Exit(2)
    if engine not in ("local", "ray"):
        err.print(f"error: unknown engine {engine!r} (choose local or ray)", markup=False)
        raise typer.Exit(2)
    with _errors(), _progress() as prog:
        s = run_engine(input_path, out_dir, engine=engine, workers=workers or Settings().workers, progress=prog)
    for r in s.rejects:
        err.print(f"error: {r.path} ({r.item}): {r.reason}", markup=False)
    c = s.counts
    err.print(f"extracted {c.get('events', 0)} events, {c.get('statements', 0)} statements, "
              f"{c.get('stats', 0)} statistics, {c.get('relations', 0)} relations from {s.documents} documents "
              f"({s.records} records, {s.duplicates} duplicates, {len(s.rejects)} rejected) into {out_dir}",
              markup=False)
    raise typer.Exit(EXIT_PARTIAL if s.rejects else EXIT_OK)


@app.command()
def export(db: DbOpt = None,
           fmt: Annotated[str, typer.Option("--format", help="jsonl, csv or parquet.")] = "jsonl",
           out_dir: Annotated[Path, typer.Option("-o", "--out", help="Output folder.")] = Path("export")) -> None:
    """Write documents, events, statements, stats, relations and actors (the export contract)."""
    from tightrope.errors import ExportError
    from tightrope.store.db import Store
    from tightrope.store.export import FORMATS
    from tightrope.store.export import export as do_export

    with _errors():
        if fmt not in FORMATS:
            raise ExportError(f"unknown format {fmt!r} (choose from {', '.join(FORMATS)})")
    # Read-only: a mistyped --db is an error, not a new empty store exported as empty files.
    with _errors(), Store(_db(db), read_only=True) as store:
        paths = do_export(store, out_dir, fmt)
    for p in paths:
        out.print(str(p), markup=False)


@app.command()
def resolve(names: Annotated[list[str], typer.Argument(help="Actor names to resolve.")],
            fmt: Annotated[str, typer.Option("--format", help="jsonl or table.")] = "table",
            country: Annotated[Optional[str], typer.Option("--country", help="Context country (ISO2).")] = None) -> None:
    """Resolve actor names against the knowledge base."""
    from tightrope.resolve.actors import ActorKB

    with _errors():
        kb = ActorKB.load()
        results = [kb.resolve(n, context_country=country) for n in names]
    for r in results:
        row = {"name": r.name, "actor_id": r.actor_id, "canonical_name": r.canonical_name,
               "score": round(r.score, 1), "method": r.method}
        if fmt == "jsonl":
            sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")
        else:
            out.print(f"{r.name}\t{r.actor_id or '-'}\t{r.canonical_name or '-'}\t{r.score:.1f}\t{r.method}",
                      markup=False)


@app.command()
def report(db: DbOpt = None,
           out_path: Annotated[Optional[Path], typer.Option("-o", "--out", help="HTML report path.")] = None) -> None:
    """Write the HTML situation report from the store."""
    from tightrope import pipeline
    from tightrope.store.db import Store

    with _errors(), Store(_db(db)) as store:
        path = pipeline.report(store, out_path or Settings().report_path)
    err.print(f"report written to {path.resolve()}", markup=False)


@app.command("eval")
def eval_cmd(benchmarks: Annotated[Path, typer.Option("--benchmarks", help="Benchmarks folder.")] = Path("../shared/benchmarks"),
             out_json: Annotated[Optional[Path], typer.Option("--json", help="Write scores as JSON here.")] = None) -> None:
    """Score the extractor on the public benchmarks (CASE 2021 task 2, PLOVER gold records)."""
    from tightrope.eval import render_table, run_eval

    with _errors():
        scores = run_eval(benchmarks, out_json)
    out.print(render_table(scores), markup=False)


@kb_app.command("validate")
def kb_validate(paths: Annotated[list[Path], typer.Argument(help="KB YAML files to check.")]) -> None:
    """Check user-edited KB files; print every problem with file and line."""
    from tightrope.resolve.kb import validate_kb

    with _errors():
        problems = validate_kb(paths)
    for p in problems:
        err.print(f"error: {p}", markup=False)
    if problems:
        raise typer.Exit(4)
    err.print(f"ok: {len(paths)} file(s) valid", markup=False)


def _register_plugins() -> None:
    """Stage packages add their own commands (analyse: trends/backtest/simulate; resolve: actors; serve)."""
    import importlib

    for mod in ("tightrope.analyse.cli", "tightrope.resolve.cli", "tightrope.report.cli", "tightrope.serve.cli"):
        try:
            module = importlib.import_module(mod)
            module.register(app)
        except ModuleNotFoundError as e:
            if e.name == mod:
                continue
            _plugin_failed(mod, e)
        except Exception as e:  # a broken plugin must not take the other commands down
            _plugin_failed(mod, e)


def _plugin_failed(mod: str, e: Exception) -> None:
    if os.environ.get("TIGHTROPE_DEBUG"):
        raise e
    err.print(f"warning: commands of {mod} unavailable ({type(e).__name__}: {e})", markup=False)


def _guarded(fn):
    """The command wrapped in _errors(): whatever escapes it becomes one line and an exit code."""
    if getattr(fn, "_tightrope_guarded", False):
        return fn

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        with _errors():
            return fn(*args, **kwargs)

    wrapper._tightrope_guarded = True  # type: ignore[attr-defined]
    return wrapper


def _guard_commands(typer_app: typer.Typer) -> None:
    """Every command, plugins' included, even code outside its own ``with _errors()`` block."""
    for info in typer_app.registered_commands:
        if info.callback is not None:
            info.callback = _guarded(info.callback)
    for group in typer_app.registered_groups:
        if group.typer_instance is not None:
            _guard_commands(group.typer_instance)


_register_plugins()
_guard_commands(app)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
