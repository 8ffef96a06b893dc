"""Reported statistics: counts the article quotes, with subject, period, origin, target and source.

Two shapes cover most reporting:

* a number before a count noun: "65 drone attacks", "approximately five daily
  launches" (a rate word makes the unit "per day");
* a number with its own period in a list: "from six in August to 31 in
  September, and 90 in October" (the subject is the count noun named earlier
  in the sentence: "a sharp increase in attacks").

Origin ("originating from Iraq"), target ("on Israel") and source ("according
to Haaretz", "the newspaper highlighted", "a report by X revealed") come from
the sentence, else carry over from the previous statistic nearby: the second
sentence of a running tally rarely repeats who is counting.
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import re
from functools import lru_cache

from tightrope.extract import args as A
from tightrope.extract.context import DocContext, Sentence
from tightrope.extract.cues import get_cues
from tightrope.extract.numbers import NumberMention
from tightrope.models import Provenance, Statistic

# A tally carries its origin and source over at most this many sentences.
_CARRY_SENTENCES = 2


def _period(value_date, precision: str, pub) -> tuple[dt.date | None, dt.date | None]:
    d = value_date
    if precision == "month":
        return d, d.replace(day=calendar.monthrange(d.year, d.month)[1])
    if precision == "year":
        return d, dt.date(d.year, 12, 31)
    if precision == "week":
        return d, d + dt.timedelta(days=6)
    return d, d


@lru_cache(maxsize=1)
def _number_res() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """What follows a number (count noun, compound, victims), compiled once from the cue lexicons."""
    cues = get_cues()
    return (re.compile(r"\s+((?:[\w-]+\s+){0,2}?)((?:" + cues.count_nouns.pattern + r"))", re.I),
            re.compile(r"\s+(" + cues.count_nouns.pattern + r")", re.I),
            re.compile(r"\s+(?:of\s+(?:its|their|the)\s+)?(?:" + cues.victims.pattern + ")", re.I))


def _subject_after(text: str, rel_end: int) -> tuple[str | None, str | None, int]:
    """(subject noun phrase, rate unit, end) right after a number: "drone attacks", "daily launches"."""
    cues = get_cues()
    subject_rx, compound_rx, _ = _number_res()
    m = subject_rx.match(text[rel_end:])
    if not m:
        return None, None, rel_end
    mods = m.group(1).split()
    head = m.group(2)
    end = m.end()
    # Compounds of count nouns: "drone attacks", "missile strikes".
    nxt = compound_rx.match(text[rel_end + end:])
    if nxt:
        mods, head, end = mods + [head], nxt.group(1), end + nxt.end()
    unit = None
    kept = []
    for w in mods:
        u = cues.rate_unit(w)
        if u:
            unit = u
        else:
            kept.append(w)
    subject = " ".join(kept + [singular(head)]).strip()
    if any(w.lower() in {"of", "the", "in", "and", "to"} for w in kept):
        return None, None, rel_end
    return subject, unit, rel_end + end


_ES_PLURAL = re.compile(r"(?:ch|sh|ss|x)es$", re.I)
_TARGET_BEFORE = re.compile(r"\b(?:on|against|at|targeting|hit)\s+(?:the\s+)?$")
_IN_PERIOD = re.compile(r"\s+(?:in|during)\s+")
_SINCE = re.compile(r"\bsince\b", re.I)


def singular(word: str) -> str:
    """Subjects are stored in the singular: "attacks" -> "attack", "launches" -> "launch"."""
    w = word
    if _ES_PLURAL.search(w):
        return w[:-2]
    if w.lower().endswith("s") and not w.lower().endswith("ss"):
        return w[:-1]
    return w


def _sentence_source(ctx: DocContext, s: Sentence) -> str | None:
    attr = A.attribution(ctx, s, s.end)
    return attr.source_names[0] if attr.source_names else None


def _origin(ctx: DocContext, s: Sentence) -> str | None:
    return A.origin_country(ctx, A.origin_mentions(ctx, s))


def _target(s: Sentence, after: int) -> str | None:
    for m in s.mentions:
        if m.start >= after and _TARGET_BEFORE.search(s.text[:m.start - s.start]):
            return m.name
    return None


def extract_stats(ctx: DocContext) -> list[Statistic]:
    out: list[Statistic] = []
    carry: dict[str, object] = {}
    carry_at = -10
    pub = ctx.doc.published
    for s in ctx.sentences:
        if s.is_header:
            continue
        sentence_subject = None
        first_noun = A.cue_spans("count_nouns", s)[:1]  # the leftmost match, as .search() gives
        if first_noun:
            sentence_subject = singular(s.text[first_noun[0][0]:first_noun[0][1]])
        elif s.index - carry_at <= _CARRY_SENTENCES:
            sentence_subject = carry.get("subject")  # "a rise from four in November to 12 in December"
        # Speed: with no count noun in the sentence no number has one after it (_subject_after's
        # pattern holds count_nouns after a blank), and a number with a date after it needs a
        # subject: then the sentence has no statistic, and its numbers need not be found.
        if not first_noun and (sentence_subject is None or not s.dates):
            continue
        nums: list[NumberMention] = [n for n in A.numbers_in(s) if not n.vague and not ctx.in_quote(n.start)]
        if not nums:
            continue
        date_spans = [(d.start, d.end) for d in s.dates]
        nums = [n for n in nums if not any(a <= n.start < b for a, b in date_spans)]
        if not nums:
            continue
        found: list[Statistic] = []
        for n in nums:
            rel_end = n.end - s.start
            subject, unit, _ = _subject_after(s.text, rel_end)
            period_date = None
            if subject is None:
                # "six in August": the number owns the date right after it.
                m = _IN_PERIOD.match(s.text[rel_end:])
                if not m:
                    continue
                d = next((d for d in s.dates if d.start == n.end + m.end()), None)
                if d is None or d.value.precision not in ("month", "week", "day", "year"):
                    continue
                subject, period_date = sentence_subject, d.value
                if subject is None:
                    continue
            if _number_res()[2].match(s.text[rel_end:]):
                continue  # casualties belong to events, not tallies
            if period_date is None:
                since = next((d for d in s.dates if not d.kind == "anchor"), None)
                period_date = since.value if since else None
            p0, p1 = _period(period_date.date, period_date.precision, pub) if period_date else (None, None)
            if p1 is not None and pub is not None and _SINCE.search(s.text):
                p1 = max(p1, pub.date)  # "since early November": up to the report
            found.append(Statistic(
                stat_id="", doc_id=ctx.doc.doc_id,
                provenance=Provenance(ctx.doc.doc_id, s.start, s.end, "rules:count", 0.75),
                text=ctx.doc.text[s.start:s.end], value=n.value, subject=subject,
                origin=_origin(ctx, s), target=_target(s, n.start), unit=unit or "count",
                approximate=n.approximate, period_start=p0, period_end=p1, source=_sentence_source(ctx, s),
            ))
        if not found:
            continue
        near = s.index - carry_at <= _CARRY_SENTENCES
        fixed = []
        for st in found:
            changes = {}
            for f in ("origin", "source", "target"):
                if getattr(st, f) is None and near and carry.get(f):
                    changes[f] = carry[f]
            key = f"{st.doc_id}|{s.start}|{st.value}|{st.period_start}|{st.subject}"
            changes["stat_id"] = "st" + hashlib.sha256(key.encode()).hexdigest()[:16]
            from tightrope.models import replace

            fixed.append(replace(st, **changes))
        out.extend(fixed)
        for f in ("origin", "source", "target", "subject"):
            vals = [getattr(x, f) for x in fixed if getattr(x, f)]
            if vals:
                carry[f] = vals[0]
        carry_at = s.index
    return out
