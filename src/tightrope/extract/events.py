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
"""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache

from tightrope.extract import args as A
from tightrope.extract.classify import TriggerMatch, find_triggers
from tightrope.extract.context import DocContext, Mention, Sentence
from tightrope.extract.cues import get_cues
from tightrope.extract.discourse import ORG_TYPES
from tightrope.models import DateValue, Event, Provenance

_CLAUSE_BREAK = re.compile(r"[;:]|\b(?:while|but|whereas|which|when|after|because|although)\b", re.I)
# A verb of planning or speech just before "to <trigger>" makes it irrealis ("plans to strike").
_REMOTE_SUBS = {None, "Attack"}


@A.sentence_cached(lambda s, pos: (s, pos))
def _clause_before(s: Sentence, pos: int) -> str:
    before = s.text[:pos - s.start]
    parts = _CLAUSE_BREAK.split(before)
    return parts[-1] if parts else before


def is_irrealis(s: Sentence, t: TriggerMatch) -> bool:
    cues = get_cues()
    window = _clause_before(s, t.start).split()[-cues.irrealis_window:]
    return bool(cues.irrealis.search(" ".join(window)))


def is_eventive(ctx: DocContext, s: Sentence, t: TriggerMatch) -> bool:
    """Does this trigger report something that happened (article mode)?  See cues.yaml: event_nouns."""
    raw = get_cues().raw
    if ctx.in_quote(t.start):
        return False  # rhetoric inside quotes belongs to statements
    words = [w.lower().strip(".,;:\"'\u201c\u201d") for w in t.text.split()]
    if any(w in raw["event_nouns"] for w in words):
        # "65 drone attacks", "hundreds of attacks": a tally (see stats), not one event.
        return not _AGGREGATE.search(s.text[max(0, t.start - s.start - 40):t.start - s.start])
    return _eventive_verb(ctx, s, t, words)


_PAST_VERB = re.compile(r"\b(?:\w{3,}ed|gathered|marched|rallied|took to|staged|held|went|came|blocked)\b", re.I)
_AGGREGATE = re.compile(r"(?:\b\d[\d,]*|\b(?:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
                        r"dozens|hundreds|thousands|scores|series|string|wave|number)\b(?:\s+of)?)"
                        r"(?:\s+[\w-]+){0,2}\s*$", re.I)


@lru_cache(maxsize=1)
def _cue_res() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """Aspect verbs before "to", commitment words: compiled once (were rebuilt per trigger)."""
    raw = get_cues().raw
    aspect = "|".join(re.escape(w) for w in raw["aspect_verbs"])
    return (re.compile(rf"\b(?:{aspect})\s+to\s*$"),
            re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(w) for w in raw["commitment"]) + r")(?![\w-])"))


def _eventive_verb(ctx: DocContext, s: Sentence, t: TriggerMatch, words: list[str]) -> bool:
    raw = get_cues().raw
    if t.family == "protest" and _PAST_VERB.search(s.text):
        return True  # "Protesters poured into the streets": the crowd noun plus a past verb
    head = words[0] if words else ""
    if head.endswith("ed") or head in raw["past_irregular"]:
        prev = re.search(r"([A-Za-z]+)\W*$", s.text[:t.start - s.start])
        # "the number of wounded", "the injured": a participle used as a noun is no event.
        return not (prev and prev.group(1).lower() in ("the", "of"))
    if _cue_res()[0].search(s.text[:t.start - s.start]):
        return True  # "continued to send arms"
    if head.endswith("ing"):
        before = s.text[:t.start - s.start].rstrip()
        prev = re.search(r"([A-Za-z]+)\W*$", before)
        attached = before.endswith(",") or any(m.end <= t.start and t.start - m.end <= 2 for m in s.mentions)
        return attached and not (prev and prev.group(1).lower() in raw["ing_blockers"])
    return False


def is_negated(s: Sentence, t: TriggerMatch) -> bool:
    cues = get_cues()
    window = _clause_before(s, t.start).split()[-cues.negation_window:]
    return bool(cues.negation.search(" ".join(window)))


def _actor_fields(ctx: DocContext, m: Mention | None) -> tuple[str | None, str | None, str | None]:
    """(actor name, actor id, associated actor): a state's forces keep their name, the state is associated."""
    if m is None:
        return None, None, None
    if m.actor_type == "state_force" and m.actor_id:
        actor = ctx.kb.get(m.actor_id)
        parent = next((a.object_id for a in (actor.affiliations if actor else ())
                       if a.relation == "part_of" and ctx.kb.get(a.object_id)
                       and ctx.kb.get(a.object_id).actor_type == "state"), None)
        if parent:
            return m.name, m.actor_id, ctx.kb.get(parent).name
    return m.name, m.actor_id, None


