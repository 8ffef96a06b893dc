"""One text's trigger analysis: matched terms, cue tags and CASE-code scores.

``analyse(text)`` is what ``classify`` codes triggers from: the lexicon matches
(``trigger_match``), the tags they carry plus the derived ones (capture
verbs' objects and actors, victims, "near" pairs), and the scores the lexicon's
votes and co-occurrence rules give each CASE 2021 code.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import chain
from operator import itemgetter

from tightrope.extract.trigger_lexicon import (
    ACTOR_TIDS,
    LEX,
    NEAR_RULES,
    RULE_GATE_TAGS,
    RULE_GATES,
    RULE_TESTS,
    RULES_ALWAYS,
    SCALED_VOTES,
    TERM_ACTOR_GROUPS,
    TERM_GIDS,
    TERM_TAGS,
    TERM_VOTES,
    TRIGGER_TIDS,
)
from tightrope.extract.trigger_match import Names, Toks, find_terms, sentence_ids

Match = tuple[int, int, int]  # (start token, end token, term id)

# actor class a term's tags name, if any ("actor_gov" first)
_TERM_ACTOR_CLASS: list[str | None] = [
    "gov" if "actor_gov" in t else "nonstate" if "actor_nonstate" in t else None for t in TERM_TAGS
]
_PASSIVE_AUX = {"was", "were", "been", "being", "is", "are", "be", "got", "get"}


@dataclass(slots=True)
class Analysis:
    """Matches first (``analyse``); tags, scores and the capture-verb readings are filled on
    first need (``scored``): a sentence without a trigger never needs them."""
    toks: Toks
    names: Names  # per token: part of a name
    matches: list[Match]
    sent_ids: list[int] | None  # sentence index per token (None until asked: ``sent``)
    coded: list  # per match, classify's coding once computed (None until then)
    tids: list[int]  # per match, its term id
    trigger: bool  # whether some match is a trigger term
    tags: set[str] = None  # type: ignore[assignment]
    scores: dict[str, float] = None  # type: ignore[assignment]
    actor_of: dict[int, str] = None  # type: ignore[assignment]  # match -> "gov" | "nonstate"
    object_ok: set[int] = None  # type: ignore[assignment]  # actor-role matches with a place as object
    weapon_obj: set[int] = None  # type: ignore[assignment]  # actor-role matches with a weapon as object

    @property
    def sent(self) -> list[int]:
        """Sentence index per token, computed on first ask (most sentences never ask)."""
        ids = self.sent_ids
        if ids is None:
            ids = self.sent_ids = sentence_ids(self.names.text, self.toks)
        return ids


def _actor_for(i_match: int, matches: list[Match], toks: Toks, sent: list[int]) -> str | None:
    """Class of the subject of an actor-role trigger: nearest actor cue before it in its
    sentence, or the agent after a passive 'by'."""
    ms, me, _ = matches[i_match]
    s_id = sent[ms]
    surf = toks.surf
    # passive: "... was seized by militants"; "the town fell to the army"
    for j in range(me - 1, min(me + 3, len(surf))):
        if surf[j] in ("by", "to") and sent[j] == s_id and (
                surf[j] == "by" or toks.key[ms] in ("fall", "fell")):
            for k in range(i_match + 1, len(matches)):
                ns, _, tid = matches[k]
                if ns > j + 6 or sent[ns] != s_id:
                    break
                if ns > j and _TERM_ACTOR_CLASS[tid]:
                    return _TERM_ACTOR_CLASS[tid]
            break
    window = LEX.actor_window
    for k in range(i_match - 1, -1, -1):
        ns, ne, tid = matches[k]
        if sent[ns] != s_id or ms - ne > window:
            break
        if _TERM_ACTOR_CLASS[tid]:
            return _TERM_ACTOR_CLASS[tid]
    return None


def _has_territory_object(mi, matches, mtags, toks: Toks, sent, names=None) -> bool:
    """A capture verb counts only with a place as its object (not weapons or people), and
    not as an infinitive / attempt ("tried to take control", "an attack to capture")."""
    ms, me, _ = matches[mi]
    s_id = sent[ms]
    surf = toks.surf
    if ms > 0 and surf[ms - 1] == "to":
        return False
    if me < len(surf) and sent[me] == s_id and names is not None and names[me]:
        nxt = [k for k in range(mi + 1, len(matches)) if matches[k][0] <= me + 3]
        if not any(("actor_nonstate" in mtags[k] or "armed" in mtags[k]) for k in nxt):
            return True
    if _tag_before(mi, matches, mtags, sent, "irrealis", 3):
        return False
    for k in range(mi + 1, len(matches)):
        ks, _, _ = matches[k]
        if sent[ks] != s_id or ks - me > LEX.object_window:
            break
        t = mtags[k]
        if "territory" in t:
            return True
        if "weapon_noun" in t and ks - me <= 4:
            return False
    # passive: "the town was captured", "Palmyra was liberated"
    aux = [j for j in range(max(0, ms - 3), ms) if surf[j] in _PASSIVE_AUX]
    if not aux:
        return False
    j0 = aux[0]
    for j in range(j0 - 1, max(-1, j0 - 7), -1):
        if sent[j] != s_id:
            break
        if names is not None and names[j]:
            return True
    return _tag_before(mi, matches, mtags, sent, "territory", 6)


def _tag_before(mi, matches, mtags, sent, tag: str, gap: int) -> bool:
    """Does a match tagged ``tag`` end at most ``gap`` tokens before match ``mi``, in its sentence
    (walking back over the matches no further than that)?"""
    ms = matches[mi][0]
    s_id = sent[ms]
    for k in range(mi - 1, -1, -1):
        ks, ke, _ = matches[k]
        if sent[ks] != s_id or ms - ke > gap:
            return False
        if tag in mtags[k]:
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


def _actor_roles(matches, mtags, toks: Toks, sent, names, tags: set[str]):
    """Capture verbs ("seized", "recaptured"): which take a place as object, which a weapon,
    and who the actor is; adds the ``<group>@object`` / ``<group>@<actor>`` tags."""
    actor_of: dict[int, str] = {}
    object_ok: set[int] = set()
    weapon_obj: set[int] = set()
    resolved_first: str | None = None
    for mi, (_, _, tid) in enumerate(matches):
        for g in TERM_ACTOR_GROUPS[tid]:
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
    return actor_of, object_ok, weapon_obj


def _near(a: str, b: str, matches, mtags, sent) -> bool:
    """Two tags on matches within near_window tokens of each other in one sentence."""
    w = LEX.near_window
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


def _victim_tags(matches, mtags, toks: Toks, sent) -> set[str]:
    """victim_civilian / victim_armed: who is on the receiving end of the first violent verb
    of each sentence (object side, or subject side of a passive)."""
    out: set[str] = set()
    seen_sent: set[int] = set()
    w = LEX.victim_window
    surf = toks.surf
    for mi, (ms, me, _) in enumerate(matches):
        if "victim_verb" not in mtags[mi] or sent[ms] in seen_sent:
            continue
        s_id = sent[ms]
        seen_sent.add(s_id)
        passive = not _PASSIVE_AUX.isdisjoint(surf[max(0, ms - 2):ms])
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


def _group_scores(tids: list[int]) -> dict[str, float]:
    """Each matched group's votes, with a bonus for repeats (groups in order of first match)."""
    gids = list(chain.from_iterable(map(TERM_GIDS.__getitem__, tids)))
    if len(set(gids)) == len(gids):  # no group twice: every multiplier is 1
        votes = chain.from_iterable(map(TERM_VOTES.__getitem__, tids))
    else:
        counts: dict[str, int] = {}
        for g in gids:
            counts[g] = counts.get(g, 0) + 1
        votes = chain.from_iterable(SCALED_VOTES[g][n if n < 4 else 4] for g, n in counts.items())
    scores: dict[str, float] = {}
    get = scores.get
    for code, w in votes:
        scores[code] = get(code, 0.0) + w
    return scores


