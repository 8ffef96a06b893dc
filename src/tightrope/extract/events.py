"""Events: triggers in each sentence, filtered for irrealis/negation, with arguments linked.

For each trigger (extract.classify) in a non-header sentence:

1. drop it if a plan/threat/condition cue or a negation precedes it in its clause;
2. link actor1 (passive agent "by X", else the nearest mention before it that
   is not a source, an origin or governed by a preposition; a mention right
   before a weapon noun, "Iranian missiles", is the attacker), actor2 (the
   interceptor, the owner of the victims "its soldiers", else the first mention
   after it), origin ("launched from Iraq"), place, date, weapon, fatalities,
   outcome, claim status, attribution and hedging;
3. merge triggers of one sentence that describe the same event.

Speed: what depends on the sentence alone is answered once per sentence (event_facts).
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import hashlib
import re

from tightrope.extract import args as A
from tightrope.extract.classify import TriggerMatch, acled_names, classify_snippet, find_triggers
from tightrope.extract.context import DocContext, Mention, Sentence
from tightrope.extract.discourse import ORG_TYPES
from tightrope.extract.event_facts import (LAST_ALPHA, RELATIVE, RELATIVE_WORDS, WORDCHAR, SentenceFacts,
                                          lexicon)
from tightrope.extract.events_cues import cue_in, cue_index
from tightrope.extract.trigger_lexicon import LEX
from tightrope.models import DateValue, Event, Provenance, build

_WORD_TOKEN = re.compile(r"[A-Za-z][\w'-]*")
# "were (reportedly) <trigger>", reversed: r"\b(?:was|...)\s+(?:\w+ly\s+)?$" read backwards.
_PASSIVE_BACK = re.compile(r"\s+(?:yl\w+\s+)?(?:saw|erew|neeb|gnieb|si|era|tog)\b", re.I)
_PASSIVE_WORDS = frozenset({"was", "were", "been", "being", "is", "are", "got"})
_PAST_VERB = re.compile(r"\b(?:\w{3,}ed|gathered|marched|rallied|took to|staged|held|went|came|blocked)\b", re.I)
_AGGREGATE = re.compile(r"(?:\b\d[\d,]*|\b(?:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
                        r"dozens|hundreds|thousands|scores|series|string|wave|number)\b(?:\s+of)?)"
                        r"(?:\s+[\w-]+){0,2}\s*$", re.I)
_AGGREGATE_WORDS = frozenset({"two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
                              "twelve", "dozens", "hundreds", "thousands", "scores", "series", "string", "wave",
                              "number"})
_DIGIT = re.compile(r"\d")
_MODAL = re.compile(r"\b(?:would|could|might|may|if|unless|plans?|contingency|scenario)\b")
_BY_AGENT = re.compile(r"\bby\s+(?:the\s+)?(?:\w+\s+){0,2}$", re.I)
_THAT = re.compile(r"^\s*that\b")
_ARMED_TYPES = frozenset({"armed_group", "state_force"})  # actors.yaml types that may attack
# Up to three words after an event noun (no comma between), then a modal: its own verb ("attacks
# on Israel will continue", "strikes could follow") reports no event that happened.
_MODAL_AFTER = re.compile(r"((?:[ \t]+[\w'-]+){0,3}?)[ \t]+(?:will|would|could|might|may|shall)\b", re.I)
_THAT_NEXT = re.compile(r"[ \t]+that\b")  # a "that" clause right after the trigger
_CLASH_CUE = re.compile(r"\bclash|\bfight(?:s|ing)?\b|\bfought\b|\bbattl|gunfight|firefight|exchange(?:d)? (?:of )?fire|"
                        r"skirmish|ambush|\bengag(?:ed|ement)|\bcombat\b", re.I)
_PROTEST_CUE = re.compile(r"protest|demonstrat|rall(?:y|ies)|march|crowd|riot|sit-in|tear gas|dispers", re.I)
# Lower-case strings one of which every match of the pattern holds (to skip scanning without them).
_PAST_VERB_PARTS = ("ed", "took to", "held", "went", "came")
_CLASH_PARTS = ("clash", "fight", "fought", "battl", "exchange", "skirmish", "ambush", "engag", "combat")
_PROTEST_PARTS = ("protest", "demonstrat", "rally", "rallies", "march", "crowd", "riot", "sit-in", "tear gas",
                  "dispers")
_REMOTE = {None, "Attack", "Armed clash", "Shelling/artillery/missile attack", "Air/drone strike"}
_REFINABLE = _REMOTE | {"Grenade", "Remote explosive/landmine/IED"}
# Material-conflict PLOVER types: one sentence coding may unify them ("deployed a drone to strike").
_MATERIAL = {"ASSAULT", "COERCE", "PROTEST", "MOBILIZE"}
# When two triggers of one sentence code the same incident, the more material PLOVER type wins.
_PLOVER_RANK = {"ASSAULT": 0, "PROTEST": 1, "COERCE": 2, "MOBILIZE": 3, "SANCTION": 4}


_PASSIVE = cue_index(_PASSIVE_WORDS)
# The words a gapped term may span after its first part: a gap of up to 4 and one more
# (trigger_match._match_rest).
_WORDS_AFTER = re.compile(r"((?:[ \t]+[\w'-]+){0,5})")


def _trigger(t: TriggerMatch, **changes) -> TriggerMatch:
    """dataclasses.replace for TriggerMatch, without its per-call field introspection."""
    values = dict(t.__dict__)
    values.update(changes)
    return build(TriggerMatch, values)


def _negated(words: list[str], may: bool) -> bool:
    """A negation among the last words of the clause (may: the sentence may hold one there;
    False only when they are whole words of a sentence without negation words)."""
    lex = lexicon()
    return may and cue_in(lex.negation_rx, " ".join(words[-lex.negation_window:]))


def _irrealis(words: list[str], may: bool) -> bool:
    lex = lexicon()
    return may and cue_in(lex.irrealis_rx, " ".join(words[-lex.irrealis_window:]))


def is_eventive(f: SentenceFacts, t: TriggerMatch, whole: bool) -> bool:
    """Does this trigger report something that happened (article mode)?  See cues.yaml: event_nouns.
    (Triggers inside quotes, rhetoric for statements, are dropped before.)"""
    words = [w.lower().strip(".,;:\"'\u201c\u201d") for w in t.text.split()]
    if any(w in lexicon().event_nouns for w in words):
        # "65 drone attacks", "hundreds of attacks": a tally (see stats), not one event.
        text, rel = f.text, t.start - f.s.start
        lo = max(0, rel - 40)
        if lexicon().nonspecific.search(text, lo, rel):
            return False  # "halts these attacks", "any future attacks": no new event
        modal = _MODAL_AFTER.match(text, t.end - f.s.start)
        if modal is not None and not RELATIVE_WORDS.intersection(modal.group(1).lower().split()):
            return False  # "the attacks on Israel will surely continue": the noun's own verb is not past
        # A tally needs a digit or a number word there (when no word is cut at either end).
        if whole and f.words is not None and not (lo and WORDCHAR.match(text, lo - 1) and WORDCHAR.match(
                text, lo)) and _AGGREGATE_WORDS.isdisjoint(f.words) and not _DIGIT.search(text, lo, rel):
            return True
        return not _AGGREGATE.search(text[lo:rel])
    if t.plover_type == "ASSAULT" and lexicon().perpetrated.search(f.text, max(0, t.start - f.s.start - 40),
                                                                   t.start - f.s.start):
        return True  # "security forces committed widespread rape"
    return _eventive_verb(f, t, words)


def _eventive_verb(f: SentenceFacts, t: TriggerMatch, words: list[str]) -> bool:
    lex = lexicon()
    if t.family == "protest" and f.has(_PAST_VERB_PARTS, _PAST_VERB):
        return True  # "Protesters poured into the streets": the crowd noun plus a past verb
    head = words[0] if words else ""
    text, rel = f.text, t.start - f.s.start
    verbs = LEX.pair_verbs.get(t.sub_event_type)
    if verbs and _found_after(text, t.end - f.s.start, verbs):
        # "an arms cache was discovered", "weapons seized on a boat", "a base was set up": the
        # thing, then what was done to it.  (Only these: any passive after a weapon, "explosive-
        # laden drones were launched", made the weapon an event of its own, coded by the sentence.)
        return True
    if _past(head):
        prev = f.last_word(rel, LAST_ALPHA)
        # "the number of wounded", "the injured": a participle used as a noun is no event.
        return not (prev and prev[1].lower() in ("the", "of"))
    if f.ends_with(rel, lex.aspect_back, lex.aspect):
        return True  # "continued to send arms"
    if head.endswith("ing"):
        prev = f.last_word(rel, LAST_ALPHA)
        attached = text[:rel].rstrip().endswith(",") or any(
            m.end <= t.start and t.start - m.end <= 2 for m in f.s.mentions)
        return attached and not (prev and prev[1].lower() in lex.ing_blockers)
    return False


def _past(word: str) -> bool:
    """A past form: regular -ed or one of cues.yaml's past_irregular (lower-case word)."""
    return word.endswith("ed") or word in lexicon().past_irregular


