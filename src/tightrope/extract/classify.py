"""Rule/dictionary event-trigger classifier: ACLED sub-event types and PLOVER.

Everything here is data-driven: ``data/event_patterns.yaml`` (trigger and
cue lexicon, co-occurrence rules), ``data/acled_taxonomy.yaml`` (ACLED
names, CASE 2021 codes, default PLOVER coding) and ``data/plover.yaml``.
The lexicon is compiled once at import into a token-level phrase index with
a tiny inflection table (no spaCy model, no lemmatiser data needed), so a
30-word sentence is matched in a few tens of microseconds.

Public API
----------
``find_triggers(text, offset=0)``   every trigger in a sentence, each coded
                                    with the sentence's cues
``classify_snippet(text)``          one (CASE code, ACLED sub-event, PLOVER)
                                    label for a whole snippet
``classify_plover(text)``           (PLOVER type, mode) of the main event of
                                    a sentence; ``NO_EVENT`` when none
"""

from __future__ import annotations

import math
import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any, Iterable

import yaml

NO_EVENT = "NONE"  # classify_plover's type when a sentence has no trigger

PLOVER_TYPES = (
    "AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST",
    "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT",
)
_VERBAL_PLOVER = {"AGREE", "CONSULT", "SUPPORT", "CONCEDE", "REQUEST", "ACCUSE", "REJECT",
                  "THREATEN", "SANCTION"}
_COOPERATIVE = {"CONSULT", "SUPPORT", "COOPERATE", "AID"}
_CONFLICT_MATERIAL = {"ASSAULT", "COERCE", "SANCTION", "PROTEST", "MOBILIZE"}

# Most specific first: breaks exact score ties.
_PRIORITY = (
    "SUIC_BOMB", "CHEM_WEAP", "SEX_VIOL", "GRENADE", "AIR_STRIKE", "REM_EXPLOS",
    "ART_MISS_ATTACK", "ABDUCT_DISSAP", "FORCE_AGAINST_PROTEST", "PROTEST_WITH_INTER",
    "VIOL_DEMONSTR", "MOB_VIOL", "HQ_ESTABLISHED", "DISR_WEAP", "GOV_REGAINS_TERIT",
    "NON_STATE_ACTOR_OVERTAKES_TER", "NON_VIOL_TERRIT_TRANSFER", "ATTRIB", "ARREST",
    "AGREEMENT", "CHANGE_TO_GROUP_ACT", "PROPERTY_DISTRUCT", "PEACE_PROTEST", "ARMED_CLASH",
    "ATTACK", "NATURAL_DISASTER", "MAN_MADE_DISASTER", "ORG_CRIME", "DIPLO", "OTHER",
)


@dataclass(frozen=True)
class TriggerMatch:
    start: int  # char offset in the text given (+offset)
    end: int
    text: str  # == text[start:end]
    event_type: str | None  # ACLED event type name; None for non-ACLED (e.g. verbal PLOVER)
    sub_event_type: str | None  # ACLED sub-event type name
    plover_type: str  # one of the 16 PLOVER types
    plover_mode: str | None
    family: str  # "violent" | "protest" | "verbal" | "strategic" | "other"
    score: float  # 0..1, strength of the coding given the sentence's cues


# ---------------------------------------------------------------------------
# Data loading and compilation (once, at import)
# ---------------------------------------------------------------------------

_TOKEN_RE = re.compile(r"[A-Za-z0-9]+(?:['\u2019][A-Za-z]+)*")
_SENT_END_RE = re.compile(r"[.!?;]+[\"'\u201d\u2019)]*\s+|\n\s*\n")
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
                names_ok=bool(g.get("names_ok", False)),
                tags=frozenset([gid, *(g.get("tags") or [])]),
            )
            for term in g.get("terms") or []:
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
        self.priority = {c: i for i, c in enumerate(_PRIORITY)}


def _split_term(term: str) -> list[str]:
    return [w for w in re.split(r"[\s\-]+", term.lower().replace("\u2019", "'")) if w]


