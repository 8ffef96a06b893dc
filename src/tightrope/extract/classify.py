"""Rule/dictionary event-trigger classifier: ACLED sub-event types and PLOVER.

Everything here is data-driven: ``data/event_patterns.yaml`` (trigger and
cue lexicon, co-occurrence rules), ``data/acled_taxonomy.yaml`` (ACLED
names, CASE 2021 codes, default PLOVER coding) and ``data/plover.yaml``.
The lexicon is compiled once at import (``trigger_lexicon``) into a token-level
phrase index with a tiny inflection table (no spaCy model, no lemmatiser data
needed); ``trigger_match`` finds its terms in a text and ``trigger_analysis``
scores the codes, so a 30-word sentence is coded in a few tens of microseconds.

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
from dataclasses import dataclass
from itertools import compress
from typing import Iterable

from tightrope.extract.trigger_analysis import Analysis, analyse, analyse_triggers, clear_cache, scored
from tightrope.extract.trigger_lexicon import LEX, TERM_TAGS, TERM_TRIGGER, TERM_VERB
from tightrope.models import build

NO_EVENT = "NONE"  # classify_plover's type when a sentence has no trigger

PLOVER_TYPES = (
    "AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST",
    "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT",
)
_VERBAL_PLOVER = {"AGREE", "CONSULT", "SUPPORT", "CONCEDE", "REQUEST", "ACCUSE", "REJECT",
                  "THREATEN", "SANCTION"}
_COOPERATIVE = {"CONSULT", "SUPPORT", "COOPERATE", "AID"}
_CONFLICT_MATERIAL = {"ASSAULT", "COERCE", "SANCTION", "PROTEST", "MOBILIZE"}

_VIOLENT = frozenset(LEX.families.get("violent", set()))
_VIOLENT_OR_MOB = _VIOLENT | {"MOB_VIOL", "FORCE_AGAINST_PROTEST"}
_PROTEST = frozenset(LEX.families.get("protest", set()))
_ALL_CODES = frozenset(LEX.seen | LEX.unseen)
_SEEN_CODES = frozenset(LEX.seen)


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


# A trigger's coding, offsets relative to the analysed text (TriggerMatch less text and
# offset): a plain tuple, built once per trigger.
_START, _END, _EVENT, _SUB, _PLOVER, _MODE, _FAMILY, _SCORE = range(8)


# _trigger gives every field (models.build needs them all)
assert tuple(TriggerMatch.__dataclass_fields__) == (
    "start", "end", "text", "event_type", "sub_event_type", "plover_type", "plover_mode", "family",
    "score")


def _trigger(c: tuple, text: str, offset: int, plover_type: str, plover_mode: str | None,
             family: str) -> TriggerMatch:
    """The TriggerMatch of coding c (through models.build: find_triggers makes one per trigger)."""
    return build(TriggerMatch, {
        "start": c[_START] + offset, "end": c[_END] + offset, "text": text[c[_START]:c[_END]],
        "event_type": c[_EVENT], "sub_event_type": c[_SUB], "plover_type": plover_type,
        "plover_mode": plover_mode, "family": family, "score": c[_SCORE]})


def clear_caches() -> None:
    """Forget analysed texts (extract_document calls this once per document)."""
    clear_cache()


def _best(scores: dict[str, float], allowed: Iterable[str]) -> tuple[str | None, float]:
    """The allowed code with the highest positive score; ties go to the more specific code
    (``PRIORITY``).  Walks the few scored codes rather than every allowed one."""
    best, best_k = None, 0.0
    prio = LEX.priority
    for c, s in scores.items():
        if s <= 0 or c not in allowed:
            continue
        key = s - prio.get(c, 99) * 1e-6
        if best is None or key > best_k:
            best, best_k = c, key
    return best, (scores[best] if best else 0.0)


def _squash(x: float) -> float:
    """round(1 - exp(-max(x, 0) / 4), 3), without round()'s decimal conversion: k / 1000 is
    the double nearest the decimal result as round() gives it, and round() itself decides
    when y * 1000 is too close to a half for its floating error (about 1e-13) to be ignored."""
    y = 1.0 - math.exp(-x / 4.0) if x > 0.0 else 0.0
    z = y * 1000.0
    k = math.floor(z)
    f = z - k
    if -1e-6 < f - 0.5 < 1e-6:
        return round(y, 3)
    return (k + (f > 0.5)) / 1000.0


def _family_for(code: str | None, plover: str) -> str:
    if code is not None:
        return LEX.code_info[code][4]
    if plover == "ASSAULT":
        return "violent"
    if plover == "PROTEST":
        return "protest"
    if plover in _VERBAL_PLOVER:
        return "verbal"
    return "other"


_DRONE_WORDS = frozenset({"drone", "drones", "uav", "uavs", "unmanned"})


def _code(an: Analysis, mi: int) -> tuple[tuple | None, str | None]:
    """Match mi's coding and CASE code (None, None when it triggers nothing), memoised on
    the analysis: find_triggers, classify_snippet and the PLOVER coder all ask."""
    memo = an.coded[mi]
    if memo is None:
        memo = an.coded[mi] = _code_trigger(an, mi)
    return memo


def _family_codes(grp) -> frozenset[str] | None:
    """The codes a group's coding may move to by the sentence's scores (refinement)."""
    code = grp.case
    if grp.refine == "violent" or (code and code in _VIOLENT and grp.refine is None and grp.actor_role):
        return _VIOLENT_OR_MOB
    if code and code in _PROTEST:
        return _PROTEST
    return None


def _static_coding(grp, code: str | None) -> tuple | None:
    """What a trigger of group grp coded as CASE code ``code`` gets regardless of the sentence:
    (event type, sub-event, PLOVER type, mode, mode when drones are named or False when that
    does not apply, family); None when it has no PLOVER type (no trigger)."""
    fam_codes = _family_codes(grp)
    ev_type, sub, d_plover, d_mode, _fam = LEX.code_info[code] if code else (None, None, None, None, "")
    if grp.refine or (fam_codes is not None and code != grp.case) or grp.actor_role:
        plover = d_plover or grp.plover or "ASSAULT"
        mode = d_mode
    else:
        plover = grp.plover or d_plover
        mode = grp.mode if grp.plover else d_mode
    if plover is None:
        return None
    valid = LEX.plover_modes.get(plover, set())
    drone_mode = ("drone" if "drone" in valid else None) if plover == "ASSAULT" and mode == "aerial" else False
    if mode is not None and mode not in valid:
        mode = None
    return ev_type, sub, plover, mode, drone_mode, _family_for(code, plover)


# (group, CASE code or None) -> _static_coding: every trigger group with every code
_TRIGGER_GROUPS = {g.gid: g for gs in TERM_TRIGGER for g in gs}
# group id -> (the codes it may be refined to or None, {CASE code or None: _static_coding})
_GROUP_CODING = {gid: (_family_codes(g), {code: _static_coding(g, code) for code in (None, *LEX.code_info)})
                 for gid, g in _TRIGGER_GROUPS.items()}
_TERM_HEAD = LEX.term_head


def _code_trigger(an: Analysis, mi: int) -> tuple[tuple | None, str | None]:
    ms, me, tid = an.matches[mi]
    groups = TERM_TRIGGER[tid]
    if not groups:
        return None, None
    scores = an.scores
    # choose the group whose code the sentence supports most (then by weight)
    grp = groups[0] if len(groups) == 1 else max(
        groups, key=lambda g: (scores.get(g.case, 0.0) if g.case else -1.0, g.weight))
    code = grp.case
    toks = an.toks
    starts = toks.start
    fam_codes, static = _GROUP_CODING[grp.gid]
    if grp.actor_role:
        if mi not in an.object_ok:
            code = "DISR_WEAP" if mi in an.weapon_obj else None
            ev_type, sub = (LEX.code_info[code][0], LEX.code_info[code][1]) if code else (None, None)
            raw = scores.get(code, 0.0) if code else grp.weight
            return (starts[ms], toks.end_of(me - 1), ev_type, sub, "COERCE", "seize",
                    _family_for(code, "COERCE"), _squash(raw)), code
        who = an.actor_of.get(mi)
        if who == "gov":
            code = "GOV_REGAINS_TERIT"
        elif who == "nonstate":
            code = "NON_STATE_ACTOR_OVERTAKES_TER"
        else:
            c2, _ = _best(scores, ("GOV_REGAINS_TERIT", "NON_STATE_ACTOR_OVERTAKES_TER"))
            code = c2 or code
    elif fam_codes is not None:
        c2 = _best(scores, fam_codes)[0]
        if c2 is not None:
            code = c2
    st = static[code]
    if st is None:
        return None, None
    ev_type, sub, plover, mode, drone_mode, family = st
    if drone_mode is not False and not _DRONE_WORDS.isdisjoint(toks.surf):
        mode = drone_mode
    raw = scores.get(code, 0.0) if code else grp.weight
    head = _TERM_HEAD[tid]
    if head:  # gapped phrase ("urged * to", "set * on fire"): the trigger is its head words
        me = ms + head
    return (starts[ms], toks.end_of(me - 1), ev_type, sub, plover, mode, family, _squash(raw)), code


# ---------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------

def find_triggers(text: str, offset: int = 0) -> list[TriggerMatch]:
    """All event triggers in a sentence, each with its best coding given the sentence's cues.

    Offsets are ``offset + position in text``; ``match.text == text[start - offset:end - offset]``.
    """
    an = analyse_triggers(text) if text else None
    if an is None or not an.trigger:
        return []
    scored(an)
    out = []
    coded = an.coded
    for mi in compress(range(len(coded)), map(TERM_TRIGGER.__getitem__, an.tids)):
        c = (coded[mi] or _code(an, mi))[0]
        if c is not None:
            out.append(_trigger(c, text, offset, c[_PLOVER], c[_MODE], c[_FAMILY]))
    return out


def classify_snippet(text: str, allow_unseen: bool = True) -> tuple[str, str | None, str]:
    """One label for a whole snippet: (CASE 2021 code incl. "OTHER", ACLED sub-event type
    name or None, PLOVER type).  ``allow_unseen=False`` restricts the code to the 25 ACLED
    types (CASE subtask 1)."""
    an = scored(analyse(text or ""))
    allowed = _ALL_CODES if allow_unseen else _SEEN_CODES
    scores = an.scores
    lead = _lead_code(an)
    if lead is not None and lead in scores:
        scores = dict(scores)
        scores[lead] += LEX.lead_bonus
    code, score = _best(scores, allowed)
    has_trigger = an.trigger
    if code is None or score < LEX.min_score or (not has_trigger and score < LEX.cue_only_min):
        code = "OTHER"
    _et, sub, d_plover, _m, _f = LEX.code_info[code]
    plover = d_plover if code not in LEX.unseen else None
    if plover is None:
        plover = _main_plover_full(an)[0]
    return code, sub, plover


def classify_plover(text: str) -> tuple[str, str | None]:
    """(PLOVER type, mode) of the main event of one sentence; (NO_EVENT, None) when none."""
    ptype, mode, _ = _main_plover_full(analyse(text or ""))
    return ptype, mode


def main_trigger(text: str, offset: int = 0) -> TriggerMatch | None:
    """The trigger taken as the main event of a sentence (first verb-like trigger), with its
    PLOVER type adjusted for modality (future -> AGREE/THREATEN, negation -> REJECT, ...)."""
    an = analyse(text or "")
    ptype, mode, tm = _main_plover_full(an)
    if tm is None:
        return None
    return _trigger(tm, text, offset, ptype, mode,
                    tm[_FAMILY] if ptype == tm[_PLOVER] else _family_for(None, ptype))


def plover_legacy_map(event: str) -> str:
    """Map an older PLOVER event name (DEMAND, DISAPPROVE, INVESTIGATE, FIGHT) to PLOVER 2.0."""
    return LEX.plover_legacy.get(event, event)


def acled_names(code: str) -> tuple[str | None, str | None]:
    """(ACLED event type, sub-event type) for a CASE 2021 code; (None, None) for unseen codes."""
    info = LEX.code_info.get(code)
    return (info[0], info[1]) if info else (None, None)


# ---------------------------------------------------------------------------
# Main event of a sentence (lead code, PLOVER with modality)
# ---------------------------------------------------------------------------

def _lead_code(an: Analysis) -> str | None:
    """Code of the first verb-like trigger of the first sentence (the news lede)."""
    for mi, (ms, _, tid) in enumerate(an.matches):
        if an.sent[ms] != 0:
            break
        if not TERM_VERB[tid]:
            continue
        c, code = _code(an, mi)
        if c is None:
            continue
        return code
    return None


def _sent_start(an: Analysis, i: int) -> int:
    s_id = an.sent[i]
    while i > 0 and an.sent[i - 1] == s_id:
        i -= 1
    return i


def _window_tags(an: Analysis, lo: int, hi: int) -> set[str]:
    return set().union(*(TERM_TAGS[tid] for ms, me, tid in an.matches if ms >= lo and me <= hi))


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


def _main_plover_full(an: Analysis) -> tuple[str, str | None, tuple | None]:
    scored(an)
    cands = []
    surf = an.toks.surf
    for mi, (ms0, _, tid) in enumerate(an.matches):
        if not TERM_TRIGGER[tid]:
            continue
        tm = _code(an, mi)[0]
        if tm is None:
            continue
        nominal = ms0 > 0 and surf[ms0 - 1] in _NOMINAL_BEFORE and not any(
            surf[j] in _LIGHT_VERBS for j in range(max(0, ms0 - 3), ms0))
        is_verb = TERM_VERB[tid] and not nominal
        cands.append((mi, tm, is_verb))
    if not cands:
        if "modal_obligation" in an.tags and not _REPORTING.isdisjoint(surf):
            return "REQUEST", None, None
        return NO_EVENT, None, None
    verbs = [c for c in cands if c[2]]
    mi, tm, _ = (verbs or cands)[0]
    ptype, mode = tm[_PLOVER], tm[_MODE]
    ms, me, tid = an.matches[mi]
    s_id = an.sent[ms]
    lo = ms
    while lo > 0 and ms - lo < 4 and an.sent[lo - 1] == s_id:
        lo -= 1
    before = _window_tags(an, lo, ms)
    after = _window_tags(an, me, len(surf))
    if "negation" in before and ptype in (_COOPERATIVE | {"AGREE", "RETREAT", "CONCEDE"}):
        return "REJECT", None, tm
    if "modal_obligation" in _window_tags(an, _sent_start(an, ms), ms) \
            and ptype not in ("REQUEST", "THREATEN", "REJECT", "ACCUSE"):
        return "REQUEST", None, tm
    if "agree_verbal" in TERM_TAGS[tid]:
        nxt = [c for c in cands if an.matches[c[0]][0] >= me and an.matches[c[0]][0] - me <= 4]
        if nxt and nxt[0][1][_PLOVER] in _CONFLICT_MATERIAL:
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