def _found_after(text: str, end: int, verbs: frozenset[str]) -> bool:
    """A past form of one of ``verbs`` (a group's ``pairs`` verbs in event_patterns.yaml) in the
    few words after the trigger, as its ``noun * verb`` term allows: "explosives were found",
    "firearms troops seized", "ammunition has been discovered"."""
    for w in _WORDS_AFTER.match(text, end).group(1).lower().split():
        if _past(w) and LEX.lemma.get(w, w) in verbs:
            return True
    return False


def _victims_hit(victims: Mention, other: Mention | None) -> tuple[Mention | None, Mention]:
    """(actor1, actor2) when the first actor found is a victim-only one ("six people were killed
    after security forces opened fire"): the victims are the side hit, and the other side the
    attacker when it is an armed one."""
    armed = other is not None and other.name not in lexicon().victim_only and (
        other.actor_type in _ARMED_TYPES or other.kind == "generic")
    return (other if armed else None), victims


def _same(a: Mention | None, b: Mention | None) -> bool:
    if a is None or b is None:
        return False
    return (a.actor_id or a.name) == (b.actor_id or b.name)


def _link(f: SentenceFacts, t: TriggerMatch, clause_start: int, attr: A.Attribution | None
          ) -> tuple[Mention | None, Mention | None]:
    s, doc_text = f.s, f.ctx.doc.text
    violent = t.plover_type == "ASSAULT"
    excluded = f.origin_spans
    if t.family != "verbal" and attr.sources:  # (attr: None for a verbal trigger)
        excluded = excluded | {(m.start, m.end) for m in attr.sources}
        cands = [m for m in f.base_cands if (m.start, m.end) not in excluded]
    else:
        cands = f.cands  # the same list, once per sentence
    before = [m for m in cands if m.end <= t.start]
    # Multi-word triggers may include their object ("urged the Security Council to"):
    # arguments after the trigger start right after its first word.
    words = t.text.split()
    head_end = t.start + len(words[0]) if words else t.end
    if t.plover_type == "REQUEST" and (that := _THAT_NEXT.match(doc_text, t.end)) is not None:
        head_end = that.end()  # "demanded that Hamas renounce ...": whom the demand is put to
    after = [m for m in cands if m.start >= head_end and not f.governed(m) and f.same_clause(head_end, m.start)]
    # Passive agent: "... attacked by X", "launches by X".
    actor1 = next((m for m in after if _BY_AGENT.search(doc_text[max(t.end, m.start - 25):m.start])), None) \
        if "by" in f.lower else None
    if violent and actor1 is None:
        actor1 = next((m for m in reversed(before) if f.before_weapon(m)), None)  # "Iranian missiles"
    # Victims belong to this trigger only when close by and not inside another clause.
    victim_owner = next((m for m in before + after if abs(m.start - t.start) < 70 and f.before_victims(m)
                         and f.same_clause(min(m.end, t.end), max(m.start, t.start))), None)
    if victim_owner is None and violent and attr.sources and f.owned_victims:
        # "Two of its soldiers were killed ..., Israel said": the source owns the victims.
        victim_owner = next((m for m in attr.sources if m.actor_type in ORG_TYPES), None)
    interceptor = f.interceptor if violent else None
    if f.ends_with(t.start - s.start, _PASSIVE_BACK, _PASSIVE):
        # "Three soldiers were killed": the subject suffered the act; only "by X" names the actor.
        patient = next((m for m in reversed(before) if m.start >= clause_start and not f.governed(m)), None)
        if patient is not None and victim_owner is None:
            victim_owner = patient
        if actor1 is None:
            return None, victim_owner if victim_owner is not None else (after[0] if after else None)
    if actor1 is None:
        actor1 = next((m for m in reversed(before) if m.start >= clause_start and not _same(m, victim_owner)
                       and not _same(m, interceptor) and not f.governed(m)), None)
    if actor1 is None and t.family != "verbal":
        subj = s.subject
        # The subject acts only when it precedes the trigger, or the trigger opens the
        # sentence in a participle clause ("Initially targeting US bases, the group ...").
        leading = t.start - s.start < 25 and f.leading
        if subj is not None and not (subj.start < t.start or leading):
            subj = None
        if subj is not None and (subj.start, subj.end) not in excluded and not _same(subj, victim_owner) \
                and not _same(subj, interceptor) and (subj.actor_type in ORG_TYPES or subj.kind == "person"):
            actor1 = subj
    actor2 = interceptor or victim_owner
    if actor2 is None or _same(actor2, actor1):
        actor2 = next((m for m in after if not _same(m, actor1)), None)
    if _same(actor1, actor2):
        actor2 = None
    return actor1, actor2