_LEX = _Lexicon()
_MAX_SPAN = max(len(items) + 4 * sum(1 for k, _ in items if k == "*") for items, _ in _LEX.terms)
_TERM_NAMES_OK: list[bool] = [
    any(_LEX.groups[g].names_ok for g in gids) for _, gids in _LEX.terms
]
_TERM_TAGS: list[frozenset[str]] = [
    frozenset().union(*(_LEX.groups[g].tags for g in gids)) for _, gids in _LEX.terms
]
# Speed (same matches): the phrase index split by item kind, so a token costs two
# plain-string lookups instead of two tuple builds; actor-role groups per term.
_INDEX_L = {val: cands for (kind, val), cands in _LEX.index.items() if kind == "L"}
_INDEX_S = {val: cands for (kind, val), cands in _LEX.index.items() if kind == "S"}
_TERM_ACTOR_GROUPS: list[tuple[str, ...]] = [
    tuple(g for g in gids if _LEX.groups[g].actor_role) for _, gids in _LEX.terms
]


# ---------------------------------------------------------------------------
# Matching
# ---------------------------------------------------------------------------

@dataclass
class _Tok:
    surf: str
    key: str
    start: int
    end: int


# word -> (surface, lemma key): a pure function of the word, so shared by every text.
# Bounded: cleared when it outgrows a large news vocabulary.
_WORD_KEYS: dict[str, tuple[str, str]] = {}
_WORD_KEYS_MAX = 200_000


def _word_key(w: str) -> tuple[str, str]:
    s = w.lower().replace("\u2019", "'")
    k = s[:-2] if s.endswith("'s") else s
    if len(_WORD_KEYS) >= _WORD_KEYS_MAX:
        _WORD_KEYS.clear()
    sk = _WORD_KEYS[w] = (s, _LEX.lemma.get(k, k))
    return sk


def _tokenize(text: str) -> list[_Tok]:
    cache = _WORD_KEYS
    toks = []
    for m in _TOKEN_RE.finditer(text):
        w = m.group()
        sk = cache.get(w) or _word_key(w)
        st, en = m.span()
        toks.append(_Tok(sk[0], sk[1], st, en))
    return toks


def _match_rest(items: tuple, toks: list[_Tok], j: int) -> int:
    """Match pattern items from token j; return end index (exclusive) or -1.

    A gap ("*") takes 0..4 tokens, the first that lets the rest match; plain items
    are walked in a loop (recursion and tuple slicing only at a gap)."""
    n = len(toks)
    for idx, (kind, val) in enumerate(items):
        if kind == "*":
            rest = items[idx + 1:]
            for gap in range(0, 5):
                e = _match_rest(rest, toks, j + gap)
                if e >= 0:
                    return e
            return -1
        if j >= n:
            return -1
        t = toks[j]
        if (kind == "L" and t.key == val) or (kind == "S" and t.surf == val):
            j += 1
        else:
            return -1
    return j


def _name_flags(text: str, toks: list[_Tok]) -> list[bool]:
    """True for Titlecase tokens that are parts of names ("Amnesty International",
    "Constitutional Court"): inside a sentence, or sentence-initial and followed by another
    Titlecase word; all False when the text itself is written in title case (headlines)."""
    title = []
    long_n = long_caps = 0
    for t in toks:
        w = text[t.start:t.end]
        is_title = w[:1].isupper() and not w.isupper()
        title.append(is_title)
        if len(w) >= 4:
            long_n += 1
            long_caps += is_title
    if long_n and long_caps / long_n > 0.7:
        return [False] * len(toks)
    flags = []
    for i, t in enumerate(toks):
        if not title[i]:
            flags.append(False)
            continue
        j = t.start - 1
        while j >= 0 and text[j] in " \t\"'\u201c\u2018([":
            j -= 1
        initial = j < 0 or text[j] in ".!?:;\n-\u2013\u2014|"
        if not initial:
            flags.append(True)
        else:
            nxt = i + 1 < len(toks) and title[i + 1] and toks[i + 1].start - t.end <= 1
            flags.append(bool(nxt))
    return flags