def _same(a: Mention | None, b: Mention | None) -> bool:
    if a is None or b is None:
        return False
    return (a.actor_id or a.name) == (b.actor_id or b.name)


def _before_weapon(ctx: DocContext, m: Mention) -> bool:
    follow = ctx.doc.text[m.end:m.end + 30].lower()
    return bool(get_cues().weapons.match(follow.lstrip()))


_HARMED_AFTER = re.compile(r"^\W*(?:\w+\s+){0,2}(?:were|was|had been|have been|got)\s+(?:\w+ly\s+)?"
                           r"(?:killed|wounded|injured|hurt|slain|shot|kidnapped|abducted|targeted|hit)\b", re.I)
_HARMING_BEFORE = re.compile(r"\b(?:killing|killed|wounding|wounded|injuring|injured|targeting|targeted|hitting|"
                             r"attacking|attacked|kidnapping|abducting|kills|kill)\s+(?:at least\s+|some\s+|"
                             r"about\s+)?(?:[\w-]+\s+){0,3}$", re.I)


def _before_victims(ctx: DocContext, m: Mention) -> bool:
    """Is this mention the owner of people who were harmed ("two of its soldiers were killed",
    "killing five Iraqi soldiers")?  "Boko Haram militants attacked" names the attackers."""
    follow = ctx.doc.text[m.end:m.end + 30].lstrip()
    noun = get_cues().victims.match(follow) or re.match(r"(?:\w+\s+)?(?:soldiers|troops|forces|civilians)\b",
                                                        follow, re.I)
    if not noun:
        return False
    after = ctx.doc.text[m.end + (len(ctx.doc.text[m.end:m.end + 30]) - len(follow)) + noun.end():m.end + 90]
    before = ctx.doc.text[max(0, m.start - 60):m.start]
    return bool(_HARMED_AFTER.match(after) or _HARMING_BEFORE.search(before))