def _claim(f: SentenceFacts, t: TriggerMatch, attr: A.Attribution,
           actor1: Mention | None = None) -> tuple[str, tuple[str, ...]]:
    # (Triggers inside quotes never get here: they are dropped as rhetoric for statements.)
    text = f.text
    rel_t = t.start - f.s.start
    if t.plover_type == "ASSAULT" and actor1 is not None and any(
            (m.actor_id or m.name) == (actor1.actor_id or actor1.name) for m in attr.sources):
        return "claimed", attr.source_names  # an armed actor reporting its own attack claims it
    for status, start, end, responsibility in f.claims:
        if t.family == "verbal" and rel_t <= start < t.end - f.s.start:
            continue  # the verbal trigger itself ("accused") is the event, not its status
        # A cue counts before the trigger, or closing the sentence (", Israel confirmed.");
        # one inside a relative clause elsewhere ("that Washington blames") does not.
        # "confirmed that ...": "that" opens its complement.
        before = start < rel_t and not RELATIVE.search(_THAT.sub("", text[end:rel_t]))
        closing = start > rel_t and len(text) - end < 30
        if before or closing or status == "claimed" and responsibility:
            return status, attr.source_names
    return ("reported", attr.source_names)


def _date_for(f: SentenceFacts, t: TriggerMatch) -> list[DateValue | None]:
    explicit = f.explicit_dates
    if not explicit:
        return f.undated
    if len(explicit) > 1 and t.plover_type == "ASSAULT" and f.dates_joined:
        return [d.value for d in explicit]
    best = min(explicit, key=lambda d: (d.start > t.start, abs(d.start - t.start)))
    return [best.value]


