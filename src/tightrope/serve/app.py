"""The dashboard's FastAPI application: HTML pages, the JSON API under /api, OpenAPI.

Reads open the store read-only, one short connection per request, under a lock:
DuckDB refuses a read-write and a read-only connection to one file inside one
process, so the (token-guarded) ingest endpoint takes the same lock to write.
Swagger/ReDoc pages are off (they load scripts from a CDN); the schema is at
/openapi.json.  Every response carries a strict Content-Security-Policy.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import asynccontextmanager, contextmanager
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
    """One shared read-only connection, a cursor per request; writes wait for reads to finish.

    Opening DuckDB costs ~15 ms (a database instance per connect), which capped
    the dashboard near 60 requests/s when it connected per request.  The
    connection is kept while requests come and closed after ``idle_close_s``
    without one, so a ``tightrope`` command in another process can take the
    file's write lock between bursts of use (DuckDB locks the file while any
    connection is open).  Reads run side by side on their own cursors (DuckDB
    releases the GIL while it works); ``write()`` waits for them, closes the
    connection and holds new reads off while the in-process ingest endpoint writes.
    """

    def __init__(self, db_path: Path, idle_close_s: float = 1.0):
        self.db_path = Path(db_path)
        self.idle_close_s = idle_close_s
        self.lock = threading.Lock()
        self._idle = threading.Condition(self.lock)
        self._readers = 0
        self._con: duckdb.DuckDBPyConnection | None = None
        self._last = 0.0
        self._reaper: threading.Thread | None = None
        self._memo: dict[str, tuple[tuple, object]] = {}

    def _signature(self) -> tuple:
        """The store file's state: another process may write it while our connection is closed."""
        out = []
        for f in (self.db_path, self.db_path.with_name(self.db_path.name + ".wal")):
            try:
                st = f.stat()
                out.append((st.st_mtime_ns, st.st_size))
            except OSError:
                out.append(None)
        return tuple(out)

    def memo(self, name: str, fn):
        """``fn()``, computed once per state of the store file (whole-store aggregates, e.g. the
        actors table: ~1 s of CPU at a million events, the same answer until the store changes)."""
        sig = self._signature()
        with self.lock:
            hit = self._memo.get(name)
        if hit is not None and hit[0] == sig:
            return hit[1]
        value = fn()  # outside the lock: other reads go on meanwhile
        with self.lock:
            self._memo[name] = (sig, value)
        return value

    def _open(self) -> duckdb.DuckDBPyConnection:
        if self._con is None:
            try:
                self._con = duckdb.connect(str(self.db_path), read_only=True)
            except duckdb.Error as e:
                raise HTTPException(503, "store unavailable (busy or missing); retry shortly") from e
            if self._reaper is None or not self._reaper.is_alive():
                # Not a daemon: at exit the interpreter waits for it to close the connection,
                # instead of killing it inside DuckDB (which aborts the process).
                self._reaper = threading.Thread(target=self._reap, name="tightrope-store-reaper", daemon=False)
                self._reaper.start()
        return self._con

    def _reap(self) -> None:
        while True:
            time.sleep(max(0.05, self.idle_close_s / 2))
            with self.lock:
                if self._con is None:
                    return
                if not self._readers and time.monotonic() - self._last >= self.idle_close_s:
                    self._close()
                    return

    def _close(self) -> None:
        if self._con is not None:
            self._con.close()
            self._con = None

    def close(self) -> None:
        with self.lock:
            self._idle.wait_for(lambda: self._readers == 0)
            self._close()

    @contextmanager
    def read(self) -> Iterator[Reader]:
        with self.lock:
            cur = self._open().cursor()
            self._readers += 1
        try:
            yield Reader(cur, self.memo)
        finally:
            with self.lock:
                cur.close()
                self._readers -= 1
                self._last = time.monotonic()
                self._idle.notify_all()

    @contextmanager
    def write(self) -> Iterator[None]:
        """Wait for the reads in progress, close the shared connection and hold new reads off:
        the caller may then open the store to write."""
        with self.lock:
            self._idle.wait_for(lambda: self._readers == 0)
            self._close()
            self._memo.clear()  # the file's mtime may not move within its clock's resolution
            yield


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
    access = StoreAccess(db_path)

    @asynccontextmanager
    async def lifespan(_app: FastAPI):
        yield
        access.close()  # the shared read connection ends with the server

    app = FastAPI(title="Tightrope", version="1", docs_url=None, redoc_url=None, lifespan=lifespan,
                  description="Events, actors, statements and reported statistics, each with its evidence span.")
    app.state.store = access
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
