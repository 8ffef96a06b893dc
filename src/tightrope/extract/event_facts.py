"""Per-sentence facts for event extraction (extract.events), each computed at most once.

Most of what a trigger asks depends on its sentence alone (which cue words it holds, its
clause breaks, dates, origins, a mention's neighbourhood), and a sentence with events has
~1.7 of them: SentenceFacts answers each question once, lazily, and asks the argument
finders that take a trigger position (args) again only when their answer can differ.
Cue lexicons are indexed by word once, so sentences without a cue's words skip its regex.
"""

from __future__ import annotations

import datetime as _dt
import re
from bisect import bisect_left, bisect_right
from functools import lru_cache
from types import SimpleNamespace

from tightrope.extract import args as A
from tightrope.extract.args_fatalities import find_fatalities
from tightrope.extract.context import DocContext, Mention, Sentence
from tightrope.extract.cues import get_cues
from tightrope.extract.events_cues import _INDEXES, _MAY_TABLE, _may_table, as_trie, claim_tries, cue_index
from tightrope.extract.nlp import CASE_ODD
from tightrope.models import DateValue

_CLAUSE_BREAK = re.compile(r"[;:]|\b(?:while|but|whereas|which|when|after|because|although)\b", re.I)
_CLAUSE_WORDS = frozenset({"while", "but", "whereas", "which", "when", "after", "because", "although"})
RELATIVE = re.compile(r"\b(?:that|which|who|whose|where|when)\b", re.I)
RELATIVE_WORDS = frozenset({"that", "which", "who", "whose", "where", "when"})
_TOKEN = re.compile(r"\w+")
# ASCII text (as bytes): every non-word character -> a space, so split() gives _TOKEN's runs
# (in C; a bytes table is twice as fast as str.translate's dict).
_NON_WORD = bytes(c if chr(c).isascii() and (chr(c).isalnum() or c == 95) else 32 for c in range(256))
WORDCHAR = re.compile(r"\w")
# Read backwards from a position (on the reversed text before it): the last word, its ASCII-letter end.
_LAST_RUN = re.compile(r"\W*(\w+)")
LAST_ALPHA = re.compile(r"\W*([A-Za-z]+)")
_HARMED_AFTER = re.compile(r"^\W*(?:\w+\s+){0,2}(?:were|was|had been|have been|got)\s+(?:\w+ly\s+)?"
                           r"(?:killed|wounded|injured|hurt|slain|shot|kidnapped|abducted|targeted|hit)\b", re.I)
_HARMING_BEFORE = re.compile(r"\b(?:killing|killed|wounding|wounded|injuring|injured|targeting|targeted|hitting|"
                             r"attacking|attacked|kidnapping|abducting|kills|kill)\s+(?:at least\s+|some\s+|"
                             r"about\s+)?(?:[\w-]+\s+){0,3}$", re.I)
_TROOPS = re.compile(r"(?:\w+\s+)?(?:soldiers|troops|forces|civilians)\b", re.I)
_LEADING_ING = re.compile(r"\W*(?:\w+ly\s+)?\w+ing\b")
_JOINED = re.compile(r"\s*(?:,|and|,\s*and|or)\s*")
_LOC_PREPS = {"in", "at", "inside", "across", "near", "within", "into", "throughout", "over"}
_NO_SOURCES = A.Attribution((), ())
_OWNER_PRONOUN = re.compile(r"\b(?:its|their)\s+(?:own\s+)?", re.I)


