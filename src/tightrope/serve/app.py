"""The dashboard's FastAPI application: HTML pages, the JSON API under /api, OpenAPI.

Reads open the store read-only, one short connection per request, under a lock:
DuckDB refuses a read-write and a read-only connection to one file inside one
process, so the (token-guarded) ingest endpoint takes the same lock to write.
Swagger/ReDoc pages are off (they load scripts from a CDN); the schema is at
/openapi.json.  Every response carries a strict Content-Security-Policy.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import PlainTextResponse

from tightrope.serve.queries import Reader

MAX_UPLOAD_BYTES = 2 * 1024 * 1024  # an article is a few kB; this bounds memory per request
CSP = ("default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
       "frame-ancestors 'none'; base-uri 'none'")
STATIC = Path(__file__).parent / "static"


class StoreAccess:
    """Opens the store per request; serialises with writes (see module docstring)."""

    def __init__(self, db_path: Path):
        self.db_path = Path(db_path)
        self.lock = threading.Lock()

    @contextmanager
    def read(self) -> Iterator[Reader]:
        with self.lock:
            try:
                con = duckdb.connect(str(self.db_path), read_only=True)
            except duckdb.Error as e:
                raise HTTPException(503, f"store unavailable: {e}") from e
            try:
                yield Reader(con)
            finally:
                con.close()


def create_app(db_path: Path | str, read_only: bool = True, token: str | None = None,
               max_upload_bytes: int = MAX_UPLOAD_BYTES) -> FastAPI:
    """``token`` enables POST /api/ingest (Bearer auth) and needs ``read_only=False``."""
    db_path = Path(db_path)
    if not db_path.exists():
        raise FileNotFoundError(f"{db_path}: no such store (run `tightrope run PATH --db {db_path}` first)")
    if token is not None and read_only:
        raise ValueError("an ingest token needs read_only=False (ingesting writes to the store)")
    if not read_only and not token:
        raise ValueError("a writable dashboard needs an ingest token")
    app = FastAPI(title="Tightrope", version="1", docs_url=None, redoc_url=None,
                  description="Events, actors, statements and reported statistics, each with its evidence span.")
    app.state.store = StoreAccess(db_path)
    app.state.ingest_enabled = token is not None

    @app.middleware("http")
    async def security_headers(request: Request, call_next):
        response = await call_next(request)
        response.headers["Content-Security-Policy"] = CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["X-Frame-Options"] = "DENY"
        return response

    @app.get("/static/app.css", include_in_schema=False)
    def css() -> PlainTextResponse:
        return PlainTextResponse((STATIC / "app.css").read_text(encoding="utf-8"), media_type="text/css")

    from tightrope.serve import api, pages

    app.include_router(api.router)
    if token is not None:
        from tightrope.serve.ingest import ingest_router

        app.include_router(ingest_router(token, max_upload_bytes))
    app.include_router(pages.router)
    return app
