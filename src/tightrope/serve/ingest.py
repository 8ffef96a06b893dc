"""POST /api/ingest: add one article to the store and extract it.  Exists only with a token.

Auth is a Bearer token compared in constant time.  The body is bounded twice:
a declared Content-Length over the limit is refused before reading, and the
stream is cut as soon as it passes the limit (a lying or absent header gains
nothing).  The article goes through the same readers as the CLI, so
deduplication, metadata recognition and rejects behave identically.
"""

from __future__ import annotations

import hmac
import json
import tempfile
from pathlib import Path
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from starlette.concurrency import run_in_threadpool

SUFFIX = {"text/plain": ".txt", "text/markdown": ".txt", "text/html": ".html", "application/json": ".jsonl",
          "application/x-ndjson": ".jsonl", "text/csv": ".csv"}


def _authorised(request: Request, token: str) -> bool:
    header = request.headers.get("authorization", "")
    scheme, _, given = header.partition(" ")
    # compare_digest on bytes: the time taken does not depend on where they differ.
    return scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), token.encode())


async def _body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None and (not declared.isdigit() or int(declared) > limit):
        raise HTTPException(413, f"request body over {limit} bytes")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise HTTPException(413, f"request body over {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def _ingest(access, data: bytes, suffix: str) -> dict[str, Any]:
    from tightrope import pipeline
    from tightrope.ingest.readers import read_path
    from tightrope.store.db import Store

    with tempfile.TemporaryDirectory(prefix="tightrope-ingest-") as tmp:
        path = Path(tmp) / f"upload{suffix}"
        path.write_bytes(data)
        result = read_path(path)
    if result is None or not result.documents:
        reasons = [r.reason for r in (result.rejects if result else [])] or ["not an article"]
        raise HTTPException(422, "; ".join(reasons))
    with access.write(), Store(access.db_path) as store:  # no read-only connection is open while we write
        new = store.add_documents(list(result.documents))
        ext = pipeline.extract(store)
    return {"documents": [d.doc_id for d in result.documents], "new_documents": len(new),
            "extracted": ext.counts, "rejects": [r.reason for r in result.rejects]}


def ingest_router(token: str, max_bytes: int) -> APIRouter:
    if not token:
        raise ValueError("empty ingest token")
    router = APIRouter(prefix="/api", tags=["ingest"])

    @router.post("/ingest", summary="Add an article (text/plain, text/html, or JSON {text,title,url,publisher,"
                                    "published}); needs Authorization: Bearer <token>")
    async def ingest(request: Request) -> dict[str, Any]:
        if not _authorised(request, token):
            raise HTTPException(401, "missing or wrong bearer token", headers={"WWW-Authenticate": "Bearer"})
        data = await _body(request, max_bytes)
        ctype = request.headers.get("content-type", "text/plain").split(";")[0].strip().lower()
        if ctype not in SUFFIX:
            raise HTTPException(415, f"unsupported content type {ctype!r} (use {', '.join(sorted(SUFFIX))})")
        if ctype == "application/json":
            try:
                record = json.loads(data)
            except RecursionError:
                raise HTTPException(422, "invalid JSON: nested too deeply") from None
            except ValueError as e:
                raise HTTPException(422, f"invalid JSON: {e}") from e
            if not isinstance(record, dict):
                raise HTTPException(422, "expected one JSON object")
            data = json.dumps(record, ensure_ascii=False).encode("utf-8")
        return await run_in_threadpool(_ingest, request.app.state.store, data, SUFFIX[ctype])

    return router