def _find(toks: list[_Tok], names: list[bool] | None = None) -> list[tuple[int, int, int]]:
    """All (start_tok, end_tok, term id) matches, minus those inside a longer match."""
    index_l, index_s = _INDEX_L, _INDEX_S
    found: list[tuple[int, int, int]] = []
    n = len(toks)
    for i, t in enumerate(toks):
        name = names[i] if names else False
        nxt = toks[i + 1] if i + 1 < n else None
        for cands in (index_l.get(t.key), index_s.get(t.surf)):
            if not cands:
                continue
            for rest, tid in cands:
                if name and not _TERM_NAMES_OK[tid]:
                    continue
                if not rest:  # one-word term
                    found.append((i, i + 1, tid))
                    continue
                kind, val = rest[0]
                # Most phrases fail on their second word: test it here before the matcher call.
                if kind != "*" and (nxt is None or (nxt.key if kind == "L" else nxt.surf) != val):
                    continue
                e = _match_rest(rest, toks, i + 1)
                if e > 0:
                    found.append((i, e, tid))
    if len(found) < 2:
        return found
    found.sort()
    starts = [m[0] for m in found]
    kept = []
    for m in found:
        ms, me, _ = m
        inside = False
        # a containing match starts at most _MAX_SPAN tokens earlier
        lo = bisect_left(starts, ms - _MAX_SPAN)
        for n in found[lo:bisect_right(starts, ms)]:
            if n is not m and n[1] >= me and (n[1] - n[0]) > (me - ms):
                inside = True
                break
        if not inside:
            kept.append(m)
    return kept


def _sentence_ids(text: str, toks: list[_Tok]) -> list[int]:
    bounds = [m.end() for m in _SENT_END_RE.finditer(text)]
    out, si, bi = [], 0, 0
    for t in toks:
        while bi < len(bounds) and t.start >= bounds[bi]:
            si += 1
            bi += 1
        out.append(si)
    return out


@dataclass
class _Analysis:
    toks: list[_Tok]
    matches: list[tuple[int, int, int]]
    sent: list[int]
    tags: set[str]
    scores: dict[str, float]
    actor_of: dict[int, str]  # match index -> "gov" | "nonstate" for actor-role triggers
    object_ok: set[int]  # actor-role matches that take a place as object
    weapon_obj: set[int]  # actor-role matches whose object is a weapon


def _actor_for(i_match: int, matches, toks, sent) -> str | None:
    """Class of the subject of an actor-role trigger: nearest actor cue before it in its
    sentence, or the agent after a passive 'by'."""
    groups = _LEX.groups
    ms, me, _ = matches[i_match]
    s_id = sent[ms]
    window = _LEX.actor_window

    def cls(tid: int) -> str | None:
        tags: set[str] = set()
        for g in _LEX.terms[tid][1]:
            tags |= groups[g].tags
        if "actor_gov" in tags:
            return "gov"
        if "actor_nonstate" in tags:
            return "nonstate"
        return None

    # passive: "... was seized by militants"; "the town fell to the army"
    for j in range(me - 1, min(me + 3, len(toks))):
        if toks[j].surf in ("by", "to") and sent[j] == s_id and (
                toks[j].surf == "by" or toks[ms].key in ("fall", "fell")):
            for k in range(i_match + 1, len(matches)):
                ns, _, tid = matches[k]
                if ns > j + 6 or sent[ns] != s_id:
                    break
                if ns > j:
                    c = cls(tid)
                    if c:
                        return c
            break
    for k in range(i_match - 1, -1, -1):
        ns, ne, tid = matches[k]
        if sent[ns] != s_id or ms - ne > window:
            break
        c = cls(tid)
        if c:
            return c
    return None


_PASSIVE_AUX = {"was", "were", "been", "being", "is", "are", "be", "got", "get"}