def _event_id(prefix: str, date: DateValue | None) -> str:
    """prefix: f"{doc_id}|{sentence start}|{trigger start}|"."""
    key = prefix + date.iso() if date else prefix
    return "e" + hashlib.sha256(key.encode()).hexdigest()[:16]


def _head(t: TriggerMatch) -> TriggerMatch:
    """Narrow a multi-word trigger to its event word: "militants attacked" -> "attacked",
    so the words around it stay available as arguments."""
    lex = lexicon()
    if _WORD_TOKEN.fullmatch(t.text):
        return t  # one word: nothing to narrow
    for m in _WORD_TOKEN.finditer(t.text):
        w = m.group(0).lower()
        if w in lex.event_nouns or _past(w):
            if m.start() == 0 and m.end() == len(t.text):
                return t
            return _trigger(t, start=t.start + m.start(), end=t.start + m.end(), text=m.group(0))
    return t


def _commitment(t: TriggerMatch, words: list[str]) -> TriggerMatch | None:
    """"X will support Y" -> AGREE (a promise); "X vowed to strike Y" -> THREATEN.  Else None.
    words: the words of the trigger's clause before it."""
    lex = lexicon()
    window = " ".join(words[-lex.commitment_window:]).lower()
    if not lex.commitment.search(window) or _MODAL.search(window):
        return None
    if t.plover_type in lex.cooperative:
        kind = "AGREE"
    elif t.plover_type in lex.hostile:
        kind = "THREATEN"
    else:
        return None
    return _trigger(t, event_type=None, sub_event_type=None, plover_type=kind, plover_mode=None, family="verbal")