def _link(ctx: DocContext, s: Sentence, t: TriggerMatch, attr: A.Attribution,
          origins: list[Mention]) -> tuple[Mention | None, Mention | None]:
    cues = get_cues()
    excluded = {(m.start, m.end) for m in origins}
    if t.family != "verbal":
        excluded |= {(m.start, m.end) for m in attr.sources}
    # Sponsor adjectives ("Iran-backed militias") name who backs the actor, not the actor.
    cands = [m for m in s.mentions if (m.start, m.end) not in excluded and m.actor_type != "media"
             and m.method != "adjectival"]
    before = [m for m in cands if m.end <= t.start]
    # Multi-word triggers may include their object ("urged the Security Council to"):
    # arguments after the trigger start right after its first word.
    head_end = t.start + len(t.text.split()[0]) if t.text.split() else t.end
    after = [m for m in cands if m.start >= head_end and not _governed_place(ctx, s, m)
             and _same_clause(ctx, head_end, m.start)]
    # Passive agent: "... attacked by X", "launches by X".
    actor1 = next((m for m in after if re.search(r"\bby\s+(?:the\s+)?(?:\w+\s+){0,2}$",
                                                  ctx.doc.text[max(t.end, m.start - 25):m.start], re.I)), None)
    if _violent(t) and actor1 is None:
        armed = [m for m in before if _before_weapon(ctx, m)]
        if armed:
            actor1 = armed[-1]
    # Victims belong to this trigger only when close by and not inside another clause.
    victim_owner = next((m for m in before + after if _before_victims(ctx, m) and abs(m.start - t.start) < 70
                         and _same_clause(ctx, min(m.end, t.end), max(m.start, t.start))), None)
    interceptor = None
    icp = cues.interception.search(s.text)
    if _violent(t) and icp:
        pre = [m for m in s.mentions if m.end <= s.start + icp.start()]
        interceptor = pre[-1] if pre else None
    passive = bool(_PASSIVE.search(s.text[:t.start - s.start]))
    if passive:
        # "Three soldiers were killed": the subject suffered the act; only "by X" names the actor.
        patient = [m for m in before if m.start >= s.start + len(s.text[:t.start - s.start])
                   - len(_clause_before(s, t.start)) and not _governed_place(ctx, s, m)]
        if patient and victim_owner is None:
            victim_owner = patient[-1]
        if actor1 is None:
            return None, victim_owner if victim_owner is not None else next(
                (m for m in after if not _same(m, actor1)), None)
    if actor1 is None:
        clause_start = s.start + len(s.text[:t.start - s.start]) - len(_clause_before(s, t.start))
        pool = [m for m in before if m.start >= clause_start and not _same(m, victim_owner)
                and not _same(m, interceptor)
                and not _governed_place(ctx, s, m)]
        actor1 = pool[-1] if pool else None
    if actor1 is None and t.family != "verbal":
        subj = s.subject
        # The subject acts only when it precedes the trigger, or the trigger opens the
        # sentence in a participle clause ("Initially targeting US bases, the group ...").
        leading = re.match(r"\W*(?:\w+ly\s+)?\w+ing\b", s.text) is not None and t.start - s.start < 25
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


_LOC_PREPS = {"in", "at", "inside", "across", "near", "within", "into", "throughout", "over"}


@A.sentence_cached(lambda ctx, s, m: (s, m))
def _governed_place(ctx: DocContext, s: Sentence, m: Mention) -> bool:
    """'in Iraq', 'in Iraq and Syria', 'in the Kurdistan Region': a state or a governed territory
    named as a location is neither actor nor target."""
    is_place = any(p.start <= m.start < p.end or m.start <= p.start < m.end for p in s.places)
    if m.actor_type != "state" and not (is_place and m.actor_type == "government_body"):
        return False
    before = ctx.doc.text[s.start:m.start]
    # Walk back over coordinated states: "in Iraq and Syria", "in Iraq, Syria and Jordan".
    while True:
        prev = re.search(r"(\w+)\W*$", before)
        if not prev:
            return False
        word = prev.group(1).lower()
        if word in _LOC_PREPS:
            return True
        if word in ("and", "or"):
            before = before[:prev.start()]
            prior = next((x for x in reversed(s.mentions) if x.end <= s.start + len(before.rstrip(" ,"))
                          and x.actor_type == "state"), None)
            if prior is None or s.start + len(before.rstrip(" ,")) - prior.end > 1:
                return False
            before = ctx.doc.text[s.start:prior.start]
            continue
        return False


_PASSIVE = re.compile(r"\b(?:was|were|been|being|is|are|got)\s+(?:\w+ly\s+)?$", re.I)
_RELATIVE = re.compile(r"\b(?:that|which|who|whose|where|when)\b", re.I)


def _same_clause(ctx: DocContext, a: int, b: int) -> bool:
    """No relative clause boundary between positions a < b."""
    return not _RELATIVE.search(ctx.doc.text[a:b])


def _plausible(d) -> bool:
    """An event can't be dated before 1900 or more than a year after today ("March 3, 2199")."""
    import datetime as _dt

    return 1900 <= d.value.date.year and d.value.date <= _dt.date.today() + _dt.timedelta(days=366)