def _match_tags(tid: int) -> frozenset[str]:
    return _TERM_TAGS[tid]


def _has_territory_object(mi, matches, mtags, toks, sent, names=None) -> bool:
    """A capture verb counts only with a place as its object (not weapons or people), and
    not as an infinitive / attempt ("tried to take control", "an attack to capture")."""
    ms, me, _ = matches[mi]
    s_id = sent[ms]
    if ms > 0 and toks[ms - 1].surf == "to":
        return False
    if me < len(toks) and sent[me] == s_id and names is not None and names[me]:
        nxt = [k for k in range(mi + 1, len(matches)) if matches[k][0] <= me + 3]
        if not any(("actor_nonstate" in mtags[k] or "armed" in mtags[k]) for k in nxt):
            return True
    for k in range(mi - 1, -1, -1):
        ks, ke, _ = matches[k]
        if sent[ks] != s_id or ms - ke > 3:
            break
        if "irrealis" in mtags[k]:
            return False
    for k in range(mi + 1, len(matches)):
        ks, _, _ = matches[k]
        if sent[ks] != s_id or ks - me > _LEX.object_window:
            break
        t = mtags[k]
        if "territory" in t:
            return True
        if "weapon_noun" in t and ks - me <= 4:
            return False
    # passive: "the town was captured", "Palmyra was liberated"
    aux = [j for j in range(max(0, ms - 3), ms) if toks[j].surf in _PASSIVE_AUX]
    if not aux:
        return False
    j0 = aux[0]
    for j in range(j0 - 1, max(-1, j0 - 7), -1):
        if sent[j] != s_id:
            break
        if names is not None and names[j]:
            return True
    for k in range(mi - 1, -1, -1):
        ks, ke, _ = matches[k]
        if sent[ks] != s_id or ms - ke > 6:
            break
        if "territory" in mtags[k]:
            return True
    return False


def _has_weapon_object(mi, matches, mtags, sent) -> bool:
    ms, me, _ = matches[mi]
    for k in list(range(mi + 1, len(matches))) + list(range(mi - 1, -1, -1)):
        ks, ke, _ = matches[k]
        if sent[ks] != sent[ms] or min(abs(ks - me), abs(ms - ke)) > 4:
            continue
        if "weapon_noun" in mtags[k]:
            return True
    return False


def _rule_ok(r: _Rule, tags: set[str]) -> bool:
    if r.all and not r.all <= tags:
        return False
    if r.any and not (r.any & tags):
        return False
    if r.none and (r.none & tags):
        return False
    if r.near and ("near:" + r.rid) not in tags:
        return False
    return True


def _near(pair: tuple[str, ...], matches, mtags, sent) -> bool:
    """Two tags on matches within near_window tokens of each other in one sentence."""
    a, b = pair[0], pair[-1]
    w = _LEX.near_window
    pa = [(ms, me) for (ms, me, _), t in zip(matches, mtags) if a in t]
    if not pa:
        return False
    for (ks, ke, _), t in zip(matches, mtags):
        if b not in t:
            continue
        for ms, me in pa:
            if sent[ms] == sent[ks] and (ms, me) != (ks, ke) and \
                    (0 <= ks - me <= w or 0 <= ms - ke <= w):
                return True
    return False


def _victim_tags(matches, mtags, toks, sent) -> set[str]:
    """victim_civilian / victim_armed: who is on the receiving end of the first violent verb
    of each sentence (object side, or subject side of a passive)."""
    out: set[str] = set()
    seen_sent: set[int] = set()
    w = _LEX.victim_window
    for mi, (ms, me, _) in enumerate(matches):
        if "victim_verb" not in mtags[mi] or sent[ms] in seen_sent:
            continue
        s_id = sent[ms]
        seen_sent.add(s_id)
        passive = any(toks[j].surf in _PASSIVE_AUX for j in range(max(0, ms - 2), ms))
        if passive:
            rng = [k for k in range(mi - 1, -1, -1)
                   if sent[matches[k][0]] == s_id and ms - matches[k][1] <= w]
        else:
            rng = [k for k in range(mi + 1, len(matches))
                   if sent[matches[k][0]] == s_id and matches[k][0] - me <= w]
        for k in rng:
            if "civilian" in mtags[k]:
                out.add("victim_civilian")
            if "armed" in mtags[k]:
                out.add("victim_armed")
    return out