def _interception_as_attack(f: SentenceFacts, t: TriggerMatch) -> TriggerMatch:
    """"The army intercepted two drones": the event is the drone attack, with outcome intercepted."""
    if t.plover_type != "ASSAULT" and lexicon().cues.interception.fullmatch(t.text.lower()) and f.weapon_starts:
        return _trigger(t, event_type="Explosions/Remote violence", sub_event_type=None, plover_type="ASSAULT",
                        plover_mode=None, family="violent")
    return t


def _refine_type(t: TriggerMatch, f: SentenceFacts, actor1: Mention | None, weapon: str | None,
                 place=None) -> tuple[str | None, str | None]:
    """Sentence evidence sharpens the classifier's coding of an attack.

    The weapon named decides between the remote types (a drone is an air/drone
    strike); a state striking abroad with no ground fighting described does so
    from the air; a crowd-control coding needs a crowd in the sentence.
    Otherwise the classifier's coding stands.
    """
    et, sub = t.event_type, t.sub_event_type
    if et == "Protests" and not f.has(_PROTEST_PARTS, _PROTEST_CUE):
        et, sub = None, None  # "strike"/"hit" without any crowd in sight is not about protesters
    if t.plover_type != "ASSAULT":
        return et, sub
    # All weapons of the sentence count ("warplanes fired a missile" is an air strike).
    w = ((weapon or "") + " " + f.weapons_in).lower().strip()
    if sub in _REFINABLE and w:
        coded = f.weapon_type(w)
        if coded is not None:
            return coded
    one_sided = sub in (None, "Attack") or (sub == "Armed clash" and not f.has(_CLASH_PARTS, _CLASH_CUE))
    abroad = actor1 is not None and place is not None and actor1.country and place.country_code \
        and actor1.country != place.country_code
    if one_sided and actor1 is not None and actor1.actor_type in A.STATE_TYPES and abroad:
        # A state striking targets abroad, with no ground fighting described, does so from the air.
        return "Explosions/Remote violence", "Air/drone strike"
    return et, sub


def _sentence_coding(s: Sentence) -> tuple[str | None, str | None, str | None]:
    """The benchmark-scored snippet classifier's ACLED coding of the whole sentence."""
    code, _, plover = classify_snippet(s.text, allow_unseen=False)
    return (*acled_names(code), plover) if code != "OTHER" else (None, None, None)


