"""Thin CLI: parse options, call the library, turn TightropeErrors into one line + exit code.

Exit codes: 0 ok, 1 failed, 2 usage/config error, 3 partial (some inputs
rejected, the rest stored), other codes from the error tree in errors.py.
"""

from __future__ import annotations

import json
import os
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Optional

import typer
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


def _db(db: Path | None) -> Path:
    return db or Settings().db_path


@contextmanager
def _errors():
    try:
        yield
    except TightropeError as e:
        err.print(f"error: {e}", markup=False)
        raise typer.Exit(e.exit_code) from None
    except (typer.Exit, KeyboardInterrupt):
        raise
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


@app.command()
def run(paths: Annotated[list[Path], typer.Argument(help="Files or folders of articles.")],
        db: DbOpt = None,
        report: Annotated[Optional[Path], typer.Option("--report", help="HTML report path.")] = None,
        no_report: Annotated[bool, typer.Option("--no-report", help="Skip the report.")] = False) -> None:
    """Ingest, extract, analyse and report, in one go."""
    from tightrope import pipeline
    from tightrope.store.db import Store

    with _errors(), Store(_db(db)) as store, _progress() as prog:
        report_path = None if no_report else (report or Settings().report_path)
        ing, ext, written = pipeline.run(paths, store, report_path, progress=prog)
    code = _print_ingest(ing)
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
            force: Annotated[bool, typer.Option("--force", help="Re-extract every document.")] = False) -> None:
    """Extract events, statements, statistics and relations from stored documents."""
    from tightrope import pipeline
    from tightrope.store.db import Store

    with _errors(), Store(_db(db)) as store, _progress() as prog:
        ext = pipeline.extract(store, force=force, progress=prog)
    c = ext.counts
    err.print(f"extracted {c['events']} events, {c['statements']} statements, {c['stats']} statistics, "
              f"{c['relations']} relations from {ext.documents} documents", markup=False)


@app.command()
def export(db: DbOpt = None,
           fmt: Annotated[str, typer.Option("--format", help="jsonl, csv or parquet.")] = "jsonl",
           out_dir: Annotated[Path, typer.Option("-o", "--out", help="Output folder.")] = Path("export")) -> None:
    """Write documents, events, statements, stats, relations and actors (the export contract)."""
    from tightrope.store.db import Store
    from tightrope.store.export import export as do_export

    with _errors(), Store(_db(db)) as store:
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
        except ModuleNotFoundError as e:
            if e.name != mod:
                raise
            continue
        module.register(app)


_register_plugins()


def main() -> None:
    app()


if __name__ == "__main__":
    main()
