"""``tightrope serve``: the dashboard and JSON API over a store.

Binds 127.0.0.1 by default (TIGHTROPE_HOST / --host to change).  Read-only
unless --allow-ingest is given, and then only with a token taken from the
environment (TIGHTROPE_INGEST_TOKEN): a token on the command line would show
in the process list.
"""

# No ``from __future__ import annotations``: typer evaluates these annotations at runtime.
import os
from pathlib import Path
from typing import Annotated, Optional

import typer

TOKEN_ENV = "TIGHTROPE_INGEST_TOKEN"
MIN_TOKEN_CHARS = 16  # short tokens are guessable; refuse them rather than warn


def register(app: typer.Typer) -> None:
    @app.command()
    def serve(db: Annotated[Optional[Path], typer.Option("--db", help="DuckDB file (default ./tightrope.duckdb).")] = None,
              host: Annotated[Optional[str], typer.Option("--host", help="Address to bind (default 127.0.0.1).")] = None,
              port: Annotated[Optional[int], typer.Option("--port", help="Port (default 8765).")] = None,
              allow_ingest: Annotated[bool, typer.Option(
                  "--allow-ingest", help=f"Enable POST /api/ingest, guarded by the bearer token in ${TOKEN_ENV}.")] = False,
              ) -> None:
        """Web dashboard and JSON API (OpenAPI at /openapi.json) over the store."""
        import uvicorn

        from tightrope import cli as core
        from tightrope.serve.app import create_app
        from tightrope.settings import Settings

        settings = Settings()
        token = None
        if allow_ingest:
            token = os.environ.get(TOKEN_ENV, "")
            if len(token) < MIN_TOKEN_CHARS:
                core.err.print(f"error: --allow-ingest needs ${TOKEN_ENV} set to a secret of at least "
                               f"{MIN_TOKEN_CHARS} characters", markup=False)
                raise typer.Exit(2)
        host = host or settings.serve_host
        port = port or settings.serve_port
        try:
            web = create_app(core._db(db), read_only=token is None, token=token)
        except FileNotFoundError as e:
            core.err.print(f"error: {e}", markup=False)
            raise typer.Exit(5) from None
        if host not in ("127.0.0.1", "localhost", "::1"):
            core.err.print(f"warning: serving on {host}: reachable from other machines", markup=False)
        core.err.print(f"dashboard on http://{host}:{port}/ ({'ingest enabled' if token else 'read-only'})",
                       markup=False)
        uvicorn.run(web, host=host, port=port, log_level="warning")
