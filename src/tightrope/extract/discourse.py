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

import bisect
import re
from functools import lru_cache

from tightrope.extract.context import DocContext, Mention, _mention
from tightrope.extract.cues import get_cues, phrase_regex
from tightrope.extract.nlp import lowered, phrase_trie

# "Iran-backed", "Iranian": mentions that modify a noun rather than name the actor of the clause.
MODIFIER_METHODS = ("adjectival", "demonym")
GROUP_TYPES = {"armed_group", "coalition", "party", "organisation"}
ORG_TYPES = GROUP_TYPES | {"state", "state_force", "government_body", "igo", "media", "think_tank"}
_PREPS = {"in", "from", "of", "to", "with", "against", "on", "at", "into", "toward", "towards", "by", "for",
          "about", "over", "near", "across", "within", "between", "through"}


_KINDS = ("group", "media", "pronoun", "person")


@lru_cache(maxsize=2)
def _anaphor_res(lower: bool) -> dict[str, tuple[re.Pattern[str], ...]]:
    """Anaphor phrases by kind, as patterns whose matches together are what the kind's cue
    pattern finds.  For the lowered text (``lower``): one pattern per word for one-word
    phrases ("it", "he"), which re finds by their letters (whole words cannot overlap, so
    the union is the alternation's matches); a trie (nlp.phrase_trie) for the others."""
    cues = get_cues()
    out = {}
    for kind in _KINDS:
        phrases = cues.anaphors(kind)
        if not lower:
            out[kind] = (phrase_regex(phrases),)
        elif all(" " not in p.strip() and p == p.strip() for p in phrases):
            out[kind] = tuple(re.compile(rf"{re.escape(w)}(?<![\w-]{re.escape(w)})(?![\w-])")
                              for w in sorted({p.lower() for p in phrases}))
        else:
            out[kind] = (re.compile(phrase_trie(phrases)),)
    return out


def _spans(rxs: tuple[re.Pattern[str], ...], text: str) -> list[tuple[int, int]]:
    if len(rxs) == 1:
        return [m.span() for m in rxs[0].finditer(text)]
    return sorted(m.span() for rx in rxs for m in rx.finditer(text))


@lru_cache(maxsize=1)
def _speaker_before_re() -> re.Pattern[str]:
    """A speech verb right before a pronoun ("said it"), compiled once (the verbs as a trie)."""
    verbs = phrase_trie(get_cues().raw["speech_verbs"], case_sensitive=True)
    return re.compile(rf"(?:{verbs})\s+(?:(?:on|in|late|early)\s+\w+\s+)?(?:that\s+)?$")


# A mention is governed by a preposition when the last word (letters) before it in its
# sentence is one.  That word is read forwards on the reversed text: a search of
# text[:pos] for the last word ran from the sentence's start for every mention.
_REV_WORD = re.compile(r"[^A-Za-z]*([A-Za-z]+)")
_PREPS_REV = frozenset(p[::-1] for p in _PREPS)


def _anaphor_matches(ctx: DocContext, low: str | None) -> list[list[tuple[str, int, int]]]:
    """(kind, start, end) of the anaphor phrases in each sentence, kinds in _KINDS order and
    each kind's in text order: what each kind's pattern finds on the sentence alone.

    With the lowered text, each kind's trie runs once over the whole document; that equals
    the sentence-alone search in a sentence with a blank (or the text's edge) on both sides
    that no match runs into or out of (the patterns look one character around a phrase).
    Other sentences are searched alone."""
    sentences = ctx.sentences
    res = _anaphor_res(low is not None)
    if low is None:
        return [[(kind, s.start + a, s.start + b) for kind, rxs in res.items() for a, b in _spans(rxs, s.text)]
                for s in sentences]
    text = ctx.doc.text
    n = len(text)
    starts = [s.start for s in sentences]
    alone = {i for i, s in enumerate(sentences)
             if not ((s.start == 0 or text[s.start - 1].isspace()) and (s.end == n or text[s.end].isspace()))}
    per: list[list[tuple[str, int, int]]] = [[] for _ in sentences]
    for kind, rxs in res.items():
        for a, b in _spans(rxs, low):
            i = bisect.bisect_right(starts, a) - 1
            if i < 0 or a >= sentences[i].end:
                continue  # not inside a sentence (cannot happen: phrases start with a letter)
            if b > sentences[i].end:  # runs out of its sentence
                alone.update(range(i, bisect.bisect_left(starts, b)))
                continue
            per[i].append((kind, a, b))
    for i in alone:
        s = sentences[i]
        sl = low[s.start:s.end]
        per[i] = [(kind, s.start + a, s.start + b) for kind, rxs in res.items() for a, b in _spans(rxs, sl)]
    return per


