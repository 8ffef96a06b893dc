"""The trigger lexicon of ``classify``: data files compiled once, at import.

``data/event_patterns.yaml`` (trigger and cue terms, co-occurrence rules),
``data/acled_taxonomy.yaml`` and ``data/plover.yaml`` become a token-level
phrase index with a tiny inflection table (no spaCy model, no lemmatiser data),
plus flat per-term tables so the matcher does list and dict look-ups only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources
from typing import Any

import yaml

# Most specific first: breaks exact score ties.
PRIORITY = (
    "SUIC_BOMB", "CHEM_WEAP", "SEX_VIOL", "GRENADE", "AIR_STRIKE", "REM_EXPLOS",
    "ART_MISS_ATTACK", "ABDUCT_DISSAP", "FORCE_AGAINST_PROTEST", "PROTEST_WITH_INTER",
    "VIOL_DEMONSTR", "MOB_VIOL", "HQ_ESTABLISHED", "DISR_WEAP", "GOV_REGAINS_TERIT",
    "NON_STATE_ACTOR_OVERTAKES_TER", "NON_VIOL_TERRIT_TRANSFER", "ATTRIB", "ARREST",
    "AGREEMENT", "CHANGE_TO_GROUP_ACT", "PROPERTY_DISTRUCT", "PEACE_PROTEST", "ARMED_CLASH",
    "ATTACK", "NATURAL_DISASTER", "MAN_MADE_DISASTER", "ORG_CRIME", "DIPLO", "OTHER",
)
_VOWELS = frozenset("aeiou")


def _load_yaml(name: str) -> Any:
    with resources.files("tightrope").joinpath("data", name).open("r", encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def _inflections(word: str) -> set[str]:
    """Regular inflections of an English verb or noun (over-generation is harmless)."""
    forms = {word}
    if not word.isalpha() or len(word) < 2:
        return forms
    last, prev = word[-1], word[-2]
    if word.endswith(("s", "x", "z", "ch", "sh")):
        forms.add(word + "es")
    elif last == "y" and prev not in _VOWELS:
        forms.add(word[:-1] + "ies")
    else:
        forms.add(word + "s")
    if last == "e":
        forms.update((word + "d", word[:-1] + "ing"))
        if word.endswith("ie"):
            forms.add(word[:-2] + "ying")
    elif last == "y" and prev not in _VOWELS:
        forms.update((word[:-1] + "ied", word + "ing"))
    else:
        forms.update((word + "ed", word + "ing"))
        if len(word) >= 3 and last not in "aeiouwxy" and prev in _VOWELS and word[-3] not in _VOWELS:
            forms.update((word + last + "ed", word + last + "ing"))
    return forms


@dataclass(frozen=True)
class _Group:
    gid: str
    case: str | None
    votes: tuple[tuple[str, float], ...]
    weight: float
    trigger: bool
    plover: str | None
    mode: str | None
    refine: str | None
    pos: str
    actor_role: bool
    names_ok: bool
    tags: frozenset[str]
    transparent: bool = False


@dataclass(frozen=True)
class _Rule:
    rid: str
    all: frozenset[str]
    any: frozenset[str]
    none: frozenset[str]
    near: tuple[str, ...]
    votes: tuple[tuple[str, float], ...]
    scale: tuple[tuple[str, float], ...]


class _Lexicon:
    def __init__(self) -> None:
        tax = _load_yaml("acled_taxonomy.yaml")
        pats = _load_yaml("event_patterns.yaml")
        plover = _load_yaml("plover.yaml")

        # taxonomy: CASE code -> (event type, sub-event, plover, mode, family)
        self.code_info: dict[str, tuple[str | None, str | None, str | None, str | None, str]] = {}
        self.families: dict[str, set[str]] = {}
        for et in tax["event_types"]:
            for st in et["sub_event_types"]:
                self.code_info[st["code"]] = (et["name"], st["name"], st.get("plover"),
                                              st.get("mode"), et["family"])
                self.families.setdefault(et["family"], set()).add(st["code"])
        self.unseen = {u["code"] for u in tax.get("unseen", [])}
        for u in tax.get("unseen", []):
            self.code_info[u["code"]] = (None, None, u.get("plover"), None, u.get("family", "other"))
        self.seen = set(self.code_info) - self.unseen
        self.plover_modes = {t: set((v.get("modes") or {}).keys()) for t, v in plover["types"].items()}
        self.plover_legacy = dict(plover.get("legacy") or {})

        settings = pats.get("settings") or {}
        self.min_score = float(settings.get("min_score", 1.5))
        self.cue_only_min = float(settings.get("cue_only_min_score", 3.0))
        self.repeat_bonus = float(settings.get("repeat_bonus", 0.15))
        self.actor_window = int(settings.get("actor_window", 12))
        self.object_window = int(settings.get("object_window", 8))
        self.victim_window = int(settings.get("victim_window", 10))
        self.lead_bonus = float(settings.get("lead_bonus", 1.5))
        self.near_window = int(settings.get("near_window", 5))

        # groups
        self.groups: dict[str, _Group] = {}
        raw_terms: list[tuple[str, str]] = []
        cue_terms: set[tuple[str, str]] = set()  # (term, group) marked "~": a cue, not a trigger
        for gid, g in (pats.get("groups") or {}).items():
            case = g.get("case")
            if case is not None and case not in self.code_info:
                raise ValueError(f"event_patterns.yaml: group {gid}: unknown code {case}")
            if "votes" in g:
                votes = tuple((k, float(v)) for k, v in (g["votes"] or {}).items())
            elif case is not None:
                votes = ((case, float(g.get("weight", 1.0))),)
            else:
                votes = ()
            for k, _ in votes:
                if k not in self.code_info:
                    raise ValueError(f"event_patterns.yaml: group {gid}: unknown vote code {k}")
            pl = g.get("plover")
            if pl is not None and pl not in self.plover_modes:
                raise ValueError(f"event_patterns.yaml: group {gid}: unknown PLOVER type {pl}")
            trigger = bool(g.get("trigger", pl is not None or case is not None))
            self.groups[gid] = _Group(
                gid=gid, case=case, votes=votes, weight=float(g.get("weight", 1.0)), trigger=trigger,
                plover=pl, mode=g.get("mode"), refine=g.get("refine"), pos=g.get("pos", "verb"),
                actor_role=bool(g.get("actor_role", False)),
                names_ok=bool(g.get("names_ok", False)), transparent=bool(g.get("transparent", False)),
                tags=frozenset([gid, *(g.get("tags") or [])]),
            )
            for term in [*(g.get("terms") or []), *_pair_terms(gid, g.get("pairs"))]:
                term = str(term)
                if term.startswith("~"):
                    term = term[1:]
                    cue_terms.add((term, gid))
                raw_terms.append((term, gid))

        # lemma table: every base word maps to itself, inflections to their base
        bases: set[str] = set()
        for term, _ in raw_terms:
            for w in _split_term(term):
                if w != "*" and not w.startswith("="):
                    bases.add(w)
        # (a base word that is itself an inflection of another base, e.g.
        # "protesters" of "protester", reduces to that base)
        lemma: dict[str, str] = {}
        for base, forms in (pats.get("irregular") or {}).items():
            base = str(base).lower()
            lemma[base] = base
            for f in forms or ():
                lemma.setdefault(str(f).lower(), base)
        infl: dict[str, str] = {}
        for b in sorted(bases):
            for f in _inflections(b):
                if f != b:
                    infl.setdefault(f, b)
        for b in sorted(bases):
            if b in lemma:
                continue
            r, steps = b, 0
            while r in infl and steps < 3:
                r, steps = infl[r], steps + 1
            lemma[b] = r
        for f, b in infl.items():
            lemma.setdefault(f, lemma.get(b, b))
        self.lemma = lemma
        # ACLED sub-event type -> base forms of the verbs of its groups' ``pairs`` ("found" ->
        # "find"): events.py tells a weapon found or seized from one used
        self.pair_verbs: dict[str, frozenset[str]] = {}
        for g in (pats.get("groups") or {}).values():
            if g.get("pairs") and g.get("case"):
                sub = self.code_info[g["case"]][1]
                self.pair_verbs[sub] = self.pair_verbs.get(sub, frozenset()) | frozenset(
                    lemma.get(w, w) for v in g["pairs"]["verbs"] for w in _split_term(str(v)))

        # phrase index: first item -> [(rest items, term index)]
        term_groups: dict[tuple, set[str]] = {}
        term_cues: dict[tuple, set[str]] = {}
        for term, gid in raw_terms:
            items = []
            for w in _split_term(term):
                if w == "*":
                    items.append(("*", ""))
                elif w.startswith("="):
                    items.append(("S", w[1:]))
                else:
                    items.append(("L", lemma.get(w, w)))
            while items and items[-1][0] == "*":
                items.pop()
            if not items or items[0][0] == "*":
                continue
            term_groups.setdefault(tuple(items), set()).add(gid)
            if (term, gid) in cue_terms:
                term_cues.setdefault(tuple(items), set()).add(gid)
        self.terms: list[tuple[tuple, tuple[str, ...]]] = []
        self.term_trigger_groups: list[tuple[str, ...]] = []
        self.term_head: list[int] = []  # tokens before the first gap (0: whole term)
        self.index: dict[tuple[str, str], list[tuple[tuple, int]]] = {}
        for items, gids in term_groups.items():
            tid = len(self.terms)
            self.terms.append((items, tuple(sorted(gids))))
            gap = next((i for i, it in enumerate(items) if it[0] == "*"), None)
            self.term_head.append(gap if gap is not None else 0)
            cues = term_cues.get(items, set())
            self.term_trigger_groups.append(tuple(
                g for g in sorted(gids) if self.groups[g].trigger and g not in cues))
            self.index.setdefault(items[0], []).append((items[1:], tid))

        # rules
        self.rules: list[_Rule] = []
        for r in pats.get("rules") or []:
            self.rules.append(_Rule(
                rid=r["id"], all=frozenset(r.get("all") or ()), any=frozenset(r.get("any") or ()),
                none=frozenset(r.get("none") or ()), near=tuple(r.get("near") or ()),
                votes=tuple((k, float(v)) for k, v in (r.get("votes") or {}).items()),
                scale=tuple((k, float(v)) for k, v in (r.get("scale") or {}).items()),
            ))
        self.priority = {c: i for i, c in enumerate(PRIORITY)}


def _pair_terms(gid: str, pairs: Any) -> list[str]:
    """The gapped terms of a group's ``pairs`` (see event_patterns.yaml): each verb before each
    noun ("seized * firearm") and, for the passive, each noun before each verb ("explosive
    device * found")."""
    if not pairs:
        return []
    if not isinstance(pairs, dict) or not pairs.get("verbs") or not pairs.get("nouns"):
        raise ValueError(f"event_patterns.yaml: group {gid}: pairs needs verbs and nouns")
    verbs, nouns = [str(v) for v in pairs["verbs"]], [str(n) for n in pairs["nouns"]]
    return [f"{v} * {n}" for v in verbs for n in nouns] + [f"{n} * {v}" for n in nouns for v in verbs]


def _split_term(term: str) -> list[str]:
    return [w for w in re.split(r"[\s\-]+", term.lower().replace("\u2019", "'")) if w]



LEX = _Lexicon()

# ---------------------------------------------------------------------------
# Flat tables for the matcher (all derived from LEX, indexed by term id)
# ---------------------------------------------------------------------------

TERM_GIDS: list[tuple[str, ...]] = [gids for _, gids in LEX.terms]
TERM_TAGS: list[frozenset[str]] = [
    frozenset().union(*(LEX.groups[g].tags for g in gids)) for _, gids in LEX.terms
]
TERM_NAMES_OK: list[bool] = [any(LEX.groups[g].names_ok for g in gids) for _, gids in LEX.terms]
TERM_ACTOR_GROUPS: list[tuple[str, ...]] = [
    tuple(g for g in gids if LEX.groups[g].actor_role) for _, gids in LEX.terms
]
ACTOR_TIDS = frozenset(tid for tid, gs in enumerate(TERM_ACTOR_GROUPS) if gs)
# the groups a term triggers (cue-only terms: none), and whether one of them is verb-like
TERM_TRIGGER: list[tuple[_Group, ...]] = [
    tuple(LEX.groups[g] for g in gids) for gids in LEX.term_trigger_groups
]
TERM_VERB: list[bool] = [any(g.pos == "verb" for g in gs) for gs in TERM_TRIGGER]
TRIGGER_TIDS = frozenset(tid for tid, gs in enumerate(TERM_TRIGGER) if gs)
# cue-only terms whose groups are all ``transparent``: the trigger terms inside them still count
TRANSPARENT_TIDS = frozenset(tid for tid, gids in enumerate(TERM_GIDS)
                             if not TERM_TRIGGER[tid] and all(LEX.groups[g].transparent for g in gids))
GROUP_VOTES: dict[str, tuple[tuple[str, float], ...]] = {g: grp.votes for g, grp in LEX.groups.items()}

# Pattern items as (column, value): column 0 compares token lemma keys, 1 surfaces.
KEY, SURF = 0, 1


def _split_gap(items: tuple) -> tuple[tuple[tuple[int, str], ...], tuple[tuple[int, str], ...] | None]:
    """Items to (words before the gap, words after it or None): a term has at most one gap."""
    cols = [None if k == "*" else (KEY if k == "L" else SURF, v) for k, v in items]
    if None not in cols:
        return tuple(cols), None
    g = cols.index(None)
    if None in cols[g + 1:]:
        raise ValueError("event_patterns.yaml: a term with two gaps")
    return tuple(cols[:g]), tuple(cols[g + 1:])


def _index(kind: str) -> dict[str, tuple]:
    """First word -> (one-word term ids, those of them allowed on names, longer terms or None).

    Longer terms: ({second key: [(pre, post, tid)]}, {second surface: [...]}, {key after a
    gap: [(rest, tid)]}, {surface after a gap: [...]}): pre/post are the words before/after a
    later gap (``_split_gap``), rest the words after the word that follows a gap right after
    the first word.  So a phrase is tried only when its second (or post-gap) word is there."""
    out: dict[str, tuple] = {}
    for (k, val), cands in LEX.index.items():
        if k != kind:
            continue
        singles: list[int] = []
        by_key: dict[str, list] = {}
        by_surf: dict[str, list] = {}
        gap_key: dict[str, list] = {}
        gap_surf: dict[str, list] = {}
        for rest, tid in cands:
            if not rest:
                singles.append(tid)
                continue
            gapped = rest[0][0] == "*"
            if gapped:
                rest = rest[1:]
            first, after = rest[0], _split_gap(rest[1:])
            if gapped:
                (gap_key if first[0] == "L" else gap_surf).setdefault(first[1], []).append(
                    (after[0], tid))
            else:
                (by_key if first[0] == "L" else by_surf).setdefault(first[1], []).append(
                    (*after, tid))
        multi = (by_key, by_surf, gap_key, gap_surf) if by_key or by_surf or gap_key or gap_surf else None
        out[val] = (tuple(singles), tuple(t for t in singles if TERM_NAMES_OK[t]), multi)
    return out


INDEX_KEY = _index("L")  # looked up by a token's lemma key
INDEX_SURF = _index("S")  # looked up by a token's lower-cased surface


def _rule_gates() -> tuple[dict[str, tuple[int, ...]], tuple[int, ...]]:
    """Rules by a tag they cannot pass without, so a sentence checks only the rules its tags
    can open: of ``all``, the tag fewest groups carry (derived tags such as victim_civilian:
    none), else each of ``any``, else the rule's own near tag."""
    carriers: dict[str, int] = {}
    for g in LEX.groups.values():
        for t in g.tags:
            carriers[t] = carriers.get(t, 0) + 1
    gates: dict[str, list[int]] = {}
    always: list[int] = []
    for i, r in enumerate(LEX.rules):
        if r.all:
            keys = [min(sorted(r.all), key=lambda t: carriers.get(t, 0))]
        elif r.any:
            keys = sorted(r.any)
        elif r.near:
            keys = ["near:" + r.rid]
        else:
            always.append(i)
            continue
        for k in keys:
            gates.setdefault(k, []).append(i)
    return {k: tuple(v) for k, v in gates.items()}, tuple(always)


RULE_GATES, RULES_ALWAYS = _rule_gates()
RULE_GATE_TAGS = frozenset(RULE_GATES)
# per rule: (all, any or None, none, own near tag or None), the tests of a rule passing, then
# its votes and scale factors
RULE_TESTS: tuple[tuple, ...] = tuple(
    (r.all, r.any or None, r.none, "near:" + r.rid if r.near else None, r.votes, r.scale)
    for r in LEX.rules)
NEAR_RULES: tuple[tuple[str, str, str], ...] = tuple(
    (r.near[0], r.near[-1], "near:" + r.rid) for r in LEX.rules if r.near)
# per term: its groups' votes in group order (the score of a sentence without repeats)
TERM_VOTES: list[tuple[tuple[str, float], ...]] = [
    tuple(v for g in gids for v in LEX.groups[g].votes) for gids in TERM_GIDS]


def _scaled_votes(votes: tuple[tuple[str, float], ...]) -> tuple[tuple[tuple[str, float], ...], ...]:
    """A group's votes by how often the group matched (index 1..4, 4 meaning 4 or more), each
    weight times 1 + repeat_bonus per repeat (at most 3), the product computed as the scorer did."""
    rb = LEX.repeat_bonus
    return ((),) + tuple(tuple((code, w * (1.0 + rb * min(n - 1, 3))) for code, w in votes)
                         for n in range(1, 5))


SCALED_VOTES: dict[str, tuple] = {g: _scaled_votes(v) for g, v in GROUP_VOTES.items()}