def _date_for(ctx: DocContext, s: Sentence, t: TriggerMatch) -> list[DateValue]:
    explicit = [d for d in s.dates if not d.text.lower().startswith("since") and _plausible(d)]
    if explicit:
        # "in April and October": several periods joined by "and" -> one event each.
        if len(explicit) > 1 and _violent(t):
            joined = all(re.fullmatch(r"\s*(?:,|and|,\s*and|or)\s*", ctx.doc.text[a.end:b.start])
                         for a, b in zip(explicit, explicit[1:]))
            if joined:
                return [d.value for d in explicit]
        best = min(explicit, key=lambda d: (d.start > t.start, abs(d.start - t.start)))
        return [best.value]
    plausible = [d for d in s.dates if _plausible(d)]
    if plausible:
        return [plausible[0].value]
    # No date in the sentence: the previous sentence of the paragraph sets the scene.
    for prev in reversed(ctx.sentences[max(0, s.index - 2):s.index]):
        usable = [d for d in prev.dates if _plausible(d)]
        if prev.para == s.para and usable:
            d = usable[-1].value
            return [DateValue(d.date, d.precision, "context:previous_sentence")]
    pub = ctx.doc.published
    if pub is not None:
        # Undated report of an event: the publication month is the honest precision.
        return [DateValue(pub.date.replace(day=1), "month", "publication")]
    return [None]  # type: ignore[list-item]


def _claim(ctx: DocContext, s: Sentence, t: TriggerMatch, attr: A.Attribution,
           actor1: Mention | None = None) -> tuple[str, tuple[str, ...]]:
    if ctx.in_quote(t.start):
        speaker = next((m.name for m in s.mentions if not ctx.in_quote(m.start)
                        and (m.kind == "person" or m.actor_type == "person")), None)
        return "claimed", ((speaker,) if speaker else attr.source_names)
    text = s.text
    rel_t = t.start - s.start
    if _violent(t) and actor1 is not None and any(
            (m.actor_id or m.name) == (actor1.actor_id or actor1.name) for m in attr.sources):
        return "claimed", attr.source_names  # an armed actor reporting its own attack claims it
    for status, rx in get_cues().claim:
        for m in rx.finditer(text):
            if t.family == "verbal" and rel_t <= m.start() < t.end - s.start:
                continue  # the verbal trigger itself ("accused") is the event, not its status
            # A cue counts before the trigger, or closing the sentence (", Israel confirmed.");
            # one inside a relative clause elsewhere ("that Washington blames") does not.
            between = re.sub(r"^\s*that\b", "", text[m.end():rel_t])  # "confirmed that ..." is its complement
            before = m.start() < rel_t and not _RELATIVE.search(between)
            closing = m.start() > rel_t and len(text) - m.end() < 30
            if before or closing or status == "claimed" and "responsib" in m.group(0):
                return status, attr.source_names
    return ("reported", attr.source_names)


def _event_id(doc_id: str, s: Sentence, t: TriggerMatch, date: DateValue | None) -> str:
    key = f"{doc_id}|{s.start}|{t.start}|{date.iso() if date else ''}"
    return "e" + hashlib.sha256(key.encode()).hexdigest()[:16]


def _head(t: TriggerMatch) -> TriggerMatch:
    """Narrow a multi-word trigger to its event word: "militants attacked" -> "attacked",
    so the words around it stay available as arguments."""
    from dataclasses import replace

    raw = get_cues().raw
    for m in re.finditer(r"[A-Za-z][\w'-]*", t.text):
        w = m.group(0).lower()
        if w in raw["event_nouns"] or w.endswith("ed") or w in raw["past_irregular"]:
            if m.start() == 0 and m.end() == len(t.text):
                return t
            return replace(t, start=t.start + m.start(), end=t.start + m.end(), text=m.group(0))
    return t


def _commitment(ctx: DocContext, s: Sentence, t: TriggerMatch) -> TriggerMatch | None:
    """"X will support Y" -> AGREE (a promise); "X vowed to strike Y" -> THREATEN.  Else None."""
    from dataclasses import replace

    raw = get_cues().raw
    window = " ".join(_clause_before(s, t.start).split()[-int(raw["commitment_window"]):]).lower()
    if not _cue_res()[1].search(window):
        return None
    if re.search(r"\b(?:would|could|might|may|if|unless|plans?|contingency|scenario)\b", window):
        return None
    if t.plover_type in raw["commitment_cooperative"]:
        kind = "AGREE"
    elif t.plover_type in raw["commitment_hostile"]:
        kind = "THREATEN"
    else:
        return None
    return replace(t, event_type=None, sub_event_type=None, plover_type=kind, plover_mode=None, family="verbal")