def _copy(m: Mention, start: int, end: int, text: str) -> Mention:
    return _mention(start, end, text, "anaphor", m.name, m.actor_id, m.actor_type, m.country, m.place,
                    method="anaphor")


def _quote_test(quotes: list[tuple[int, int]]):
    """DocContext.in_quote for these quotes (sorted, not overlapping: find_quotes' matches), on
    a list of their starts: no (pos, 10**12) tuple and tuple comparisons per call."""
    starts = [a for a, _ in quotes]
    ends = [b for _, b in quotes]
    bisect_right = bisect.bisect_right

    def in_quote(pos: int) -> bool:
        i = bisect_right(starts, pos) - 1
        return i >= 0 and pos < ends[i]

    return in_quote


def resolve_discourse(ctx: DocContext, low: str | None = None) -> None:
    """``low``: nlp.lowered(ctx.doc.text), when the caller has it."""
    if low is None:
        low = lowered(ctx.doc.text)
    text = ctx.doc.text
    n = len(text)
    rev = text[::-1]
    in_quote = _quote_test(ctx.quotes)
    last_group: Mention | None = None
    last_coalition: Mention | None = None
    last_media: Mention | None = None
    last_person: Mention | None = None
    prev_subject: Mention | None = None
    for s, found in zip(ctx.sentences, _anaphor_matches(ctx, low)):
        governed: dict[int, bool] = {}

        def is_governed(x: Mention) -> bool:
            # _governed(s, x): the word before the mention, within the sentence, is a preposition.
            g = governed.get(x.start)
            if g is None:
                w = _REV_WORD.match(rev, n - x.start, n - s.start)
                g = governed[x.start] = w is not None and w.group(1).lower() in _PREPS_REV
            return g

        new: list[Mention] = []
        if found:
            taken = [(m.start, m.end) for m in s.mentions]
            for kind, a, b in found:
                clash = False
                for x, y in taken:  # a mention or an earlier anaphor there (a loop: any() costs more)
                    if x < b and a < y:
                        clash = True
                        break
                if clash:
                    continue
                word = text[a:b]
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
                    local = a - s.start
                    sentence_initial = local == 0 or s.text[:local].strip() in ("", "And", "But")
                    if word.lower() in ("its", "their"):
                        before = [x for x in s.mentions if x.end <= a and x.actor_type in ORG_TYPES
                                  and not is_governed(x) and not in_quote(x.start)]
                        target = before[0] if before else (
                            prev_subject if prev_subject and prev_subject.actor_type in ORG_TYPES else None)
                    elif sentence_initial and word[0].isupper():
                        target = prev_subject if prev_subject and prev_subject.actor_type in ORG_TYPES else None
                    else:
                        # "The group said it launched ...": the pronoun is the speaker.
                        sp = _speaker_before_re().search(s.text, 0, local)  # as on s.text[:local], no copy
                        if sp:
                            before = [x for x in s.mentions if x.end <= s.start + sp.start()
                                      and x.actor_type in ORG_TYPES and not in_quote(x.start)
                                      and x.method not in MODIFIER_METHODS]
                            target = before[-1] if before else None
                if target is not None:
                    new.append(_copy(target, a, b, word))
                    taken.append((a, b))
        if new:
            s.mentions = sorted(s.mentions + new, key=lambda x: x.start)
        # Subject, then salience updates in reading order.
        subject = None
        quoted = [in_quote(m.start) for m in s.mentions]
        for m, q in zip(s.mentions, quoted):
            if q or is_governed(m) or m.method in MODIFIER_METHODS:
                continue
            subject = m
            break
        s.subject = subject
        for m, q in zip(s.mentions, quoted):
            if q:
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
