"""The actor network: curated KB affiliations plus relations read from text.

Curated facts are never overwritten.  A text relation that restates a KB edge
(same subject, relation and object) is attached to that edge as evidence
(``evidence`` list, origin stays ``kb``); any other text relation becomes its
own edge with origin ``text``, carrying every span it was read from.  Text
actors are mapped through their links first (``textactors``), so "Yehia
Rasool" in text lands on the KB node for Yahya Rasool.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from tightrope.resolve.actors import ActorKB
from tightrope.resolve.textactors import Link, canonical_actor, slug_id, store_links
from tightrope.store.db import Store


def _node_id(aid: str | None, name: str | None, kb: ActorKB, links: dict[str, Link]) -> str | None:
    """Actor id for a relation end: its id, else a KB resolution of the name, else its text id."""
    if aid is None and name:
        res = kb.resolve(name)
        aid = res.actor_id or slug_id(name)
    return canonical_actor(aid, links)


def actor_graph(store: Store | None = None, kb: ActorKB | None = None, *,
                mentioned_only: bool = False) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(nodes, edges) for the report's network.

    nodes: {id, name, actor_type, country, origin (kb|text), mentions}
      ``mentions`` counts event, statement and relation spans naming the actor (the
      event and statement ones from ``store.actor_mentions()``, a GROUP BY).
    edges: {subject, relation, object, origin (kb|text), start, end, citation,
      evidence: [{doc_id, char_start, char_end, text, confidence}]}; a KB
      person's posts appear as relation ``role:<role>`` towards the org.
    With ``mentioned_only`` the KB edges are limited to those touching an actor
    the store mentions (the whole KB otherwise).
    """
    kb = kb or ActorKB.load()
    links = store_links(store, kb) if store is not None else {}
    mentions: Counter[str] = Counter()
    names: dict[str, str] = {}
    text_types: dict[str, str] = {}
    if store is not None:
        for r in store.rows("text_actors"):
            names[r["actor_id"]] = r["name"]
            text_types[r["actor_id"]] = r["actor_type"] or "unknown"
        # Raw ids counted in SQL (Store.actor_mentions), then mapped through the links: ids
        # that link to one canonical actor add up, as counting row by row did.
        for raw, n in store.actor_mentions().items():
            if (aid := _node_id(raw, None, kb, links)) is not None:
                mentions[aid] += n

    edges: dict[tuple[str, str, str], dict[str, Any]] = {}
    for a in sorted(kb.actors(), key=lambda a: a.actor_id):
        for f in a.affiliations:
            key = (a.actor_id, f.relation, f.object_id)
            if key not in edges:
                edges[key] = {"subject": a.actor_id, "relation": f.relation, "object": f.object_id, "origin": "kb",
                              "start": f.start, "end": f.end, "citation": f.source, "evidence": []}
        for role, org, start, end in a.roles:  # a person's posts are curated ties too
            if org and (key := (a.actor_id, f"role:{role}", org)) not in edges:
                edges[key] = {"subject": a.actor_id, "relation": f"role:{role}", "object": org, "origin": "kb",
                              "start": start, "end": end, "citation": None, "evidence": []}

    text_edges: dict[tuple[str, str, str], dict[str, Any]] = {}
    for r in store.rows("relations") if store is not None else ():
        subj = _node_id(r["subject_id"], r["subject"], kb, links)
        obj = _node_id(r["object_id"], r["object"], kb, links)
        if subj is None or obj is None or subj == obj:
            continue
        for aid, name in ((subj, r["subject"]), (obj, r["object"])):
            mentions[aid] += 1
            names.setdefault(aid, name)
        ev = {"doc_id": r["doc_id"], "char_start": r["char_start"], "char_end": r["char_end"], "text": r["text"],
              "confidence": r["confidence"]}
        key = (subj, r["relation"], obj)
        if key in edges:  # restates a curated fact: evidence for it, never a replacement
            edges[key]["evidence"].append(ev)
            continue
        e = text_edges.setdefault(key, {
            "subject": subj, "relation": r["relation"], "object": obj, "origin": "text",
            "start": None, "end": None, "citation": None, "evidence": []})
        e["evidence"].append(ev)

    all_edges = list(edges.values())
    if mentioned_only:
        all_edges = [e for e in all_edges if e["subject"] in mentions or e["object"] in mentions]
    all_edges += list(text_edges.values())
    for e in all_edges:
        e["evidence"].sort(key=lambda v: (v["doc_id"], v["char_start"] or 0))
    all_edges.sort(key=lambda e: (e["subject"], e["relation"], e["object"], e["origin"]))

    ids = sorted({e["subject"] for e in all_edges} | {e["object"] for e in all_edges} | set(mentions))
    nodes = []
    for aid in ids:
        a = kb.get(aid)
        if a is not None:
            nodes.append({"id": aid, "name": a.name, "actor_type": a.actor_type, "country": a.country,
                          "origin": "kb", "mentions": mentions.get(aid, 0)})
        else:
            nodes.append({"id": aid, "name": names.get(aid, aid.removeprefix("text:").replace("_", " ").title()),
                          "actor_type": text_types.get(aid, "unknown"), "country": None, "origin": "text",
                          "mentions": mentions.get(aid, 0)})
    return nodes, all_edges


__all__ = ["actor_graph"]