def _interception_as_attack(s: Sentence, t: TriggerMatch) -> TriggerMatch:
    """"The army intercepted two drones": the event is the drone attack, with outcome intercepted."""
    from dataclasses import replace

    cues = get_cues()
    if t.plover_type != "ASSAULT" and cues.interception.fullmatch(t.text.lower()) and cues.weapons.search(s.text):
        return replace(t, event_type="Explosions/Remote violence", sub_event_type=None, plover_type="ASSAULT",
                       plover_mode=None, family="violent")
    return t


def _violent(t: TriggerMatch) -> bool:
    return t.plover_type == "ASSAULT"


_CLASH_CUE = re.compile(r"\bclash|\bfight(?:s|ing)?\b|\bfought\b|\bbattl|gunfight|firefight|exchange(?:d)? (?:of )?fire|"
                        r"skirmish|ambush|\bengag(?:ed|ement)|\bcombat\b", re.I)
_PROTEST_CUE = re.compile(r"protest|demonstrat|rall(?:y|ies)|march|crowd|riot|sit-in|tear gas|dispers", re.I)


def _refine_type(t: TriggerMatch, s: Sentence, actor1: Mention | None, weapon: str | None,
                 place=None) -> tuple[str | None, str | None]:
    """Sentence evidence sharpens the classifier's coding of an attack.

    The weapon named decides between the remote types (a drone is an air/drone
    strike); a state striking abroad with no ground fighting described does so
    from the air; a crowd-control coding needs a crowd in the sentence.
    Otherwise the classifier's coding stands.
    """
    et, sub = t.event_type, t.sub_event_type
    if et == "Protests" and not _PROTEST_CUE.search(s.text):
        et, sub = None, None  # "strike"/"hit" without any crowd in sight is not about protesters
    if t.plover_type != "ASSAULT":
        return et, sub
    # All weapons of the sentence count ("warplanes fired a missile" is an air strike).
    w = ((weapon or "") + " " + A.weapons_in(s)).lower().strip()
    remote = {None, "Attack", "Armed clash", "Shelling/artillery/missile attack", "Air/drone strike"}
    if sub in remote | {"Grenade", "Remote explosive/landmine/IED"} and w:
        for pattern, etype, stype in get_cues().raw["weapon_types"]:
            if re.search(pattern, w):
                return etype, stype
    one_sided = sub in (None, "Attack") or (sub == "Armed clash" and not _CLASH_CUE.search(s.text))
    abroad = actor1 is not None and place is not None and actor1.country and place.country_code \
        and actor1.country != place.country_code
    if one_sided and actor1 is not None and actor1.actor_type in A.STATE_TYPES and abroad:
        # A state striking targets abroad, with no ground fighting described, does so from the air.
        return "Explosions/Remote violence", "Air/drone strike"
    return et, sub


# Material-conflict PLOVER types: one sentence coding may unify them ("deployed a drone to strike").
_MATERIAL = {"ASSAULT", "COERCE", "PROTEST", "MOBILIZE"}


def _sentence_coding(s: Sentence) -> tuple[str | None, str | None, str | None]:
    """The benchmark-scored snippet classifier's ACLED coding of the whole sentence."""
    from tightrope.extract.classify import acled_names, classify_snippet

    code, _, plover = classify_snippet(s.text, allow_unseen=False)
    return (*acled_names(code), plover) if code != "OTHER" else (None, None, None)


