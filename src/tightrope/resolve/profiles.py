"""Actor listings and profiles for ``tightrope actors`` (the CLI only prints these).

Listings cover the KB and, when a store is given, the text actors it holds
that do not link to a KB actor.  A profile gathers what we know of one actor:
curated aliases, affiliations (with dates and sources) and roles, the text
actors that link to it, and -- with a store -- every span naming it.
"""

from __future__ import annotations

from typing import Any

from tightrope.errors import TightropeError
from tightrope.resolve.actors import ActorKB
from tightrope.resolve.textactors import Link, evidence, store_links
from tightrope.store.db import Store


class UnknownActor(TightropeError):
    exit_code = 1


def list_actors(kb: ActorKB | None = None, store: Store | None = None, *, actor_type: str | None = None,
                search: str | None = None) -> list[dict[str, Any]]:
    """Rows {actor_id, name, actor_type, country, origin, aliases}, sorted by id.

    ``search`` matches case-insensitively inside the name, any alias or the id.
    """
    kb = kb or ActorKB.load()
    rows = [{"actor_id": a.actor_id, "name": a.name, "actor_type": a.actor_type, "country": a.country,
             "origin": "kb", "aliases": list(a.aliases)} for a in kb.actors()]
    if store is not None:
        links = store_links(store, kb)
        for r in store.rows("text_actors"):
            if links.get(r["actor_id"], Link(r["actor_id"], r["actor_id"], "self")).canonical_id == r["actor_id"]:
                rows.append({"actor_id": r["actor_id"], "name": r["name"], "actor_type": r["actor_type"] or "unknown",
                             "country": r["country"], "origin": "text", "aliases": []})
    if actor_type:
        rows = [r for r in rows if r["actor_type"] == actor_type]
    if search:
        q = search.casefold()
        rows = [r for r in rows if any(q in s.casefold() for s in (r["actor_id"], r["name"], *r["aliases"]))]
    return sorted(rows, key=lambda r: r["actor_id"])


def find_actor(key: str, kb: ActorKB, store: Store | None = None) -> str:
    """Actor id for an id, a KB name/alias or a text actor's name; UnknownActor otherwise."""
    if kb.get(key):
        return key
    links = store_links(store, kb) if store is not None else {}
    if key in links:
        return links[key].canonical_id
    res = kb.resolve(key)
    if res.actor_id:
        return res.actor_id
    if store is not None:
        want = kb.normalise(key)
        for r in store.rows("text_actors"):
            if kb.normalise(r["name"] or "") == want:
                return links[r["actor_id"]].canonical_id if r["actor_id"] in links else r["actor_id"]
    hint = f" ({res.method}, best score {res.score:.0f})" if res.method in ("ambiguous", "unknown") else ""
    raise UnknownActor(f"no actor matches {key!r}{hint}")


def actor_profile(key: str, kb: ActorKB | None = None, store: Store | None = None) -> dict[str, Any]:
    """Everything known about one actor (see the module docstring)."""
    kb = kb or ActorKB.load()
    aid = find_actor(key, kb, store)
    a = kb.get(aid)
    links = store_links(store, kb) if store is not None else {}
    linked = sorted(lk.actor_id for lk in links.values() if lk.canonical_id == aid and lk.actor_id != aid)
    prof: dict[str, Any] = {"actor_id": aid, "origin": "kb" if a else "text", "linked_text_actors": linked}
    text_rows = {r["actor_id"]: r for r in store.rows("text_actors")} if store is not None else {}
    if a:
        prof.update(name=a.name, actor_type=a.actor_type, country=a.country, aliases=list(a.aliases))
        prof["affiliations"] = [
            {"relation": f.relation, "object_id": f.object_id,
             "object": kb.get(f.object_id).name if kb.get(f.object_id) else f.object_id,
             "start": f.start, "end": f.end, "source": f.source} for f in a.affiliations]
        prof["roles"] = [{"role": r, "org_id": org, "org": kb.get(org).name if org and kb.get(org) else org,
                          "start": s, "end": e} for r, org, s, e in a.roles]
        prof["affiliated_from"] = sorted(
            ({"subject_id": o.actor_id, "subject": o.name, "relation": f.relation, "start": f.start, "end": f.end}
             for o in kb.actors() for f in o.affiliations if f.object_id == aid),
            key=lambda x: (x["relation"], x["subject_id"]))
    else:
        r = text_rows.get(aid, {})
        prof.update(name=r.get("name", aid), actor_type=r.get("actor_type") or "unknown", country=r.get("country"),
                    aliases=[], affiliations=[], roles=[], affiliated_from=[])
    prof["aliases"] += [text_rows[t]["name"] for t in linked if t in text_rows and text_rows[t]["name"]]
    if store is not None:
        ids = {aid, *linked}
        names = {prof["name"], *prof["aliases"]} if a is None else {text_rows[t]["name"] for t in linked
                                                                   if t in text_rows}
        prof["evidence"] = evidence(store, ids, names)
    return prof


__all__ = ["UnknownActor", "actor_profile", "find_actor", "list_actors"]