def _lead_code(an: _Analysis) -> str | None:
    """Code of the first verb-like trigger of the first sentence (the news lede)."""
    for mi, (ms, _, tid) in enumerate(an.matches):
        if an.sent[ms] != 0:
            break
        gs = [_LEX.groups[g] for g in _LEX.term_trigger_groups[tid]]
        if not gs or not any(g.pos == "verb" for g in gs):
            continue
        tm, code = _code_trigger_full(an, mi)
        if tm is None:
            continue
        return code
    return None


# The event extractor asks find_triggers and then classify_snippet about the same
# sentence: the analysis is a pure function of the text, computed once.  Callers
# never mutate the result (classify_snippet copies scores before adding its bonus).
@lru_cache(maxsize=256)
def _analyse(text: str) -> _Analysis:
    toks = _tokenize(text)
    names = _name_flags(text, toks)
    matches = _find(toks, names)
    sent = _sentence_ids(text, toks) if toks else []
    groups = _LEX.groups
    counts: dict[str, int] = {}
    for _, _, tid in matches:
        for g in _LEX.terms[tid][1]:
            counts[g] = counts.get(g, 0) + 1
    tags: set[str] = set()
    scores: dict[str, float] = {}
    rb = _LEX.repeat_bonus
    for g, n in counts.items():
        grp = groups[g]
        tags |= grp.tags
        mult = 1.0 + rb * min(n - 1, 3)
        for code, w in grp.votes:
            scores[code] = scores.get(code, 0.0) + w * mult
    mtags = [_match_tags(tid) for _, _, tid in matches]
    actor_of: dict[int, str] = {}
    object_ok: set[int] = set()
    weapon_obj: set[int] = set()
    resolved_first: str | None = None
    for mi, (_, _, tid) in enumerate(matches):
        for g in _TERM_ACTOR_GROUPS[tid]:
            if True:  # (actor-role groups only; kept nested as in the original loop)
                if not _has_territory_object(mi, matches, mtags, toks, sent, names):
                    if _has_weapon_object(mi, matches, mtags, sent):
                        weapon_obj.add(mi)
                    continue
                object_ok.add(mi)
                c = _actor_for(mi, matches, toks, sent)
                tags.add(f"{g}@object")
                if c:
                    actor_of[mi] = c
                    if resolved_first is None:
                        resolved_first = c
                        tags.add(f"{g}@{c}")
    tags |= _victim_tags(matches, mtags, toks, sent)
    for r in _LEX.rules:
        if r.near and _near(r.near, matches, mtags, sent):
            tags.add("near:" + r.rid)
    # Tags are final here: each rule is checked once for both passes.
    ok = [r for r in _LEX.rules if _rule_ok(r, tags)]
    for r in ok:
        for code, w in r.votes:
            scores[code] = scores.get(code, 0.0) + w
    for r in ok:
        if not r.scale:
            continue
        for code, f in r.scale:
            if code in scores:
                scores[code] *= f
    an = _Analysis(toks, matches, sent, tags, scores, actor_of, object_ok, weapon_obj)
    return an


def clear_caches() -> None:
    """Forget analysed texts (extract_document calls this once per document)."""
    _analyse.cache_clear()


def _best(scores: dict[str, float], allowed: Iterable[str]) -> tuple[str | None, float]:
    best, best_s = None, 0.0
    prio = _LEX.priority
    for c in allowed:
        s = scores.get(c, 0.0)
        if s <= 0:
            continue
        key = s - prio.get(c, 99) * 1e-6
        if best is None or key > best_s:
            best, best_s = c, key
    return best, (scores.get(best, 0.0) if best else 0.0)