def _build(ctx: DocContext, s: Sentence, t: TriggerMatch, coding=None) -> list[Event]:
    from dataclasses import replace

    if coding and coding[1] and t.event_type is not None and (
            coding[2] == t.plover_type or {coding[2], t.plover_type} <= _MATERIAL):
        # One sentence, one ACLED coding (as ACLED codes one event per report of an incident):
        # the sentence classifier weighs every cue together, and its PLOVER type follows.
        if not get_cues().interception.fullmatch(t.text.lower()):
            t = replace(t, event_type=coding[0], sub_event_type=coding[1])
    attr = A.attribution(ctx, s, t.start)
    origins = A.origin_mentions(ctx, s)
    actor1, actor2 = _link(ctx, s, t, attr, origins)
    weapon = A.find_weapon(s, t.start) if _violent(t) else None
    place_exclude = origins + ([actor1] if actor1 else [])
    place = A.pick_place(ctx, s, t.start, place_exclude)
    event_type, sub = _refine_type(t, s, actor1, weapon, place)
    a1, a1_id, assoc1 = _actor_fields(ctx, actor1)
    a2, a2_id, assoc2 = _actor_fields(ctx, actor2)
    status, sources = _claim(ctx, s, t, attr, actor1)
    hedged = bool(get_cues().hedges.search(s.text))
    out = []
    for date in _date_for(ctx, s, t):
        out.append(Event(
            event_id=_event_id(ctx.doc.doc_id, s, t, date), doc_id=ctx.doc.doc_id,
            provenance=Provenance(ctx.doc.doc_id, s.start, s.end, "rules:trigger", round(t.score, 3)),
            text=ctx.doc.text[s.start:s.end], event_type=event_type, sub_event_type=sub,
            plover_type=t.plover_type, plover_mode=t.plover_mode, date=date,
            actor1=a1, actor1_id=a1_id, assoc_actor_1=assoc1, actor2=a2, actor2_id=a2_id, assoc_actor_2=assoc2,
            origin_country=A.origin_country(ctx, origins) if _violent(t) else None,
            place=place, weapon=weapon,
            fatalities=A.find_fatalities(s) if _violent(t) else None,
            outcome=A.find_outcome(s) if _violent(t) else None,
            claim_status=status, attributed_to=sources, hedged=hedged, trigger=t.text,
        ))
    return out


def _concrete(ev: Event, t: TriggerMatch) -> bool:
    """An event worth coding names who acted or was hit; a violent one may instead give place or toll."""
    if t.family == "verbal" or ev.event_type is None:
        return ev.actor1 is not None and (ev.actor2 is not None or ev.plover_type in ("CONSULT", "MOBILIZE"))
    dated_here = ev.date is not None and ev.date.method.split(":")[0] in ("absolute", "relative")
    return (ev.actor1 is not None or ev.actor2 is not None or ev.fatalities is not None
            or ev.origin_country is not None or ev.place is not None or ev.weapon is not None or dated_here)


def _compatible(a: Event, b: Event) -> bool:
    def eq(x, y):
        return x is None or y is None or x == y

    same_kind = a.plover_type == b.plover_type or (a.sub_event_type is not None and a.sub_event_type == b.sub_event_type)
    return (same_kind and eq(a.actor1_id or a.actor1, b.actor1_id or b.actor1)
            and eq(a.actor2_id or a.actor2, b.actor2_id or b.actor2)
            and (a.date.iso() if a.date else None) == (b.date.iso() if b.date else None))


# When two triggers of one sentence code the same incident, the more material PLOVER type wins.
_PLOVER_RANK = {"ASSAULT": 0, "PROTEST": 1, "COERCE": 2, "MOBILIZE": 3, "SANCTION": 4}


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


def extract_events(ctx: DocContext) -> list[Event]:
    events: list[Event] = []
    for s in ctx.sentences:
        if s.is_header:
            continue
        found: list[Event] = []
        coding = None
        for t in find_triggers(s.text, offset=s.start):
            t = _interception_as_attack(s, _head(t))
            if is_negated(s, t) or ctx.in_quote(t.start):
                continue
            if is_irrealis(s, t):
                t = _commitment(ctx, s, t)  # a promise or threat is itself the (verbal) event
                if t is None:
                    continue
            elif not is_eventive(ctx, s, t):
                continue
            if coding is None and t.event_type is not None:
                coding = _sentence_coding(s)
            for ev in _build(ctx, s, t, coding):
                if not _concrete(ev, t):
                    continue
                for i, prev in enumerate(found):
                    if prev.event_id == ev.event_id or _compatible(prev, ev):
                        found[i] = _merge(prev, ev)
                        break
                else:
                    found.append(ev)
        events.extend(found)
    return events