def _build(f: SentenceFacts, t: TriggerMatch, clause_start: int, coding=None) -> list[Event]:
    ctx, s = f.ctx, f.s
    if coding and coding[1] and t.event_type is not None and (
            coding[2] == t.plover_type or {coding[2], t.plover_type} <= _MATERIAL):
        # One sentence, one ACLED coding (as ACLED codes one event per report of an incident):
        # the sentence classifier weighs every cue together, and its PLOVER type follows.
        if not lexicon().cues.interception.fullmatch(t.text.lower()):
            t = _trigger(t, event_type=coding[0], sub_event_type=coding[1])
    violent = t.plover_type == "ASSAULT"
    # The attribution matters to _link only as sources to exclude (never for verbal triggers).
    attr = f.attribution(t.start) if t.family != "verbal" else None
    actor1, actor2 = _link(f, t, clause_start, attr)
    if actor1 is not None and actor1.kind == "generic":
        if violent and actor1.name in lexicon().victim_only:
            actor1, actor2 = _victims_hit(actor1, actor2)
        elif t.plover_type == "PROTEST" and actor1.name in lexicon().protest_crowd:
            actor1 = dataclasses.replace(actor1, name=lexicon().protest_crowd[actor1.name])
    a1, a1_id, assoc1 = f.actor_fields(actor1)
    a2, a2_id, assoc2 = f.actor_fields(actor2)
    # An event worth coding names who acted or was hit; a violent one may instead give place,
    # toll or its date.  Tested before building: a third of the events would be dropped.
    # Whether it must name them is known before the place and weapon are looked for, but
    # for an attack (_refine_type may code it by them): a quarter of the triggers built end here.
    if not violent:
        event_type, sub = _refine_type(t, f, actor1, None)  # (the weapon and place code attacks alone)
    if (t.family == "verbal" or not violent and event_type is None) and (
            a1 is None or (a2 is None and t.plover_type not in ("CONSULT", "MOBILIZE"))):
        return []
    weapon = f.weapon(t.start) if violent else None
    place = f.place(t.start, f.origins + ([actor1] if actor1 else []))
    if violent:
        event_type, sub = _refine_type(t, f, actor1, weapon, place)
    fatalities = f.fatalities if violent else None
    origin = f.origin_country if violent else None
    if attr is None:
        attr = f.attribution(t.start)
    if t.family == "verbal" or event_type is None:
        if a1 is None or (a2 is None and t.plover_type not in ("CONSULT", "MOBILIZE")):
            return []
        undated_ok = True
    else:
        undated_ok = (a1 is not None or a2 is not None or fatalities is not None or origin is not None
                      or place is not None or weapon is not None)
    dates = _date_for(f, t)
    if not undated_ok:
        dates = [d for d in dates if d is not None and d.method.split(":")[0] in ("absolute", "relative")]
        if not dates:
            return []
    status, sources = _claim(f, t, attr, actor1)
    doc_id = ctx.doc.doc_id
    prefix = f"{doc_id}|{s.start}|{t.start}|"
    fields = dict(
        doc_id=doc_id, provenance=_provenance(doc_id, s.start, s.end, round(t.score, 3)),
        text=s.text, event_type=event_type, sub_event_type=sub,
        plover_type=t.plover_type, plover_mode=t.plover_mode, date=None,
        actor1=a1, actor1_id=a1_id, assoc_actor_1=assoc1, actor2=a2, actor2_id=a2_id, assoc_actor_2=assoc2,
        origin_country=origin, place=place, weapon=weapon, fatalities=fatalities,
        outcome=f.outcome if violent else None,
        claim_status=status, attributed_to=sources, hedged=f.hedged, trigger=t.text)
    out = []
    for date in dates:
        fields["date"] = date
        out.append(_event(_event_id(prefix, date), fields))
    return out


