"""JSON API under /api: the same data as the pages, with evidence spans.

Filters are typed query parameters (FastAPI validates dates and bounds before
any query runs) and reach SQL only as bound parameters (see queries.py).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request

from tightrope.serve.queries import EventFilter

router = APIRouter(prefix="/api", tags=["api"])

DateFrom = Annotated[dt.date | None, Query(description="earliest event date (YYYY-MM-DD)")]
DateTo = Annotated[dt.date | None, Query(description="latest event date (YYYY-MM-DD)")]
Actor = Annotated[str | None, Query(max_length=200, description="actor id, or part of a name")]
Type = Annotated[str | None, Query(max_length=100, description="PLOVER type, ACLED event or sub-event type")]
Place = Annotated[str | None, Query(max_length=200, description="part of a location, admin1 or country name")]
Limit = Annotated[int, Query(ge=1, le=500)]
Offset = Annotated[int, Query(ge=0, le=10_000_000)]


def _store(request: Request):
    return request.app.state.store.read()


def evidence(doc: dict[str, Any], start: int, end: int) -> dict[str, Any]:
    """The highlighted span with a little context either side, as plain strings."""
    text = doc["text"]
    a, b = max(0, start), min(len(text), end)
    return {"char_start": a, "char_end": b, "text": text[a:b],
            "before": text[max(0, a - 300):a], "after": text[b:b + 300]}


@router.get("/events", summary="Events, filtered and paged")
def events(request: Request, date_from: DateFrom = None, date_to: DateTo = None, actor: Actor = None,
           type: Type = None, place: Place = None, limit: Limit = 50, offset: Offset = 0) -> dict[str, Any]:
    f = EventFilter(date_from, date_to, actor, type, place)
    with _store(request) as r:
        total, rows = r.events(f, limit, offset)
    return {"total": total, "limit": limit, "offset": offset, "events": rows}


@router.get("/event/{event_id}", summary="One event with its document and highlighted evidence span")
def event(request: Request, event_id: str) -> dict[str, Any]:
    with _store(request) as r:
        e = r.event(event_id)
        doc = r.document(e["doc_id"]) if e else None
    if e is None or doc is None:
        raise HTTPException(404, "no such event")
    return {"event": e, "document": doc, "evidence": evidence(doc, e["char_start"], e["char_end"])}


@router.get("/documents/{doc_id}", summary="One document with the facts read from it")
def document(request: Request, doc_id: str) -> dict[str, Any]:
    with _store(request) as r:
        doc = r.document(doc_id)
        facts = r.doc_facts(doc_id) if doc else {}
    if doc is None:
        raise HTTPException(404, "no such document")
    return {"document": doc, **facts}


def _rows() -> int:
    from tightrope.settings import Settings

    return Settings().serve_list_rows


# Whole-store lists are paged like /events: ``limit`` (default Settings.serve_list_rows) from
# ``offset``, with the ``total``; a million events name thousands of actors.
ListLimit = Annotated[int | None, Query(ge=1, le=5000, description="rows (default: the server's list size)")]


@router.get("/actors", summary="Actors met in events and statements, with mention counts, paged")
def actors(request: Request, limit: ListLimit = None, offset: Offset = 0) -> dict[str, Any]:
    limit = limit or _rows()
    with _store(request) as r:
        return {"total": r.actors_total(), "limit": limit, "offset": offset, "actors": r.actors(limit, offset)}


@router.get("/actor/{actor_id}", summary="One actor: knowledge-base record, events, statements, relations (paged)")
def actor(request: Request, actor_id: str, limit: ListLimit = None, offset: Offset = 0) -> dict[str, Any]:
    from tightrope.serve.pages import kb_record

    limit = limit or _rows()
    with _store(request) as r:
        facts = r.actor_facts(actor_id, limit, offset)
        totals = r.actor_totals(actor_id)
    kb = kb_record(actor_id)
    if kb is None and not any(totals.values()):
        raise HTTPException(404, "no such actor")
    return {"actor_id": actor_id, "kb": kb, "totals": totals, "limit": limit, "offset": offset, **facts}


@router.get("/stats", summary="Statistics reported by sources, with evidence, paged")
def stats(request: Request, limit: ListLimit = None, offset: Offset = 0) -> dict[str, Any]:
    limit = limit or _rows()
    with _store(request) as r:
        return {"total": r.count("stats"), "limit": limit, "offset": offset, "stats": r.stats(limit, offset)}


@router.get("/statements", summary="Statements (quotes), optionally by stance or speaker")
def statements(request: Request,
               stance: Annotated[str | None, Query(max_length=40, description="THREATEN, ACCUSE, REQUEST...")] = None,
               speaker: Actor = None, limit: Limit = 100, offset: Offset = 0) -> dict[str, Any]:
    with _store(request) as r:
        return {"statements": r.statements(stance, speaker, limit, offset)}