def _squash(x: float) -> float:
    return round(1.0 - math.exp(-max(x, 0.0) / 4.0), 3)


# ---------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------

def _family_for(code: str | None, plover: str) -> str:
    if code is not None:
        return _LEX.code_info[code][4]
    if plover == "ASSAULT":
        return "violent"
    if plover == "PROTEST":
        return "protest"
    if plover in _VERBAL_PLOVER:
        return "verbal"
    return "other"


_DRONE_WORDS = {"drone", "drones", "uav", "uavs", "unmanned"}


def _code_trigger(an: _Analysis, mi: int) -> TriggerMatch | None:
    return _code_trigger_full(an, mi)[0]


def _code_trigger_full(an: _Analysis, mi: int) -> tuple[TriggerMatch | None, str | None]:
    ms, me, tid = an.matches[mi]
    groups = [_LEX.groups[g] for g in _LEX.term_trigger_groups[tid]]
    if not groups:
        return None, None
    scores = an.scores
    # choose the group whose code the sentence supports most (then by weight)
    grp = max(groups, key=lambda g: (scores.get(g.case, 0.0) if g.case else -1.0, g.weight))
    code = grp.case
    fam_codes: set[str] | None = None
    if grp.refine == "violent" or (code and code in _LEX.families.get("violent", set())
                                   and grp.refine is None and grp.actor_role):
        fam_codes = _LEX.families.get("violent", set()) | {"MOB_VIOL", "FORCE_AGAINST_PROTEST"}
    elif code and code in _LEX.families.get("protest", set()):
        fam_codes = _LEX.families.get("protest", set())
    if grp.actor_role and mi not in an.object_ok:
        code = "DISR_WEAP" if mi in an.weapon_obj else None
        ev_type, sub = (_LEX.code_info[code][0], _LEX.code_info[code][1]) if code else (None, None)
        raw = scores.get(code, 0.0) if code else grp.weight
        return TriggerMatch(
            start=an.toks[ms].start, end=an.toks[me - 1].end, text="", event_type=ev_type,
            sub_event_type=sub, plover_type="COERCE", plover_mode="seize",
            family=_family_for(code, "COERCE"), score=_squash(raw),
        ), code
    if grp.actor_role:
        who = an.actor_of.get(mi)
        if who == "gov":
            code = "GOV_REGAINS_TERIT"
        elif who == "nonstate":
            code = "NON_STATE_ACTOR_OVERTAKES_TER"
        else:
            c2, _ = _best(scores, ("GOV_REGAINS_TERIT", "NON_STATE_ACTOR_OVERTAKES_TER"))
            code = c2 or code
    elif fam_codes is not None:
        c2, _ = _best(scores, fam_codes)
        if c2 is not None:
            code = c2
    ev_type, sub, d_plover, d_mode, _fam = _LEX.code_info[code] if code else (None, None, None, None, "")
    if grp.refine or (fam_codes is not None and code != grp.case) or grp.actor_role:
        plover = d_plover or grp.plover or "ASSAULT"
        mode = d_mode
    else:
        plover = grp.plover or d_plover
        mode = grp.mode if grp.plover else d_mode
    if plover is None:
        return None, None
    if plover == "ASSAULT" and mode == "aerial" and any(t.surf in _DRONE_WORDS for t in an.toks):
        mode = "drone"
    if mode is not None and mode not in _LEX.plover_modes.get(plover, set()):
        mode = None
    raw = scores.get(code, 0.0) if code else grp.weight
    head = _LEX.term_head[tid]
    if head:  # gapped phrase ("urged * to", "set * on fire"): the trigger is its head words
        me = ms + head
    return TriggerMatch(
        start=an.toks[ms].start, end=an.toks[me - 1].end, text="", event_type=ev_type,
        sub_event_type=sub, plover_type=plover, plover_mode=mode,
        family=_family_for(code, plover), score=_squash(raw),
    ), code