def _provenance(doc_id: str, start: int, end: int, confidence: float) -> Provenance:
    return build(Provenance, {"doc_id": doc_id, "char_start": start, "char_end": end, "method": "rules:trigger",
                              "confidence": confidence})


def _event(event_id: str, fields: dict) -> Event:
    """Event(event_id=event_id, **fields), every field given (in field order)."""
    values = {"event_id": event_id}
    values.update(fields)
    return build(Event, values)


def _compatible(a: Event, b: Event) -> bool:
    def eq(x, y):
        return x is None or y is None or x == y

    same_kind = a.plover_type == b.plover_type or (a.sub_event_type is not None and a.sub_event_type == b.sub_event_type)
    return (same_kind and eq(a.actor1_id or a.actor1, b.actor1_id or b.actor1)
            and eq(a.actor2_id or a.actor2, b.actor2_id or b.actor2)
            and (a.date.iso() if a.date else None) == (b.date.iso() if b.date else None))


def _merge(a: Event, b: Event) -> Event:
    from tightrope.models import replace

    fill = {}
    # Never let a merge make one actor both sides of the event.
    if a.actor1 is None and b.actor1 is not None and (b.actor1_id or b.actor1) == (a.actor2_id or a.actor2):
        b = replace(b, actor1=None, actor1_id=None, assoc_actor_1=None)
    if a.actor2 is None and b.actor2 is not None and (b.actor2_id or b.actor2) == (a.actor1_id or a.actor1):
        b = replace(b, actor2=None, actor2_id=None, assoc_actor_2=None)
    if a.plover_type != b.plover_type and _PLOVER_RANK.get(b.plover_type, 9) < _PLOVER_RANK.get(a.plover_type, 9):
        fill["plover_type"], fill["plover_mode"] = b.plover_type, b.plover_mode
    for f in ("actor1", "actor1_id", "assoc_actor_1", "actor2", "actor2_id", "assoc_actor_2", "origin_country",
              "place", "weapon", "fatalities", "outcome", "event_type", "sub_event_type"):
        if getattr(a, f) is None and getattr(b, f) is not None:
            fill[f] = getattr(b, f)
    return replace(a, **fill) if fill else a


def _sentence_events(ctx: DocContext, s: Sentence, triggers: list[TriggerMatch],
                     date_limit: _dt.date) -> list[Event]:
    f = SentenceFacts(ctx, s, date_limit)
    found: list[Event] = []
    coding = None
    lex = lexicon()
    negation, irrealis = f.may(lex.negation), f.may(lex.irrealis)  # for triggers that start a word
    for t in triggers:
        t = _interception_as_attack(f, _head(t))
        rel = t.start - s.start
        whole = rel == 0 or not WORDCHAR.match(s.text, rel - 1)  # the trigger does not start mid-word
        clause = f.clause_start(rel, whole)
        words = s.text[clause:rel].split()
        if _negated(words, negation or not whole) or ctx.in_quote(t.start):
            continue
        if _irrealis(words, irrealis or not whole):
            t = _commitment(t, words)  # a promise or threat is itself the (verbal) event
            if t is None:
                continue
        elif not is_eventive(f, t, whole):
            continue
        if coding is None and t.event_type is not None:
            coding = _sentence_coding(s)
        for ev in _build(f, t, s.start + clause, coding):  # only events worth coding
            for i, prev in enumerate(found):
                if prev.event_id == ev.event_id or _compatible(prev, ev):
                    found[i] = _merge(prev, ev)
                    break
            else:
                found.append(ev)
    return found


def extract_events(ctx: DocContext) -> list[Event]:
    events: list[Event] = []
    date_limit = _dt.date.today() + _dt.timedelta(days=366)  # see SentenceFacts.plausible
    for s in ctx.sentences:
        if s.is_header:
            continue
        triggers = find_triggers(s.text, offset=s.start)
        if triggers:
            events.extend(_sentence_events(ctx, s, triggers, date_limit))
    return events