@lru_cache(maxsize=1)
def lexicon() -> SimpleNamespace:
    """cues.yaml word lists as sets, its patterns compiled and indexed, once (not per trigger)."""
    cues = get_cues()
    raw = cues.raw
    aspect = raw["aspect_verbs"]
    return SimpleNamespace(
        cues=cues, event_nouns=frozenset(raw["event_nouns"]), past_irregular=frozenset(raw["past_irregular"]),
        ing_blockers=frozenset(raw["ing_blockers"]), cooperative=frozenset(raw["commitment_cooperative"]),
        hostile=frozenset(raw["commitment_hostile"]), commitment_window=int(raw["commitment_window"]),
        negation_window=cues.negation_window, irrealis_window=cues.irrealis_window,
        # r"\b(?:aspect verb)\s+to\s*$" ("continued to send"), read backwards.
        aspect_back=re.compile(r"\s*ot\s+(?:" + "|".join(re.escape(w[::-1]) for w in aspect) + r")\b"),
        aspect=cue_index(w + " to" for w in aspect),
        commitment=re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(w) for w in raw["commitment"]) + r")(?![\w-])"),
        weapon_types=tuple((re.compile(p), et, st) for p, et, st in raw["weapon_types"]),
        weapons=cue_index(raw["weapons"]), hedges=cue_index(raw["hedges"]),
        interception=cue_index(raw["interception"]), killed=cue_index(raw["killed_verbs"]),
        speech=cue_index(raw["speech_verbs"]), sources=cue_index(raw["source_phrases"]),
        negation=cue_index(raw["negation"]), irrealis=cue_index(raw["irrealis"]),
        claims=tuple(cue_index(v) for v in raw["claim_status"].values()),  # in cues.claim's order
        claim_tries=claim_tries(cues),
        negation_rx=as_trie(cues.negation), irrealis_rx=as_trie(cues.irrealis),
        victim_only=frozenset(raw.get("victim_only_actors") or ()),
        protest_crowd=dict(raw.get("protest_crowd") or {}),
        # "these attacks", "any future drone attacks": a determiner and up to two words before the trigger
        nonspecific=re.compile(r"\b(?:" + "|".join(map(re.escape, raw["nonspecific_determiners"]))
                               + r")\s+(?:[\w-]+\s+){0,2}$", re.I),
        # "committed widespread rape": a perpetration verb and up to two words before the trigger
        perpetrated=re.compile(r"\b(?:" + "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in raw["perpetration_verbs"])
                               + r")\s+(?:[\w-]+\s+){0,2}$", re.I),
    )


class _lazy:
    """functools.cached_property without the lock it takes on every first access (Python 3.11)."""

    def __init__(self, fn):
        self.fn, self.name = fn, fn.__name__

    def __get__(self, obj, owner=None):
        value = obj.__dict__[self.name] = self.fn(obj)
        return value


