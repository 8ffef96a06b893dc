"""Discourse: anaphors resolved to the last salient entity, and sentence subjects.

Rules (deliberately simple, in reading order):

* "the group", "the coalition", "the faction" ... -> the last armed group or
  coalition mentioned (a "coalition" anaphor prefers a coalition);
* "the newspaper", "the agency" ... -> the last media actor;
* sentence-initial "It"/"They" and "its"/"their" -> the previous sentence's
  subject when that is an organisation or state;
* "he"/"she"/"his" -> the last person mentioned.

A sentence's subject is its first entity mention that is not inside a quote
and not governed by a preposition ("in Iraq" is not a subject).
"""

from __future__ import annotations

import re
from functools import lru_cache

from tightrope.extract.context import DocContext, Mention, Sentence
from tightrope.extract.cues import get_cues, phrase_regex

# "Iran-backed", "Iranian": mentions that modify a noun rather than name the actor of the clause.
MODIFIER_METHODS = ("adjectival", "demonym")
GROUP_TYPES = {"armed_group", "coalition", "party", "organisation"}
ORG_TYPES = GROUP_TYPES | {"state", "state_force", "government_body", "igo", "media", "think_tank"}
_PREPS = {"in", "from", "of", "to", "with", "against", "on", "at", "into", "toward", "towards", "by", "for",
          "about", "over", "near", "across", "within", "between", "through"}


@lru_cache(maxsize=1)
def _anaphor_res() -> dict[str, re.Pattern[str]]:
    cues = get_cues()
    return {kind: phrase_regex(cues.anaphors(kind)) for kind in ("group", "media", "pronoun", "person")}


@lru_cache(maxsize=1)
def _speaker_before_re() -> re.Pattern[str]:
    """A speech verb right before a pronoun ("said it"), compiled once (kB-long cue pattern)."""
    return re.compile(rf"(?:{get_cues().speech.pattern})\s+(?:(?:on|in|late|early)\s+\w+\s+)?"
                      rf"(?:that\s+)?$")


def _prev_word(text: str, pos: int) -> str:
    m = re.search(r"([A-Za-z]+)[^A-Za-z]*$", text[:pos])
    return m.group(1).lower() if m else ""


def _governed(s: Sentence, m: Mention) -> bool:
    return _prev_word(s.text, m.start - s.start) in _PREPS


def _copy(m: Mention, start: int, end: int, text: str) -> Mention:
    return Mention(start, end, text, "anaphor", m.name, m.actor_id, m.actor_type, m.country, m.place,
                   method="anaphor")


def resolve_discourse(ctx: DocContext) -> None:
    res = _anaphor_res()
    last_group: Mention | None = None
    last_coalition: Mention | None = None
    last_media: Mention | None = None
    last_person: Mention | None = None
    prev_subject: Mention | None = None
    for s in ctx.sentences:
        taken = [(m.start, m.end) for m in s.mentions]
        new: list[Mention] = []

        def free(a: int, b: int) -> bool:
            return not any(x < b and a < y for x, y in taken)

        for kind, rx in res.items():
            for m in rx.finditer(s.text):
                a, b = s.start + m.start(), s.start + m.end()
                if not free(a, b):
                    continue
                word = m.group(0)
                target = None
                if kind == "group":
                    target = (last_coalition if "coalition" in word.lower() or "alliance" in word.lower()
                              else None) or last_group
                elif kind == "media":
                    target = last_media
                elif kind == "person":
                    before = [x for x in s.mentions if x.end <= a and (x.kind == "person" or x.actor_type == "person")]
                    target = before[-1] if before else last_person
                elif kind == "pronoun":
                    sentence_initial = m.start() == 0 or s.text[:m.start()].strip() in ("", "And", "But")
                    if word.lower() in ("its", "their"):
                        before = [x for x in s.mentions if x.end <= a and x.actor_type in ORG_TYPES
                                  and not _governed(s, x) and not ctx.in_quote(x.start)]
                        target = before[0] if before else (
                            prev_subject if prev_subject and prev_subject.actor_type in ORG_TYPES else None)
                    elif sentence_initial and word[0].isupper():
                        target = prev_subject if prev_subject and prev_subject.actor_type in ORG_TYPES else None
                    else:
                        # "The group said it launched ...": the pronoun is the speaker.
                        sp = _speaker_before_re().search(s.text[:m.start()])
                        if sp:
                            before = [x for x in s.mentions if x.end <= s.start + sp.start()
                                      and x.actor_type in ORG_TYPES and not ctx.in_quote(x.start)
                                      and x.method not in MODIFIER_METHODS]
                            target = before[-1] if before else None
                if target is not None:
                    new.append(_copy(target, a, b, word))
                    taken.append((a, b))
        s.mentions = sorted(s.mentions + new, key=lambda x: x.start)
        # Subject, then salience updates in reading order.
        subject = None
        for m in s.mentions:
            if ctx.in_quote(m.start) or _governed(s, m) or m.method in MODIFIER_METHODS:
                continue
            subject = m
            break
        s.subject = subject
        for m in s.mentions:
            if ctx.in_quote(m.start):
                continue
            if m.kind == "person" or m.actor_type == "person":
                last_person = m
            elif m.actor_type == "coalition":
                last_coalition = m
                last_group = m
            elif m.actor_type in ("armed_group",):
                last_group = m
            elif m.actor_type == "media":
                last_media = m
        if subject is not None and not s.is_header:
            prev_subject = subject