def _apply_rules(tags: set[str], scores: dict[str, float]) -> None:
    """Co-occurrence rules, in file order: votes first, then scaling.  Only the rules whose
    gate tag is present can pass (``RULE_GATES``); each is still checked in full.  (Tags are
    final and votes change no test, so a rule's votes are added as soon as it passes.)"""
    gates = tags & RULE_GATE_TAGS
    if RULES_ALWAYS or len(gates) > 1:
        idx = sorted(set(RULES_ALWAYS).union(*map(RULE_GATES.__getitem__, gates)))
    elif gates:
        idx = RULE_GATES[next(iter(gates))]  # (in file order)
    else:
        return
    get = scores.get
    scales = []
    for i in idx:
        all_, any_, none, near_tag, votes, scale = RULE_TESTS[i]
        if all_ <= tags and (any_ is None or not any_.isdisjoint(tags)) and none.isdisjoint(tags) \
                and (near_tag is None or near_tag in tags):
            for code, w in votes:
                scores[code] = get(code, 0.0) + w
            if scale:
                scales.append(scale)
    for scale in scales:
        for code, f in scale:
            if code in scores:
                scores[code] *= f


# The event extractor asks find_triggers and then classify_snippet about the same
# sentence: the analysis is a pure function of the text, computed once (per document:
# clear_cache).  Callers never mutate the result (classify_snippet copies scores before
# adding its bonus), except for the per-match coding memo, itself a pure function of the
# analysis.
_TID = itemgetter(2)
_CACHE: dict[str, Analysis] = {}
_CACHE_MAX = 256  # texts; a document has a few dozen sentences