class SentenceFacts:
    """What the triggers of one sentence ask about it, each answered at most once.

    Built per sentence inside one extract_events call, so nothing outlives its document.
    Positions are document offsets, rel ones offsets in the sentence.
    """

    def __init__(self, ctx: DocContext, s: Sentence, date_limit: _dt.date):
        self.ctx, self.s, self.text, self.date_limit = ctx, s, s.text, date_limit
        self.may_of: dict[int, bool] = {}  # by id of a lexicon() cue index (they live as long as the process)
        self.governed_of: dict[int, bool] = {}
        self.victims_of: dict[int, bool] = {}
        self.armed_of: dict[int, bool] = {}
        self.fields_of: dict[int, tuple] = {}
        self.attr_of: dict[int, A.Attribution] = {}
        self.weapon_of: dict[int, str | None] = {}
        self.place_of: dict[tuple, object] = {}
        self.wtype_of: dict[str, tuple | None] = {}

    # -- which words the sentence holds --------------------------------------------------------
    @_lazy
    def lower(self) -> str:
        return self.text.lower()

    @_lazy
    def words(self) -> frozenset[str] | None:
        """Its lower-cased words; None when odd letters make lower() differ from IGNORECASE."""
        low = self.lower
        if self.text.isascii():  # (not low: "\u212a".lower() is "k")
            return frozenset(low.encode().translate(_NON_WORD).decode().split())
        return None if CASE_ODD.search(self.text) else frozenset(_TOKEN.findall(low))

    @_lazy
    def may_bits(self) -> int:
        """Bit i set: may(i-th cue_index) (all set when the words are unknown)."""
        words = self.words
        if words is None:
            return -1
        _, _, single, longer = _MAY_TABLE  # (current: may builds it)
        got = 0
        for w in words:
            b = single.get(w)
            if b is not None:
                got |= b
            groups = longer.get(w)
            if groups is not None:
                for bit, ws in groups:
                    if not got & bit and ws <= words:
                        got |= bit
        return got

    def may(self, index: tuple | None) -> bool:
        """Can a cue of this cue_index match in the sentence?  False: surely not."""
        bit = (_MAY_TABLE if _MAY_TABLE[0] == len(_INDEXES) else _may_table())[1].get(id(index))
        if bit is not None:
            return self.may_bits & bit != 0
        got = self.may_of.get(id(index))
        if got is None:
            words = self.words
            if index is None or words is None:
                return True
            singles, firsts, longer = index
            got = self.may_of[id(index)] = not singles.isdisjoint(words) or any(
                ws <= words for w in firsts.intersection(words) for ws in longer[w])
        return got

    def word_spans(self, vocab: frozenset[str], rx: re.Pattern[str]) -> list[tuple[int, int]]:
        r"""Rel spans of the whole words from vocab, any case: rx = r"\b(?:vocab)\b", re.I."""
        text, words = self.text, self.words
        if words is None:
            return [m.span() for m in rx.finditer(text)]
        low, out = self.lower, []
        for w in vocab & words:
            p = low.find(w)
            while p >= 0:
                e = p + len(w)
                if (p == 0 or not WORDCHAR.match(text, p - 1)) and not WORDCHAR.match(text, e):
                    out.append((p, e))
                p = low.find(w, p + 1)
        out.sort()
        return out

    def last_word(self, rel: int, rx: re.Pattern[str] = _LAST_RUN) -> tuple[int, str] | None:
        r"""search(r"(\w+)\W*$", text[:rel]) as (start, word); with LAST_ALPHA, r"([A-Za-z]+)\W*$"."""
        m = rx.match(self.text[rel - 1::-1]) if rel > 0 else None
        return (rel - m.end(1), m.group(1)[::-1]) if m else None

    def ends_with(self, rel: int, back: re.Pattern[str], index: dict | None) -> bool:
        """Does text[:rel] end with a match of the pattern `back` reads backwards?"""
        text = self.text
        cut = rel < len(text) and WORDCHAR.match(text, rel) and WORDCHAR.match(text, rel - 1)  # mid-word
        return rel > 0 and (cut or self.may(index)) and back.match(text[rel - 1::-1]) is not None

    def has(self, parts: tuple[str, ...], rx: re.Pattern[str]) -> bool:
        """rx.search(text), where each match holds one of parts (lower-case)."""
        low = self.lower
        return (self.words is None or any(p in low for p in parts)) and rx.search(self.text) is not None

    # -- clauses --------------------------------------------------------------------------
    @_lazy
    def clause_ends(self) -> list[int]:
        text, ends = self.text, [e for _, e in self.word_spans(_CLAUSE_WORDS, _CLAUSE_BREAK)]
        for ch in ";:":
            p = text.find(ch)
            while p >= 0:
                ends.append(p + 1)
                p = text.find(ch, p + 1)
        ends.sort()
        return ends

    def clause_start(self, rel: int, whole: bool) -> int:
        """Where the clause of text[:rel] begins: after its last clause break (_CLAUSE_BREAK)."""
        if not whole:  # rel inside a word: a break word may end there only in the cut text
            return rel - len(_CLAUSE_BREAK.split(self.text[:rel])[-1])
        ends = self.clause_ends
        i = bisect_right(ends, rel)
        return ends[i - 1] if i else 0

    @_lazy
    def relatives(self) -> tuple[list[int], list[int]]:
        spans = self.word_spans(RELATIVE_WORDS, RELATIVE)
        return [self.s.start + a for a, _ in spans], [self.s.start + b for _, b in spans]

    def same_clause(self, a: int, b: int) -> bool:
        """No relative clause boundary between positions a < b (RELATIVE over the text a..b)."""
        if a >= b:
            return True
        text, s0 = self.text, self.s.start
        ra, rb = a - s0, b - s0
        if ra < 0 or rb > len(text) or (ra > 0 and WORDCHAR.match(text, ra - 1) and WORDCHAR.match(text, ra)) \
                or (rb < len(text) and WORDCHAR.match(text, rb - 1) and WORDCHAR.match(text, rb)):
            return not RELATIVE.search(self.ctx.doc.text[a:b])  # a cut word: only the cut text tells
        starts, ends = self.relatives
        i = bisect_left(starts, a)
        return not (i < len(starts) and ends[i] <= b)

    # -- cues of the whole sentence -------------------------------------------------------
    @_lazy
    def weapon_starts(self) -> list[int]:
        if not self.may(lexicon().weapons):
            return []
        # The one weapon scan of the sentence (args.weapon_hits: cues.weapons, twin where exact).
        return [pos for pos, _, _ in A.weapon_hits(self.s)]

    @_lazy
    def weapons_in(self) -> str:
        return A.weapons_in(self.s) if self.weapon_starts else ""  # every weapon word, joined

    @_lazy
    def hedged(self) -> bool:
        return self.may(lexicon().hedges) and A.search_cue(lexicon().cues.hedges, self.s) is not None

    @_lazy
    def leading(self) -> bool:
        return _LEADING_ING.match(self.text) is not None

    @_lazy
    def interceptor(self) -> Mention | None:
        icp = self.may(lexicon().interception) and A.search_cue(lexicon().cues.interception, self.s)
        if not icp:
            return None
        pre = [m for m in self.s.mentions if m.end <= self.s.start + icp[0]]
        return pre[-1] if pre else None

    @_lazy
    def claims(self) -> list[tuple[str, int, int, bool]]:
        text = self.text
        return [(status, m.start(), m.end(), "responsib" in text[m.start():m.end()])
                for (status, rx), index in zip(lexicon().claim_tries, lexicon().claims) if self.may(index)
                for m in rx.finditer(text)]

    # -- arguments ------------------------------------------------------------------------
    @_lazy
    def origins(self) -> list[Mention]:
        # args.origin_mentions: mentions introduced by "from".
        return A.origin_mentions(self.ctx, self.s) if "from" in self.lower else []

    @_lazy
    def origin_spans(self) -> set[tuple[int, int]]:
        return {(m.start, m.end) for m in self.origins}

    @_lazy
    def origin_country(self) -> str | None:
        return A.origin_country(self.ctx, self.origins)

    @_lazy
    def fatalities(self) -> int | None:
        return find_fatalities(self.s) if self.may(lexicon().killed) else None  # deaths need a killed-verb

    @_lazy
    def outcome(self) -> str | None:
        return A.find_outcome(self.s) if self.may(lexicon().interception) else None  # "intercepted"

    @_lazy
    def base_cands(self) -> list[Mention]:
        # Sponsor adjectives ("Iran-backed militias") name who backs the actor, not the actor.
        return [m for m in self.s.mentions if m.actor_type != "media" and m.method != "adjectival"]

    @_lazy
    def cands(self) -> list[Mention]:
        """base_cands that are no origin (events._link's candidates when no source is excluded)."""
        return [m for m in self.base_cands if (m.start, m.end) not in self.origin_spans]

    @_lazy
    def speech_ends(self) -> list[int]:
        if not self.may(lexicon().speech):
            return []
        return [self.s.start + e for _, e in A.speech_spans(self.s)]

    def attribution(self, start: int) -> A.Attribution:
        # Only the reporting verbs ending by the trigger count (args.attribution), and a closing
        # one (", police said.") for triggers before its comma: triggers alike in both share one answer.
        before = bisect_right(self.speech_ends, start)
        closing = self.closing_comma
        key = (before, closing is not None and start < closing)
        if key == (0, False) and not self.may(lexicon().sources):
            return _NO_SOURCES  # no reporting verb before it or closing, no "according to"
        got = self.attr_of.get(key)
        if got is None:
            got = self.attr_of[key] = A.attribution(self.ctx, self.s, start)
        return got

    @_lazy
    def owned_victims(self) -> bool:
        """Victims owned by a pronoun ("two of its soldiers were killed"), whose owner the sentence
        may name only as its source."""
        victims, text = lexicon().cues.victims, self.text
        for m in _OWNER_PRONOUN.finditer(text):
            noun = victims.match(text, m.end())
            if noun and (_HARMED_AFTER.match(text[noun.end():noun.end() + 60])
                         or _HARMING_BEFORE.search(text[max(0, m.start() - 60):m.start()])):
                return True  # (harmed: "its fighters had launched drones" owns no victims)
        return False

    @_lazy
    def closing_comma(self) -> int | None:
        return A.closing_comma(self.ctx, self.s) if self.speech_ends else None

    def weapon(self, near: int) -> str | None:
        """args.find_weapon: the phrase of the weapon mention nearest `near` (the first on a tie)."""
        starts = self.weapon_starts
        if not starts:
            return None
        best = bisect_left(starts, near)  # starts ascend: the nearest is best - 1 or best
        if best == len(starts) or (best and near - starts[best - 1] <= starts[best] - near):
            best -= 1
        if best not in self.weapon_of:
            self.weapon_of[best] = A.find_weapon(self.s, near)
        return self.weapon_of[best]

    @_lazy
    def place_spans(self) -> set[tuple[int, int]]:
        return {(p.start, p.end) for p in self.s.places}

    def place(self, start: int, exclude: list[Mention]):
        """args.pick_place: the trigger matters only by how many places start before it."""
        places = self.s.places
        if not places:
            return None
        spans = self.place_spans
        key = (sum(1 for p in places if p.start < start),
               frozenset(sp for sp in ((m.start, m.end) for m in exclude) if sp in spans))
        if key not in self.place_of:
            self.place_of[key] = A.pick_place(self.ctx, self.s, start, exclude)
        return self.place_of[key]

    def weapon_type(self, w: str) -> tuple[str, str] | None:
        if w not in self.wtype_of:
            self.wtype_of[w] = next(((et, st) for rx, et, st in lexicon().weapon_types if rx.search(w)), None)
        return self.wtype_of[w]

    # -- one mention's neighbourhood --------------------------------------------------------
    def governed(self, m: Mention) -> bool:
        got = self.governed_of.get(id(m))
        if got is None:
            got = self.governed_of[id(m)] = _governed_place(self, m)
        return got

    def before_weapon(self, m: Mention) -> bool:
        got = self.armed_of.get(id(m))
        if got is None:
            follow = self.ctx.doc.text[m.end:m.end + 30].lower()
            got = self.armed_of[id(m)] = bool(lexicon().cues.weapons.match(follow.lstrip()))
        return got

    def before_victims(self, m: Mention) -> bool:
        got = self.victims_of.get(id(m))
        if got is None:
            got = self.victims_of[id(m)] = _before_victims(self.ctx, m)
        return got

    def actor_fields(self, m: Mention | None) -> tuple[str | None, str | None, str | None]:
        if m is None:
            return None, None, None
        got = self.fields_of.get(id(m))
        if got is None:
            got = self.fields_of[id(m)] = _actor_fields(self.ctx, m)
        return got

    # -- dates ----------------------------------------------------------------------------
    def plausible(self, d) -> bool:
        """An event can't be dated before 1900 or more than a year after today ("March 3, 2199")."""
        return 1900 <= d.value.date.year and d.value.date <= self.date_limit

    @_lazy
    def explicit_dates(self) -> list:
        return [d for d in self.s.dates if not d.text.lower().startswith("since") and self.plausible(d)]

    @_lazy
    def dates_joined(self) -> bool:
        """"in April and October": several periods joined by "and" -> one event each."""
        dates, text = self.explicit_dates, self.ctx.doc.text
        return all(_JOINED.fullmatch(text[a.end:b.start]) for a, b in zip(dates, dates[1:]))

    @_lazy
    def undated(self) -> list[DateValue | None]:
        """The date of an event when the sentence names no explicit one."""
        s = self.s
        plausible = [d for d in s.dates if self.plausible(d)]
        if plausible:
            return [plausible[0].value]
        # No date in the sentence: the previous sentence of the paragraph sets the scene.
        for prev in reversed(self.ctx.sentences[max(0, s.index - 2):s.index]):
            usable = [d for d in prev.dates if self.plausible(d)]
            if prev.para == s.para and usable:
                d = usable[-1].value
                return [DateValue(d.date, d.precision, "context:previous_sentence")]
        pub = self.ctx.doc.published
        if pub is not None:
            # Undated report of an event: the publication month is the honest precision.
            return [DateValue(pub.date.replace(day=1), "month", "publication")]
        return [None]


