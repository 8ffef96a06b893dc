"""HTML pages of the dashboard, rendered with Jinja2 autoescaping (article text is untrusted).

Handlers are plain ``def`` so FastAPI runs them in its thread pool: the store
lock (see app.py) is a threading lock and must never block the event loop.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from tightrope.report.spans import segments
from tightrope.serve.queries import EventFilter

router = APIRouter(include_in_schema=False)
PAGE = 50
MAP_EVENTS = 5000  # bounds the work per page view; far above any one filter's useful map
ACTOR_CHOICES = 300  # the actor filter's suggestions: the most mentioned


@lru_cache(maxsize=1)
def _env() -> Environment:
    env = Environment(loader=FileSystemLoader(Path(__file__).parent / "templates"),
                      autoescape=select_autoescape(default=True, default_for_string=True),
                      trim_blocks=True, lstrip_blocks=True)
    env.filters["num"] = lambda v: "" if v is None else (f"{v:,.0f}" if float(v).is_integer() else f"{v:,.2f}")
    return env


def render(name: str, status: int = 200, **ctx: Any) -> HTMLResponse:
    return HTMLResponse(_env().get_template(name).render(**ctx), status_code=status)


@lru_cache(maxsize=1)
def _kb() -> dict[str, Any]:
    try:
        from tightrope.resolve.actors import ActorKB

        return {a.actor_id: a for a in ActorKB.load().actors()}
    except Exception:  # a broken user KB should not take the dashboard down
        return {}


def kb_record(actor_id: str) -> dict[str, Any] | None:
    kb = _kb()
    a = kb.get(actor_id)
    if a is None:
        return None
    return {"actor_id": a.actor_id, "name": a.name, "actor_type": a.actor_type, "country": a.country,
            "aliases": list(a.aliases),
            "affiliations": [{"relation": f.relation, "object_id": f.object_id,
                              "object": kb[f.object_id].name if f.object_id in kb else f.object_id,
                              "start": f.start, "end": f.end, "source": f.source} for f in a.affiliations],
            "affiliated_from": [{"subject_id": b.actor_id, "subject": b.name, "relation": f.relation}
                                for b in kb.values() for f in b.affiliations if f.object_id == actor_id]}


def _date(value: str | None) -> tuple[dt.date | None, str | None]:
    if not value:
        return None, None
    try:
        return dt.date.fromisoformat(value), None
    except ValueError:
        return None, f"ignored date {value!r}: use YYYY-MM-DD"


def _map_html(r, f: EventFilter, params: dict[str, str]) -> Markup:
    """The map of the first MAP_EVENTS matches (not just this page), each place a link that adds it
    to the filter.  Rendered on its own: the autoescaped template's output, kept as Markup."""
    from tightrope.report.geomap import event_map

    emap = event_map(r.map_events(f, MAP_EVENTS), width=420)
    for p in emap["points"]:
        p["href"] = "/?" + urlencode({**params, "place": p["name"], "page": 1})
    return Markup(_env().get_template("_map.html.j2").render(map=emap))


@router.get("/", response_class=HTMLResponse)
def index(request: Request, date_from: str | None = None, date_to: str | None = None, actor: str | None = None,
          type: str | None = None, place: str | None = None, page: int = 1) -> HTMLResponse:
    (d0, e0), (d1, e1) = _date(date_from), _date(date_to)
    f = EventFilter(d0, d1, (actor or "").strip()[:200] or None, (type or "").strip()[:100] or None,
                    (place or "").strip()[:200] or None)
    page = max(1, min(page, 100_000))
    params = {k: v for k, v in {"date_from": date_from, "date_to": date_to, "actor": actor, "type": type,
                                "place": place}.items() if v}
    store = request.app.state.store
    with store.read() as r:
        total, rows = r.events(f, PAGE, (page - 1) * PAGE)
        # The unfiltered map (the landing page's, and every page of it) is the same until the store
        # changes: ~0.3 s of its 0.4 s at a million events (5,000 places to query, project, render).
        # A filtered one is built per request; its links carry the request's own parameters.
        map_html = _map_html(r, f, params) if params else store.memo("index_map", lambda: _map_html(r, f, params))
        titles = r.titles([e["doc_id"] for e in rows])
        facets = r.facets()
        actors = r.actors(ACTOR_CHOICES)
        counts = {t: r.count(t) for t in ("documents", "events", "statements", "stats")}
    pages = {"prev": urlencode({**params, "page": page - 1}) if page > 1 else None,
             "next": urlencode({**params, "page": page + 1}) if page * PAGE < total else None}
    return render("index.html.j2", map_html=map_html, rows=rows, total=total, titles=titles, facets=facets,
                  actors=actors, counts=counts, f=params, page=page, pages=pages, notes=[n for n in (e0, e1) if n],
                  ingest=request.app.state.ingest_enabled)