def _analysis(text: str, toks: Toks) -> Analysis:
    names = Names(text, toks)
    matches = find_terms(toks, names)
    tids = list(map(_TID, matches))
    an = Analysis(toks, names, matches, None, [None] * len(matches), tids,
                  not TRIGGER_TIDS.isdisjoint(tids))
    if len(_CACHE) >= _CACHE_MAX:
        _CACHE.clear()
    _CACHE[text] = an
    return an


def analyse(text: str) -> Analysis:
    an = _CACHE.get(text)
    return an if an is not None else _analysis(text, Toks(text))


def analyse_triggers(text: str) -> Analysis | None:
    """``analyse(text)``, or None when no word of the text starts a trigger term (then no
    match is a trigger: one sentence in five of the bench corpus, spared matching)."""
    an = _CACHE.get(text)
    if an is not None:
        return an
    toks = Toks(text)
    return _analysis(text, toks) if True in toks.trig else None


def scored(an: Analysis) -> Analysis:
    """The analysis with its tags and code scores (computed once)."""
    if an.scores is None:
        _score(an)
    return an


# A sentence without capture verbs: no actor readings (shared, never mutated).
_NO_ACTORS: tuple[dict, frozenset, frozenset] = ({}, frozenset(), frozenset())


def _score(an: Analysis) -> None:
    matches, toks, tids = an.matches, an.toks, an.tids
    scores = _group_scores(tids)
    mtags = list(map(TERM_TAGS.__getitem__, tids))
    tags: set[str] = set().union(*mtags)
    if ACTOR_TIDS.isdisjoint(tids):
        an.actor_of, an.object_ok, an.weapon_obj = _NO_ACTORS
    else:
        an.actor_of, an.object_ok, an.weapon_obj = _actor_roles(matches, mtags, toks, an.sent, an.names, tags)
    # (tags of some match: without a victim verb, or without a civilian or armed match for it
    # to find, there is no victim tag)
    if "victim_verb" in tags and ("civilian" in tags or "armed" in tags):
        tags |= _victim_tags(matches, mtags, toks, an.sent)
    for a, b, near_tag in NEAR_RULES:
        if a in tags and b in tags and _near(a, b, matches, mtags, an.sent):
            tags.add(near_tag)
    # Tags are final here: each rule is checked once for both passes.
    _apply_rules(tags, scores)
    an.tags, an.scores = tags, scores


def clear_cache() -> None:
    _CACHE.clear()
