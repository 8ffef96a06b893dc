"""What one canonical event looks like, and reading canonical events back.

A canonical event is built from its member mentions (merge._Mention: the
``events`` row, date precision rank and start, resolved actor ids, the
document's publication date) and the orientation each member was matched in:

* date: the most precise one, then the one most documents give, then the earliest;
* place: the most precise one, then the commonest;
* event/sub-event/PLOVER type, weapon, actors: the value most documents give
  (actors per side, after aligning swapped dyads); ties to the first member;
* ``fatalities``: the best-supported figure -- the value the most documents
  report, ties to the larger, since tolls rise as reports come in;
  ``fatalities_max``: the largest figure any member reports;
* ``claim_statuses``: every status seen, so a claim and its confirmation are one
  event that records both;
* id: ``ce`` + sha256 of the sorted member event ids (deterministic).
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from typing import Any

from tightrope.resolve.actors import ActorKB
from tightrope.store.db import Store

CANON_COLS = ["canonical_event_id", "event_date", "date_precision", "event_type", "sub_event_type", "plover_type",
              "actor1", "actor1_id", "actor2", "actor2_id", "location", "admin1", "country", "latitude",
              "longitude", "geo_precision", "weapon", "fatalities", "fatalities_max", "claim_statuses",
              "n_mentions", "n_documents", "doc_ids", "publishers", "first_reported", "last_reported"]
MEMBER_COLS = ["canonical_event_id", "event_id", "doc_id", "char_start", "char_end", "claim_status"]


def _vote(values: list[tuple[Any, str]], *, prefer_larger: bool = False) -> Any:
    """Value given by most documents; ties to the first seen (or the larger)."""
    docs: dict[Any, set[str]] = defaultdict(set)
    first: dict[Any, int] = {}
    for i, (v, doc) in enumerate(values):
        if v is None:
            continue
        docs[v].add(doc)
        first.setdefault(v, i)
    if not docs:
        return None
    if prefer_larger:
        return max(docs, key=lambda v: (len(docs[v]), v))
    return min(docs, key=lambda v: (-len(docs[v]), first[v]))


def canonical_id(event_ids: list[str]) -> str:
    return "ce" + hashlib.sha256("|".join(sorted(event_ids)).encode()).hexdigest()[:16]


def build_row(members: list[tuple[Any, bool]], kb: ActorKB) -> tuple[dict, list[dict]]:
    rows = [(m.row, swapped) for m, swapped in members]
    ids = [r["event_id"] for r, _ in rows]
    cid = canonical_id(ids)
    ment = [m for m, _ in members]
    # date: most precise, then most documents, then earliest
    dated = [m for m in ment if m.lo is not None]
    date = prec = None
    if dated:
        top = min(m.rank for m in dated)
        docs: dict[Any, set] = defaultdict(set)
        for m in dated:
            if m.rank == top:
                docs[m.row["event_date"]].add(m.row["doc_id"])
        date = min(docs, key=lambda d: (-len(docs[d]), str(d)))
        prec = next(m.row["date_precision"] for m in dated if m.rank == top)
    # place: most precise, then most documents
    placed = [r for r, _ in rows if r.get("location") or r.get("country")]
    place: dict[str, Any] = {}
    if placed:
        top_p = min(r.get("geo_precision") or 9 for r in placed)
        loc = _vote([(r.get("location"), r["doc_id"]) for r in placed if (r.get("geo_precision") or 9) == top_p])
        place = next(r for r in placed if (r.get("geo_precision") or 9) == top_p and r.get("location") == loc)
    # actors: aligned to the anchor's orientation, voted per side
    sides: list[list[tuple[Any, str]]] = [[], []]
    names: dict[str, str] = {}
    for m, swapped in members:
        # m.actors: ids after text-actor links, without the host state and double readings
        pair = [(m.actors[0], m.row.get("actor1_id"), m.row.get("actor1")),
                (m.actors[1], m.row.get("actor2_id"), m.row.get("actor2"))]
        if swapped:
            pair.reverse()
        for i, (aid, raw, name) in enumerate(pair):
            key = aid or (f"name:{name}" if name and raw is None else None)
            sides[i].append((key, m.row["doc_id"]))
            if key and name:
                names.setdefault(key, name)
    a1, a2 = _vote(sides[0]), _vote(sides[1])

    def actor(key):
        if key is None:
            return None, None
        if key.startswith("name:"):
            return key[5:], None
        kba = kb.get(key)
        return (kba.name if kba else names.get(key, key)), key

    (n1, i1), (n2, i2) = actor(a1), actor(a2)
    fat = [(r.get("fatalities"), r["doc_id"]) for r, _ in rows]
    pubs = sorted({m.published for m in ment if m.published})
    publishers = sorted({m.row.get("_publisher") for m in ment if m.row.get("_publisher")})
    doc_ids = sorted({r["doc_id"] for r, _ in rows})
    canon = {
        "canonical_event_id": cid, "event_date": date, "date_precision": prec,
        "event_type": _vote([(r.get("event_type"), r["doc_id"]) for r, _ in rows]),
        "sub_event_type": None,
        "plover_type": _vote([(r.get("plover_type"), r["doc_id"]) for r, _ in rows]),
        "actor1": n1, "actor1_id": i1, "actor2": n2, "actor2_id": i2,
        "location": place.get("location"), "admin1": place.get("admin1"), "country": place.get("country"),
        "latitude": place.get("latitude"), "longitude": place.get("longitude"),
        "geo_precision": place.get("geo_precision"),
        "weapon": _vote([(r.get("weapon"), r["doc_id"]) for r, _ in rows]),
        "fatalities": _vote(fat, prefer_larger=True),
        "fatalities_max": max((f for f, _ in fat if f is not None), default=None),
        "claim_statuses": sorted({r.get("claim_status") or "reported" for r, _ in rows}),
        "n_mentions": len(rows), "n_documents": len(doc_ids), "doc_ids": doc_ids, "publishers": publishers,
        "first_reported": pubs[0] if pubs else None, "last_reported": pubs[-1] if pubs else None,
    }
    if canon["event_type"]:
        canon["sub_event_type"] = _vote([(r.get("sub_event_type"), r["doc_id"]) for r, _ in rows
                                         if r.get("event_type") == canon["event_type"]])
    member_rows = [{"canonical_event_id": cid, "event_id": r["event_id"], "doc_id": r["doc_id"],
                    "char_start": r.get("char_start"), "char_end": r.get("char_end"),
                    "claim_status": r.get("claim_status")} for r, _ in sorted(rows, key=lambda x: (
                        x[0]["doc_id"], x[0].get("char_start") or 0, x[0]["event_id"]))]
    return canon, member_rows


def canonical_rows(store: Store) -> list[dict[str, Any]]:
    """Canonical events with their members ({event_id, doc_id, char_start, char_end}), sorted."""
    cur = store.con.execute(f"SELECT {', '.join(CANON_COLS)} FROM canonical_events "
                            "ORDER BY event_date NULLS LAST, canonical_event_id")
    out = [dict(zip(CANON_COLS, r)) for r in cur.fetchall()]
    members: dict[str, list[dict]] = defaultdict(list)
    for cid, eid, doc, cs, ce in store.con.execute(
            "SELECT canonical_event_id, event_id, doc_id, char_start, char_end FROM canonical_members "
            "ORDER BY canonical_event_id, doc_id, char_start, event_id").fetchall():
        members[cid].append({"event_id": eid, "doc_id": doc, "char_start": cs, "char_end": ce})
    for r in out:
        r["members"] = members[r["canonical_event_id"]]
    return out


def counts(store: Store) -> dict[str, int]:
    """Mention and unique-event counts as stored (after the last merge)."""
    mentions = store.con.execute("SELECT count(*) FROM events").fetchone()[0]
    unique = store.con.execute("SELECT count(*) FROM canonical_events").fetchone()[0]
    return {"mentions": mentions, "unique": unique}


__all__ = ["CANON_COLS", "MEMBER_COLS", "build_row", "canonical_id", "canonical_rows", "counts"]