def _actor_fields(ctx: DocContext, m: Mention) -> tuple[str | None, str | None, str | None]:
    """(actor name, actor id, associated actor): a state's forces keep their name, the state is associated."""
    if m.actor_type == "state_force" and m.actor_id:
        actor = ctx.kb.get(m.actor_id)
        parent = next((a.object_id for a in (actor.affiliations if actor else ())
                       if a.relation == "part_of" and ctx.kb.get(a.object_id)
                       and ctx.kb.get(a.object_id).actor_type == "state"), None)
        if parent:
            return m.name, m.actor_id, ctx.kb.get(parent).name
    return m.name, m.actor_id, None


def _before_victims(ctx: DocContext, m: Mention) -> bool:
    """Is this mention the owner of people who were harmed ("two of its soldiers were killed",
    "killing five Iraqi soldiers")?  "Boko Haram militants attacked" names the attackers."""
    window = ctx.doc.text[m.end:m.end + 30]
    follow = window.lstrip()
    noun = lexicon().cues.victims.match(follow) or _TROOPS.match(follow)
    if not noun:
        return False
    after = ctx.doc.text[m.end + (len(window) - len(follow)) + noun.end():m.end + 90]
    before = ctx.doc.text[max(0, m.start - 60):m.start]
    return bool(_HARMED_AFTER.match(after) or _HARMING_BEFORE.search(before))


def _governed_place(f: SentenceFacts, m: Mention) -> bool:
    """'in Iraq', 'in Iraq and Syria', 'in the Kurdistan Region': a state or a governed territory
    named as a location is neither actor nor target."""
    s = f.s
    if m.actor_type != "state" and not (m.actor_type == "government_body" and any(
            p.start <= m.start < p.end or m.start <= p.start < m.end for p in s.places)):
        return False
    text = f.text
    end = m.start - s.start  # the text before the mention is text[:end]
    # Walk back over coordinated states: "in Iraq and Syria", "in Iraq, Syria and Jordan".
    while True:
        prev = f.last_word(end)
        if not prev:
            return False
        word = prev[1].lower()
        if word in _LOC_PREPS:
            return True
        if word in ("and", "or"):
            upto = s.start + len(text[:prev[0]].rstrip(" ,"))
            prior = next((x for x in reversed(s.mentions) if x.end <= upto and x.actor_type == "state"), None)
            if prior is None or upto - prior.end > 1:
                return False
            end = prior.start - s.start
            continue
        return False