@router.get("/events/{event_id}", response_class=HTMLResponse)
def event_page(request: Request, event_id: str) -> HTMLResponse:
    with request.app.state.store.read() as r:
        e = r.event(event_id)
        doc = r.document(e["doc_id"]) if e else None
        spans = r.doc_spans(e["doc_id"]) if e else []
    if e is None or doc is None:
        return render("error.html.j2", 404, message="No such event.")
    segs = segments(doc["text"], spans, focus=event_id)
    return render("event.html.j2", e=e, doc=doc, segments=segs)


@router.get("/documents/{doc_id}", response_class=HTMLResponse)
def document_page(request: Request, doc_id: str) -> HTMLResponse:
    with request.app.state.store.read() as r:
        doc = r.document(doc_id)
        if doc is None:
            return render("error.html.j2", 404, message="No such document.")
        spans = r.doc_spans(doc_id)
        facts = r.doc_facts(doc_id)
    return render("document.html.j2", doc=doc, segments=segments(doc["text"], spans), **facts)


def _rows() -> int:
    from tightrope.settings import Settings

    return Settings().serve_list_rows


def _pager(page: int, size: int, total: int, params: dict[str, str] | None = None) -> dict[str, str | None]:
    params = params or {}
    return {"prev": urlencode({**params, "page": page - 1}) if page > 1 else None,
            "next": urlencode({**params, "page": page + 1}) if page * size < total else None}


@router.get("/actors", response_class=HTMLResponse)
def actors_page(request: Request, page: int = 1) -> HTMLResponse:
    size, page = _rows(), max(1, min(page, 100_000))
    with request.app.state.store.read() as r:
        actors = r.actors(size, (page - 1) * size)
        total = r.actors_total()
    kb = _kb()
    for a in actors:
        a["actor_type"] = kb[a["actor_id"]].actor_type if a["actor_id"] in kb else ""
    return render("actors.html.j2", actors=actors, total=total, page=page, pages=_pager(page, size, total))


@router.get("/actors/{key:path}", response_class=HTMLResponse)
def actor_page(request: Request, key: str, page: int = 1) -> HTMLResponse:
    size, page = _rows(), max(1, min(page, 100_000))
    with request.app.state.store.read() as r:
        facts = r.actor_facts(key, size, (page - 1) * size)
        totals = r.actor_totals(key)
        titles = r.titles([x["doc_id"] for v in facts.values() for x in v])
    kb = kb_record(key)
    if kb is None and not any(totals.values()):
        return render("error.html.j2", 404, message="No such actor.")
    return render("actor.html.j2", key=key, kb=kb, titles=titles, totals=totals, page=page,
                  pages=_pager(page, size, max(totals.values())), **facts)


@router.get("/statements", response_class=HTMLResponse)
def statements_page(request: Request, stance: str | None = None) -> HTMLResponse:
    with request.app.state.store.read() as r:
        rows = r.statements((stance or "")[:40] or None, None, 500, 0)
        titles = r.titles([s["doc_id"] for s in rows])
    return render("statements.html.j2", rows=rows, titles=titles, stance=stance or "",
                  stances=["THREATEN", "ACCUSE", "REQUEST", "REJECT"])


@router.get("/stats", response_class=HTMLResponse)
def stats_page(request: Request, page: int = 1) -> HTMLResponse:
    size, page = _rows(), max(1, min(page, 100_000))
    with request.app.state.store.read() as r:
        rows = r.stats(size, (page - 1) * size)
        total = r.count("stats")
        titles = r.titles([s["doc_id"] for s in rows])
    return render("stats.html.j2", rows=rows, titles=titles, total=total, page=page, pages=_pager(page, size, total))
