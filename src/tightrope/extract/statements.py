"""Statements: quotes with their speaker, role, organisation, type and target.

A statement is a run of quote-bearing sentences of one paragraph with one
speaker.  The speaker is found outside the quotes: a person or organisation
next to a reporting verb ("Al-Rawi said", "he said" -> last person); a
paragraph that is only a quote continues the speaker of the paragraph before
(the common "expert X said ... / new paragraph: full quote" layout).
"""

from __future__ import annotations

import hashlib
import re

from tightrope.extract.args import per_sentence, twin_of, lowered_text
from tightrope.extract.context import DocContext, Mention, Person, Sentence, fold
from tightrope.extract.cues import get_cues, statement_content_cues
from tightrope.models import DateValue, Provenance, Statement


@per_sentence
def _outside(ctx: DocContext, s: Sentence) -> str:
    """The sentence with quoted text blanked out (same length, offsets kept)."""
    text = s.text
    for a, b in ctx.quotes:
        lo, hi = max(a, s.start) - s.start, min(b, s.end) - s.start
        if lo < hi:
            text = text[:lo] + " " * (hi - lo) + text[hi:]
    return text


def _quotes_in(ctx: DocContext, a: int, b: int) -> list[tuple[int, int]]:
    return [(x, y) for x, y in ctx.quotes if x < b and a < y]


def _speaker(ctx: DocContext, sents: list[Sentence]) -> Mention | None:
    cues = get_cues()
    for s in sents:
        outside = _outside(ctx, s)
        cands = [m for m in s.mentions if not ctx.in_quote(m.start)]
        verbs = list(cues.speech.finditer(outside))
        people = [m for m in cands if m.kind == "person" or m.actor_type == "person"]
        if verbs:
            v = verbs[0]
            vpos = s.start + v.start()
            # Nearest person (else organisation) around the first reporting verb.
            pool = people or [m for m in cands if m.actor_type not in (None,)]
            if pool:
                return min(pool, key=lambda m: (abs((m.start if m.start >= vpos else m.end) - vpos)))
        if people:
            return people[0]
    return None


def _type(ctx: DocContext, sents: list[Sentence], quote_text: str) -> str | None:
    cues = get_cues()
    outside = " ".join(_outside(ctx, s) for s in sents)
    return _first_kind(cues.statement_types, outside) or _first_kind(statement_content_cues(), quote_text)


def _first_kind(kinds, text: str) -> str | None:
    """The first kind whose pattern is found in ``text``; case-insensitive patterns run as
    their lower-case twins where that is exact (args.twin_of)."""
    low = lowered_text(text)
    for kind, rx in kinds:
        twin = twin_of(rx) if low is not None else None
        if twin.search(low) if twin is not None else rx.search(text):
            return kind
    return None


def _target(ctx: DocContext, sents: list[Sentence], speaker: Mention | None) -> str | None:
    for s in sents:
        for m in s.mentions:
            if speaker is not None and (m.actor_id or m.name) == (speaker.actor_id or speaker.name):
                continue
            if m.kind == "person" or m.actor_type in ("person", "media"):
                continue
            return m.name
    return None


def _role_org(ctx: DocContext, speaker: Mention, date: DateValue | None) -> tuple[str | None, str | None]:
    person: Person | None = ctx.person(speaker.name)
    if person and (person.role or person.org):
        return person.role, person.org
    if speaker.actor_id:
        ro = ctx.kb.role_of(speaker.actor_id, date.iso() if date else None)
        if ro:
            role, org_id = ro
            org = ctx.kb.get(org_id) if org_id else None
            return role, org.name if org else None
        actor = ctx.kb.get(speaker.actor_id)
        if actor and actor.actor_type != "person":
            return None, actor.name
    return None, None


def _date(ctx: DocContext, sents: list[Sentence]) -> DateValue | None:
    for s in sents:
        if s.dates:
            return s.dates[0].value
    return ctx.doc.published


def _groups(ctx: DocContext) -> list[list[Sentence]]:
    """Quote-bearing sentences grouped: a quote running over several sentences is one group."""
    groups: list[list[Sentence]] = []
    for s in ctx.sentences:
        if s.is_header or not _quotes_in(ctx, s.start, s.end):
            continue
        prev = groups[-1][-1] if groups else None
        continued = prev is not None and prev.para == s.para and any(
            a < prev.end and b > s.start for a, b in ctx.quotes)
        if continued:
            groups[-1].append(s)
        else:
            groups.append([s])
    return groups


def extract_statements(ctx: DocContext) -> list[Statement]:
    out: list[Statement] = []
    last_speaker: Mention | None = None
    last_para = -1
    for sents in _groups(ctx):
        a, b = sents[0].start, sents[-1].end
        quotes = _quotes_in(ctx, a, b)
        quote_text = " ... ".join(ctx.doc.text[x + 1:y - 1].strip(" ,.") for x, y in quotes)
        if len(quote_text.split()) < 3:
            continue  # scare quotes around a word or two are not statements
        speaker = _speaker(ctx, sents)
        method = "rules:quote"
        only_quote = all(not _outside(ctx, s).strip(" ,.;:") for s in sents)
        if speaker is None and only_quote:
            # The person last named in the paragraph before introduces this quote.
            prev = [m for s in ctx.sentences if s.para == sents[0].para - 1 for m in s.mentions
                    if (m.kind == "person" or m.actor_type == "person") and not ctx.in_quote(m.start)]
            if prev:
                speaker, method = prev[-1], "rules:quote+carryover"
            elif last_speaker is not None and sents[0].para <= last_para + 1:
                speaker, method = last_speaker, "rules:quote+carryover"
        if speaker is None:
            continue
        date = _date(ctx, sents)
        role, org = _role_org(ctx, speaker, date)
        sid = "s" + hashlib.sha256(f"{ctx.doc.doc_id}|{a}|{b}".encode()).hexdigest()[:16]
        out.append(Statement(
            statement_id=sid, doc_id=ctx.doc.doc_id,
            provenance=Provenance(ctx.doc.doc_id, a, b, method, 0.8 if method == "rules:quote" else 0.6),
            text=ctx.doc.text[a:b], quote=quote_text, speaker=speaker.name, speaker_id=speaker.actor_id,
            speaker_role=role, speaker_org=org, statement_type=_type(ctx, sents, quote_text),
            target=_target(ctx, sents, speaker), date=date,
        ))
        last_speaker, last_para = speaker, sents[-1].para
    return out


def speaker_key(name: str) -> str:
    return fold(_LEADING_THE.sub("", name))


_LEADING_THE = re.compile(r"^(?:the)\s+", re.I)