def find_triggers(text: str, offset: int = 0) -> list[TriggerMatch]:
    """All event triggers in a sentence, each with its best coding given the sentence's cues.

    Offsets are ``offset + position in text``; ``match.text == text[start - offset:end - offset]``.
    """
    if not text:
        return []
    an = _analyse(text)
    out = []
    for mi in range(len(an.matches)):
        tm = _code_trigger(an, mi)
        if tm is None:
            continue
        out.append(TriggerMatch(
            start=tm.start + offset, end=tm.end + offset, text=text[tm.start:tm.end],
            event_type=tm.event_type, sub_event_type=tm.sub_event_type,
            plover_type=tm.plover_type, plover_mode=tm.plover_mode, family=tm.family,
            score=tm.score,
        ))
    return out


def classify_snippet(text: str, allow_unseen: bool = True) -> tuple[str, str | None, str]:
    """One label for a whole snippet: (CASE 2021 code incl. "OTHER", ACLED sub-event type
    name or None, PLOVER type).  ``allow_unseen=False`` restricts the code to the 25 ACLED
    types (CASE subtask 1)."""
    an = _analyse(text or "")
    allowed = _LEX.seen | _LEX.unseen if allow_unseen else _LEX.seen
    scores = an.scores
    lead = _lead_code(an)
    if lead is not None and lead in scores:
        scores = dict(scores)
        scores[lead] += _LEX.lead_bonus
    code, score = _best(scores, allowed)
    has_trigger = any(_LEX.term_trigger_groups[tid] for _, _, tid in an.matches)
    if code is None or score < _LEX.min_score or (not has_trigger and score < _LEX.cue_only_min):
        code = "OTHER"
    _et, sub, d_plover, _m, _f = _LEX.code_info[code]
    plover = d_plover if code not in _LEX.unseen else None
    if plover is None:
        plover = _main_plover(an)[0]
    return code, sub, plover


def classify_plover(text: str) -> tuple[str, str | None]:
    """(PLOVER type, mode) of the main event of one sentence; (NO_EVENT, None) when none."""
    return _main_plover(_analyse(text or ""))


def _sent_start(an: _Analysis, i: int) -> int:
    s_id = an.sent[i]
    while i > 0 and an.sent[i - 1] == s_id:
        i -= 1
    return i


def _window_tags(an: _Analysis, lo: int, hi: int) -> set[str]:
    tags: set[str] = set()
    for ms, me, tid in an.matches:
        if ms >= lo and me <= hi:
            for g in _LEX.terms[tid][1]:
                tags |= _LEX.groups[g].tags
    return tags


def main_trigger(text: str, offset: int = 0) -> TriggerMatch | None:
    """The trigger taken as the main event of a sentence (first verb-like trigger), with its
    PLOVER type adjusted for modality (future -> AGREE/THREATEN, negation -> REJECT, ...)."""
    an = _analyse(text or "")
    ptype, mode, tm = _main_plover_full(an)
    if tm is None:
        return None
    return TriggerMatch(
        start=tm.start + offset, end=tm.end + offset, text=text[tm.start:tm.end],
        event_type=tm.event_type, sub_event_type=tm.sub_event_type, plover_type=ptype,
        plover_mode=mode, family=tm.family if ptype == tm.plover_type else _family_for(None, ptype),
        score=tm.score,
    )


def _main_plover(an: _Analysis) -> tuple[str, str | None]:
    ptype, mode, _ = _main_plover_full(an)
    return ptype, mode


_NOMINAL_BEFORE = {
    "the", "a", "an", "this", "that", "its", "their", "his", "her", "of", "with", "after",
    "following", "despite", "before", "during", "amid", "for", "new", "fresh", "any", "no",
}


_REPORTING = {"said", "says", "say", "stated", "told", "added", "concluded", "insisted", "declared",
              "argued", "stressed", "warned", "noted"}

