"""Cross-article event merging: many mentions -> one canonical event per incident.

Two event mentions are taken as reports of one incident when nothing in them
contradicts it and something positively ties them:

type    PLOVER types equal where both are known; ACLED types of one family
        (violent | protest | strategic, from acled_taxonomy.yaml) where both
        are known -- coders and extractors disagree on Battles vs Explosions
        for one incident, never on a protest vs an air strike.
date    both known and no coarser than ``merge_max_precision``; two day/week
        dates within ``merge_day_window`` days; a month (year) date only
        matches dates inside that month (year).
place   never across countries; two precise places within ``merge_radius_km``;
        a coarse place (geo_precision >= ``merge_coarse_geo_precision``)
        matches inside its admin1 (or country when admin1 is unknown).  A
        missing place is unknown, not a contradiction.
actors  the dyad is compared unordered (extractors swap attacker and target
        more often than two reports of one incident really differ in
        direction); ids match when equal or when one is part_of / member_of /
        front_for the other in the KB (CENTCOM ~ US military ~ United States;
        Kataib Hezbollah ~ Islamic Resistance in Iraq, so a claim by the
        alliance and an attribution to its member are one incident).  A
        missing side is unknown.  A state actor that is the event's own
        location country is treated as unknown: "... at Tower 22 in Jordan"
        often yields Jordan as a participant when it is only the place.
tie     two exact places (geo_precision 1) within the radius, or at least one actor in common
        (and, when either date is month-precision, a known, compatible place).

Claims and confirmations are not a reason to split: the canonical event lists
every claim_status seen.  A mention joins a cluster when it contradicts no
member (complete linkage on contradictions, so A~B~C chains cannot glue
incompatible reports) and ties to at least one (a vague member must not veto a
well-tied report); mentions are taken most-precise first so exact reports
anchor clusters and vague ones join them.  Everything is sorted, so the same store
gives the same canonical events and ids.

How a canonical event's fields are chosen from its members: resolve/canonical.py.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import yaml

from tightrope.resolve.actors import ActorKB
from tightrope.resolve.canonical import CANON_COLS, MEMBER_COLS, build_row, canonical_rows, counts
from tightrope.resolve.textactors import Link, canonical_actor, slug_id, store_links
from tightrope.settings import Settings
from tightrope.store.db import Store

PRECISION_RANK = {"day": 0, "week": 1, "month": 2, "year": 3}
# KB relations under which one actor is (a unit of) another for dyad matching.
_CONTAINS = frozenset({"part_of", "member_of", "front_for"})


@dataclass(frozen=True)
class MergeSummary:
    mentions: int  # event rows (every mention of an event in every document)
    unique: int  # canonical events
    merged: int  # canonical events built from more than one mention
    multi_document: int  # canonical events reported by more than one document
    documents: int

    def __str__(self) -> str:
        return (f"{self.mentions} event mentions -> {self.unique} unique events "
                f"({self.merged} merged from several mentions, {self.multi_document} reported by several documents)")


# ---------------------------------------------------------------- pieces


@lru_cache(maxsize=1)
def _families() -> dict[str, str]:
    data = yaml.safe_load((Settings().data_dir / "acled_taxonomy.yaml").read_text(encoding="utf-8"))
    return {t["name"]: t.get("family", t["name"]) for t in data["event_types"]}


def _interval(date: dt.date, precision: str) -> tuple[dt.date, dt.date]:
    if precision == "week":
        return date, date + dt.timedelta(days=6)
    if precision == "month":
        return date.replace(day=1), date.replace(day=calendar.monthrange(date.year, date.month)[1])
    if precision == "year":
        return date.replace(month=1, day=1), date.replace(month=12, day=31)
    return date, date


def _haversine_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


@dataclass
class _Mention:
    row: dict[str, Any]
    lo: dt.date | None
    hi: dt.date | None
    rank: int  # date precision rank
    actors: tuple[str | None, str | None]  # canonical ids, location-country states dropped
    keys: tuple[tuple[str, str], ...]  # blocking keys (type)
    published: str | None


class _Matcher:
    def __init__(self, kb: ActorKB, links: dict[str, Link], settings: Settings):
        self.kb, self.links, self.s = kb, links, settings
        self.max_rank = PRECISION_RANK.get(settings.merge_max_precision, 2)
        self._lineage: dict[str, frozenset[str]] = {}

    # ---- actors
    def lineage(self, aid: str) -> frozenset[str]:
        if aid not in self._lineage:
            seen, todo = {aid}, [aid]
            while todo:
                a = self.kb.get(todo.pop())
                for f in a.affiliations if a else ():
                    if f.relation in _CONTAINS and f.object_id not in seen:
                        seen.add(f.object_id)
                        todo.append(f.object_id)
            self._lineage[aid] = frozenset(seen)
        return self._lineage[aid]

    def same_actor(self, a: str, b: str) -> bool:
        return a == b or a in self.lineage(b) or b in self.lineage(a)

    def _is_host_state(self, aid: str, country: str | None) -> bool:
        a = self.kb.get(aid)
        if a is None or a.actor_type != "state" or not country:
            return False
        c = country.casefold()
        return a.name.casefold() == c or any(x.casefold() == c for x in a.aliases)

    def mention(self, row: dict[str, Any], published: str | None) -> _Mention:
        lo = hi = None
        rank = PRECISION_RANK.get(row.get("date_precision") or "", 9)
        if row.get("event_date") is not None:
            d = row["event_date"]
            d = d if isinstance(d, dt.date) else dt.date.fromisoformat(str(d)[:10])
            lo, hi = _interval(d, row.get("date_precision") or "day")
        ids = []
        for slot in ("actor1", "actor2"):
            aid = row.get(f"{slot}_id")
            if aid is None and row.get(slot) and slug_id(row[slot]) in self.links:
                aid = slug_id(row[slot])  # a name the extractor left unresolved but met as a text actor
            aid = canonical_actor(aid, self.links)
            ids.append(None if aid and self._is_host_state(aid, row.get("country")) else aid)
        if ids[0] and ids[1] and self.same_actor(ids[0], ids[1]):
            # "US forces" vs "United States": one side read twice, not a dyad
            ids[1] = None
        keys = []
        if row.get("event_type"):
            keys.append(("acled", _families().get(row["event_type"], row["event_type"])))
        if row.get("plover_type"):
            keys.append(("plover", row["plover_type"]))
        return _Mention(row, lo, hi, rank, (ids[0], ids[1]), tuple(keys), published)

    # ---- pairwise tests; each returns None (unknown), True (tie) or False (contradiction)
    def types_ok(self, a: _Mention, b: _Mention) -> bool:
        ra, rb = a.row, b.row
        if ra.get("plover_type") and rb.get("plover_type") and ra["plover_type"] != rb["plover_type"]:
            return False
        if ra.get("event_type") and rb.get("event_type"):
            fam = _families()
            if fam.get(ra["event_type"], ra["event_type"]) != fam.get(rb["event_type"], rb["event_type"]):
                return False
        return bool(set(a.keys) & set(b.keys))

    def dates_ok(self, a: _Mention, b: _Mention) -> bool:
        if a.lo is None or b.lo is None or a.rank > self.max_rank or b.rank > self.max_rank:
            return False
        slack = dt.timedelta(days=self.s.merge_day_window if a.rank <= 1 and b.rank <= 1 else 0)
        return a.lo - slack <= b.hi and b.lo - slack <= a.hi

    def place(self, a: _Mention, b: _Mention) -> tuple[bool | None, bool]:
        """(compatible?, strong tie?)"""
        ra, rb = a.row, b.row
        if not (ra.get("location") or ra.get("country")) or not (rb.get("location") or rb.get("country")):
            return None, False
        if ra.get("country") and rb.get("country") and ra["country"] != rb["country"]:
            return False, False
        coarse_at = self.s.merge_coarse_geo_precision
        pa, pb = ra.get("geo_precision") or coarse_at, rb.get("geo_precision") or coarse_at
        have = all(r.get(k) is not None for r in (ra, rb) for k in ("latitude", "longitude"))
        if pa < coarse_at and pb < coarse_at and have:
            near = _haversine_km((ra["latitude"], ra["longitude"]), (rb["latitude"], rb["longitude"]))
            if near > self.s.merge_radius_km:
                return False, False
            # only two exact places (towns, bases) tie on their own; a shared region does not
            return True, pa == 1 and pb == 1
        # at least one coarse place (or no coordinates): containment by admin1, else country
        if ra.get("admin1") and rb.get("admin1"):
            return ra["admin1"] == rb["admin1"], False
        if ra.get("country") and rb.get("country"):
            return True, False
        return (ra.get("location") == rb.get("location")) or None, False

    def actors(self, a: _Mention, b: _Mention) -> tuple[bool, int, bool]:
        """(compatible?, number of sides in common, swapped?) over both orientations."""
        best: tuple[bool, int, bool] = (False, -1, False)
        for swapped in (False, True):
            other = b.actors[::-1] if swapped else b.actors
            # a side matches when both ids agree, is unknown when either is missing
            ok, common = True, 0
            for x, y in zip(a.actors, other):
                if x is None or y is None:
                    continue
                if self.same_actor(x, y):
                    common += 1
                else:
                    ok = False
            if ok and common > best[1]:
                best = (True, common, swapped)
        # Unresolved names ("Military Forces", "gunmen") are never a tie: too generic.
        return best if best[1] >= 0 else (False, 0, False)

    def compatible(self, a: _Mention, b: _Mention) -> tuple[bool, int, bool]:
        """(no contradiction?, tie strength -- 0 when nothing ties them --, swapped?)"""
        if not self.types_ok(a, b) or not self.dates_ok(a, b):
            return False, 0, False
        place_ok, strong = self.place(a, b)
        if place_ok is False:
            return False, 0, False
        act_ok, common, swapped = self.actors(a, b)
        if not act_ok:
            return False, 0, False
        # A month-precision mention with no place ("US forces were attacked in
        # January") ties to anything its actor did that month: demand a place too.
        coarse = a.rank >= PRECISION_RANK["month"] or b.rank >= PRECISION_RANK["month"]
        if not strong and (common == 0 or (coarse and place_ok is not True)):
            return True, 0, swapped
        return True, common + (1 if strong else 0), swapped


# ---------------------------------------------------------------- clustering


def _months(lo: dt.date, hi: dt.date) -> list[tuple[int, int]]:
    out, y, m = [], lo.year, lo.month
    while (y, m) <= (hi.year, hi.month):
        out.append((y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def _order(m: _Mention) -> tuple:
    r = m.row
    return (m.rank, r.get("geo_precision") or 9, str(r.get("event_date") or ""), r["doc_id"],
            r.get("char_start") or 0, r["event_id"])


def cluster(mentions: list[_Mention], matcher: _Matcher) -> list[list[tuple[_Mention, bool]]]:
    """Complete-linkage clusters of (mention, swapped-relative-to-anchor) in a stable order."""
    clusters: list[list[tuple[_Mention, bool]]] = []
    index: dict[tuple, list[int]] = defaultdict(list)  # (type key, year, month) -> cluster numbers
    slack = dt.timedelta(days=matcher.s.merge_day_window)
    for m in sorted(mentions, key=_order):
        best: tuple[int, int, int] | None = None  # (-strength, day distance, cluster no)
        best_swap = False
        if m.lo is not None and m.rank <= matcher.max_rank and m.keys:
            cands = sorted({c for k in m.keys for ym in _months(m.lo - slack, m.hi + slack)
                            for c in index.get((k, *ym), ())})
            for c in cands:
                strength, ok, swap = 0, True, False
                for member, member_swap in clusters[c]:
                    good, tie, swapped = matcher.compatible(m, member)
                    if not good:
                        ok = False
                        break
                    if tie > strength:  # orientation follows the member it ties to most strongly
                        strength, swap = tie, swapped != member_swap
                if not ok or strength == 0:
                    continue
                anchor = clusters[c][0][0]
                gap = abs((m.lo - anchor.lo).days)
                key = (-strength, gap, c)
                if best is None or key < best:
                    best, best_swap = key, swap
        if best is None:
            clusters.append([(m, False)])
            c = len(clusters) - 1
        else:
            c = best[2]
            clusters[c].append((m, best_swap))
        if m.lo is not None and m.rank <= matcher.max_rank:
            for k in m.keys:
                for ym in _months(m.lo - slack, m.hi + slack):
                    if c not in index[(k, *ym)]:
                        index[(k, *ym)].append(c)
    return clusters


# ---------------------------------------------------------------- entry points


def build_canonical(event_rows: list[dict[str, Any]], docs: dict[str, dict[str, Any]] | None = None, *,
                    kb: ActorKB | None = None, links: dict[str, Link] | None = None,
                    settings: Settings | None = None) -> tuple[list[dict], list[dict]]:
    """Pure core: event rows (export-contract dicts) -> (canonical rows, member rows)."""
    kb = kb or ActorKB.load()
    matcher = _Matcher(kb, links or {}, settings or Settings())
    docs = docs or {}
    mentions = []
    for r in event_rows:
        d = docs.get(r["doc_id"], {})
        row = dict(r, _publisher=d.get("publisher"))
        mentions.append(matcher.mention(row, d.get("published")))
    canon, members = [], []
    for cl in cluster(mentions, matcher):
        c, ms = build_row(cl, kb)
        canon.append(c)
        members.extend(ms)
    canon.sort(key=lambda c: (str(c["event_date"] or "9999"), c["canonical_event_id"]))
    members.sort(key=lambda m: (m["canonical_event_id"], m["doc_id"], m["char_start"] or 0, m["event_id"]))
    return canon, members


def merge_events(store: Store, *, kb: ActorKB | None = None, settings: Settings | None = None,
                 links: dict[str, Link] | None = None) -> MergeSummary:
    """Rebuild ``canonical_events`` and ``canonical_members`` from ``events``, in one transaction.

    ``links`` (text actor -> actor) defaults to ones computed from the store now.
    """
    kb = kb or ActorKB.load()
    links = store_links(store, kb) if links is None else links
    docs = {r["doc_id"]: r for r in _doc_meta(store)}
    canon, members = build_canonical(store.rows("events"), docs, kb=kb, links=links, settings=settings)

    def work() -> None:
        store.con.execute("DELETE FROM canonical_members")
        store.con.execute("DELETE FROM canonical_events")
        if canon:
            store.con.executemany(
                f"INSERT INTO canonical_events ({', '.join(CANON_COLS)}) VALUES ({', '.join('?' for _ in CANON_COLS)})",
                [[c[k] for k in CANON_COLS] for c in canon])
        if members:
            store.con.executemany(
                f"INSERT INTO canonical_members ({', '.join(MEMBER_COLS)}) VALUES ({', '.join('?' for _ in MEMBER_COLS)})",
                [[m[k] for k in MEMBER_COLS] for m in members])

    store._tx(work)
    return MergeSummary(mentions=len(members), unique=len(canon),
                        merged=sum(1 for c in canon if c["n_mentions"] > 1),
                        multi_document=sum(1 for c in canon if c["n_documents"] > 1),
                        documents=len({m["doc_id"] for m in members}))


def _doc_meta(store: Store) -> list[dict[str, Any]]:
    cur = store.con.execute("SELECT doc_id, publisher, published FROM documents ORDER BY doc_id")
    return [{"doc_id": d, "publisher": p, "published": pub} for d, p, pub in cur.fetchall()]


__all__ = ["MergeSummary", "build_canonical", "canonical_rows", "counts", "merge_events"]
