"""``tightrope report`` with formats: html (default), md, pdf.

Replaces the core CLI's plain ``report`` command with one that keeps its options
(``--db``, ``-o/--out``) and adds ``--format``; the format is otherwise taken from
the output file's suffix, so ``-o report.pdf`` just works.
"""

# No ``from __future__ import annotations``: typer evaluates these annotations at
# runtime in this module's globals.
from pathlib import Path
from typing import Annotated, Optional

import typer

DbOpt = Annotated[Optional[Path], typer.Option("--db", help="DuckDB file (default ./tightrope.duckdb).")]
FORMATS = {"html": ".html", "md": ".md", "pdf": ".pdf"}
SUFFIXES = {".html": "html", ".htm": "html", ".md": "md", ".markdown": "md", ".pdf": "pdf"}


def pick_format(fmt: Optional[str], out: Optional[Path]) -> str:
    if fmt:
        if fmt not in FORMATS:
            raise typer.BadParameter(f"unknown format {fmt!r} (choose from {', '.join(FORMATS)})",
                                     param_hint="--format")
        return fmt
    return SUFFIXES.get(out.suffix.lower(), "html") if out else "html"


def register(app: typer.Typer) -> None:
    from tightrope import cli as core

    def _is_report(info) -> bool:
        name = info.name or (info.callback.__name__.replace("_", "-") if info.callback else "")
        return name == "report"

    app.registered_commands[:] = [c for c in app.registered_commands if not _is_report(c)]

    @app.command()
    def report(db: DbOpt = None,
               out_path: Annotated[Optional[Path], typer.Option("-o", "--out", help="Output file.")] = None,
               fmt: Annotated[Optional[str], typer.Option(
                   "--format", help="html, md or pdf (default: from the -o suffix, else html).")] = None,
               max_events: Annotated[Optional[int], typer.Option(
                   "--max-events", min=1, help="List rows for at most this many (latest) events; figures "
                   "still cover all (default: TIGHTROPE_REPORT_MAX_EVENTS or 2000).")] = None) -> None:
        """Write the situation report (self-contained HTML, Markdown, or PDF via headless Chromium)."""
        from tightrope.settings import Settings
        from tightrope.store.db import Store

        kind = pick_format(fmt, out_path)
        out = out_path or Settings().report_path.with_suffix(FORMATS[kind])
        with core._errors(), Store(core._db(db), read_only=True) as store:
            if kind == "md":
                from tightrope.report.markdown import write_markdown as write
            elif kind == "pdf":
                from tightrope.report.pdf import write_pdf as write
            else:
                from tightrope.report.html import write_report as write
            path = write(store, out, max_events)
        core.err.print(f"report written to {path.resolve()}", markup=False)