# verbs whose object noun carries the event: "announced a suspension", "staged a protest"
_LIGHT_VERBS = {
    "announce", "announced", "announces", "impose", "imposed", "imposes", "launch", "launched",
    "launches", "stage", "staged", "stages", "hold", "held", "holds", "make", "made", "makes",
    "issue", "issued", "issues", "begin", "began", "begun", "start", "started", "starts",
    "conduct", "conducted", "declare", "declared", "declares", "carry", "carried", "order",
    "ordered", "mount", "mounted", "wage", "waged", "reach", "reached", "lodge", "lodged",
    "file", "filed", "open", "opened", "complete", "completed", "completes", "call", "called",
    "offer", "offered", "give", "gave", "express", "expressed", "voice", "voiced", "extend",
    "extended", "sign", "signed",
}


def _main_plover_full(an: _Analysis) -> tuple[str, str | None, TriggerMatch | None]:
    cands = []
    for mi in range(len(an.matches)):
        tm = _code_trigger(an, mi)
        if tm is None:
            continue
        groups = [_LEX.groups[g] for g in _LEX.term_trigger_groups[an.matches[mi][2]]]
        ms0 = an.matches[mi][0]
        nominal = ms0 > 0 and an.toks[ms0 - 1].surf in _NOMINAL_BEFORE and not any(
            an.toks[j].surf in _LIGHT_VERBS for j in range(max(0, ms0 - 3), ms0))
        is_verb = any(g.pos == "verb" for g in groups) and not nominal
        cands.append((mi, tm, is_verb))
    if not cands:
        if "modal_obligation" in an.tags and any(t.surf in _REPORTING for t in an.toks):
            return "REQUEST", None, None
        return NO_EVENT, None, None
    verbs = [c for c in cands if c[2]]
    mi, tm, _ = (verbs or cands)[0]
    ptype, mode = tm.plover_type, tm.plover_mode
    ms, me, _ = an.matches[mi]
    s_id = an.sent[ms]
    lo = ms
    while lo > 0 and ms - lo < 4 and an.sent[lo - 1] == s_id:
        lo -= 1
    before = _window_tags(an, lo, ms)
    hi = len(an.toks)
    after = _window_tags(an, me, hi)
    if "negation" in before and ptype in (_COOPERATIVE | {"AGREE", "RETREAT", "CONCEDE"}):
        return "REJECT", None, tm
    if "modal_obligation" in _window_tags(an, _sent_start(an, ms), ms) \
            and ptype not in ("REQUEST", "THREATEN", "REJECT", "ACCUSE"):
        return "REQUEST", None, tm
    if "agree_verbal" in _match_tags(an.matches[mi][2]):
        nxt = [c for c in cands if an.matches[c[0]][0] >= me and an.matches[c[0]][0] - me <= 4]
        if nxt and nxt[0][1].plover_type in _CONFLICT_MATERIAL:
            return "THREATEN", None, tm
    if "conditional" in after and ptype in (_CONFLICT_MATERIAL | {"RETREAT", "CONCEDE"}) \
            and "modal_future" in before:
        return "THREATEN", None, tm
    if "modal_future" in before:
        if ptype in _COOPERATIVE:
            return "AGREE", None, tm
        if ptype == "RETREAT":
            return "CONCEDE", None, tm
        if ptype in _CONFLICT_MATERIAL:
            return "THREATEN", None, tm
    return ptype, mode, tm


def plover_legacy_map(event: str) -> str:
    """Map an older PLOVER event name (DEMAND, DISAPPROVE, INVESTIGATE, FIGHT) to PLOVER 2.0."""
    return _LEX.plover_legacy.get(event, event)


def acled_names(code: str) -> tuple[str | None, str | None]:
    """(ACLED event type, sub-event type) for a CASE 2021 code; (None, None) for unseen codes."""
    info = _LEX.code_info.get(code)
    return (info[0], info[1]) if info else (None, None)


__all__ = [
    "NO_EVENT",
    "PLOVER_TYPES",
    "TriggerMatch",
    "acled_names",
    "classify_plover",
    "classify_snippet",
    "find_triggers",
    "main_trigger",
    "plover_legacy_map",
]
