"""Actors met in text that the KB lacks: linking, merging and evidence.

The extractor stores each new name as a ``text_actors`` row (``text:<slug>``
plus the span it was first read from).  Later text and later KB versions may
tell us who it is, so links are recomputed from scratch, never stored in the
KB itself:

1. the name now resolves against the KB (a user added the actor, or an alias)
   -> the KB id;
2. a person whose surname equals a KB person's and whose first name is the
   same name in another transliteration ("Yehia Rasool" / "Yahya Rasool")
   -> that KB person;
3. a shorter person name that is the tail of exactly one fuller name met in
   text ("Al-Rawi" / "Karim Al-Rawi") -> the fuller one (and on to
   wherever that one links);
4. otherwise the text actor stands for itself.

Each rule needs a unique candidate: two different people sharing a surname
leave the short name unlinked rather than guessed.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from rapidfuzz import fuzz

from tightrope.resolve.actors import ActorKB
from tightrope.settings import Settings
from tightrope.store.db import Store

_VOWELS = re.compile(r"[aeiouyw]")
_SLUG = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True)
class Link:
    actor_id: str  # text:<slug>
    canonical_id: str  # KB id, another text id, or actor_id itself
    method: str  # self|kb:<resolver method>|kb_person|name_tail|same_name
    score: float = 100.0


def slug_id(name: str) -> str:
    """The id the extractor gives a text actor of this name."""
    return "text:" + _SLUG.sub("_", name.lower()).strip("_")


def _skeleton(word: str) -> str:
    """Consonant skeleton: transliterations of one Arabic name differ mostly in vowels."""
    s = _VOWELS.sub("", word)
    return re.sub(r"(.)\1+", r"\1", s)


def _same_first_name(a: str, b: str, threshold: float) -> bool:
    return a == b or (fuzz.ratio(a, b) >= threshold) or (len(a) > 2 and _skeleton(a) == _skeleton(b))


def _tokens(kb: ActorKB, name: str) -> list[str]:
    return kb.normalise(name).split()


def link_text_actors(rows: list[dict[str, Any]], kb: ActorKB | None = None,
                     settings: Settings | None = None) -> dict[str, Link]:
    """Links for ``text_actors`` rows (dicts with actor_id, name, actor_type)."""
    kb = kb or ActorKB.load()
    settings = settings or Settings()
    rows = sorted({r["actor_id"]: r for r in rows}.values(), key=lambda r: r["actor_id"])
    links: dict[str, Link] = {}
    kb_people: dict[str, list[tuple[list[str], str]]] = defaultdict(list)  # surname -> (tokens, id)
    for a in kb.actors():
        if a.actor_type == "person":
            toks = _tokens(kb, a.name)
            if len(toks) >= 2:
                kb_people[toks[-1]].append((toks, a.actor_id))

    for r in rows:
        aid, name, atype = r["actor_id"], r["name"] or "", r.get("actor_type")
        res = kb.resolve(name, actor_type=atype if atype and atype != "unknown" else None)
        if res.actor_id:
            links[aid] = Link(aid, res.actor_id, f"kb:{res.method}", res.score)
            continue
        toks = _tokens(kb, name)
        if atype == "person" and len(toks) >= 2:
            hits = {kid for ktoks, kid in kb_people.get(toks[-1], ())
                    if len(ktoks) >= 2 and _same_first_name(toks[0], ktoks[0], settings.person_first_name_ratio)}
            if len(hits) == 1:
                links[aid] = Link(aid, hits.pop(), "kb_person", 90.0)

    # Text-to-text: identical normalised names, then surname-only tails.
    by_key: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        if r["actor_id"] not in links:
            by_key[" ".join(_tokens(kb, r["name"] or ""))].append(r)
    for key, group in by_key.items():
        if not key or len(group) < 2:
            continue
        head = max(group, key=lambda r: (len(r["name"] or ""), r["actor_id"]))
        for r in group:
            if r is not head:
                links[r["actor_id"]] = Link(r["actor_id"], head["actor_id"], "same_name")
    people = [(r, _tokens(kb, r["name"] or "")) for r in rows if r.get("actor_type") == "person"]
    for r, toks in people:
        if not toks or r["actor_id"] in links:
            continue
        # candidates are compared by where they already lead, so "Yehia Rasool" (text,
        # linked to the KB) and "Yahya Rasool" (KB) count as one candidate
        longer = {links[o["actor_id"]].canonical_id if o["actor_id"] in links else o["actor_id"]
                  for o, otoks in people if len(otoks) > len(toks) and otoks[-len(toks):] == toks}
        # a KB person with this surname also counts as a candidate (unique or nothing)
        if len(toks) == 1:
            longer |= {kid for _, kid in kb_people.get(toks[0], ())}
        if len(longer) == 1:
            links[r["actor_id"]] = Link(r["actor_id"], longer.pop(), "name_tail", 80.0)

    for r in rows:
        links.setdefault(r["actor_id"], Link(r["actor_id"], r["actor_id"], "self"))
    return {aid: _follow(links, aid) for aid in links}


def _follow(links: dict[str, Link], aid: str) -> Link:
    """Chase text->text links to their end (cycle-safe)."""
    first = links[aid]
    target, seen = first.canonical_id, {aid}
    while target in links and target not in seen and links[target].canonical_id != target:
        seen.add(target)
        target = links[target].canonical_id
    return Link(aid, target, first.method, first.score)


def store_links(store: Store, kb: ActorKB | None = None) -> dict[str, Link]:
    """Links for every text actor in the store (computed, not persisted)."""
    return link_text_actors(store.rows("text_actors"), kb)


def rebuild_links(store: Store, kb: ActorKB | None = None) -> dict[str, Link]:
    """Recompute and persist ``actor_links`` in one transaction."""
    links = store_links(store, kb)

    def work() -> None:
        store.con.execute("DELETE FROM actor_links")
        if links:
            store.con.executemany(
                "INSERT INTO actor_links (actor_id, canonical_id, method, score) VALUES (?, ?, ?, ?)",
                [[lk.actor_id, lk.canonical_id, lk.method, lk.score] for lk in sorted(links.values(),
                                                                                       key=lambda x: x.actor_id)])

    store._tx(work)
    return links


def canonical_actor(actor_id: str | None, links: dict[str, Link]) -> str | None:
    if actor_id is None:
        return None
    lk = links.get(actor_id)
    return lk.canonical_id if lk else actor_id


def evidence(store: Store, ids: set[str], names: set[str]) -> list[dict[str, Any]]:
    """Spans in the store that mention an actor: by id, or by exact name where no id was set.

    Returns dicts {table, doc_id, char_start, char_end, text, role}, sorted by
    document and position.
    """
    names_cf = {n.casefold() for n in names if n}
    out: list[dict[str, Any]] = []

    def hit(aid, name) -> bool:
        return (aid is not None and aid in ids) or (aid is None and name is not None and name.casefold() in names_cf)

    for r in store.rows("text_actors"):
        if r["actor_id"] in ids and r["doc_id"]:
            doc = store.con.execute("SELECT text FROM documents WHERE doc_id = ?", [r["doc_id"]]).fetchone()
            text = doc[0][r["char_start"]:r["char_end"]] if doc and r["char_start"] is not None else r["name"]
            out.append({"table": "text_actors", "doc_id": r["doc_id"], "char_start": r["char_start"],
                        "char_end": r["char_end"], "text": text, "role": "first mention"})
    for r in store.rows("events"):
        for slot in ("actor1", "actor2"):
            if hit(r[f"{slot}_id"], r[slot]):
                out.append({"table": "events", "doc_id": r["doc_id"], "char_start": r["char_start"],
                            "char_end": r["char_end"], "text": r["text"], "role": slot})
    for r in store.rows("statements"):
        if hit(r["speaker_id"], r["speaker"]):
            out.append({"table": "statements", "doc_id": r["doc_id"], "char_start": r["char_start"],
                        "char_end": r["char_end"], "text": r["text"], "role": "speaker"})
    for r in store.rows("relations"):
        for slot in ("subject", "object"):
            if hit(r[f"{slot}_id"], r[slot]):
                out.append({"table": "relations", "doc_id": r["doc_id"], "char_start": r["char_start"],
                            "char_end": r["char_end"], "text": r["text"], "role": f"{slot} of {r['relation']}"})
    out.sort(key=lambda e: (e["doc_id"], e["char_start"] or 0, e["table"], e["role"]))
    return out


__all__ = ["Link", "canonical_actor", "evidence", "link_text_actors", "rebuild_links", "slug_id", "store_links"]
