"""Event arguments found around a trigger: sources, origin, weapon, fatalities, outcome, place.

Each finder works on one sentence (char offsets are document offsets) and
returns plain values; the event builder decides how to use them.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from functools import lru_cache

from tightrope.extract.context import DocContext, Mention, Sentence
from tightrope.extract.cues import get_cues, holds_any, necessary_keys, phrases_of, trie_of
from tightrope.extract.numbers import find_numbers
from tightrope.extract.nlp import lowered
from tightrope.models import Place

STATE_TYPES = {"state", "state_force", "government_body"}
# Weapon modifiers worth keeping in the weapon phrase besides names and model numbers.
_WEAPON_MODS = {"cruise", "ballistic", "short-range", "long-range", "medium-range", "smart", "suicide", "kamikaze",
                "explosive-laden", "armed", "attack", "guided", "precision", "one-way", "anti-tank", "surface-to-air",
                "air-to-surface", "hypersonic", "unmanned"}


@dataclass(frozen=True)
class Attribution:
    sources: tuple[Mention, ...]  # mentions that report rather than act ("Israel announced that ...")
    source_names: tuple[str, ...]  # names for attributed_to, incl. unnamed ("US officials")


def _rel(s: Sentence, pos: int) -> int:
    return pos - s.start


_MISS = object()


def sentence_cached(where):
    """Memoise a pure finder in its sentence's ``Sentence.memo``.

    ``where(*args)`` gives (sentence, key): the key must hold every argument the
    result depends on besides the sentence and its document (a trigger position,
    a mention).  Every trigger of a sentence asks the same questions again (~2.3
    triggers per sentence with events on the bench corpus).  Lists come back as
    copies; the memo lives and dies with the document's context.
    """
    def deco(fn):
        name = fn.__name__

        @functools.wraps(fn)
        def wrapper(*a):
            s, key = where(*a)
            memo = getattr(s, "memo", None)
            if memo is None:
                return fn(*a)
            key = (name, key)
            v = memo.get(key, _MISS)  # one hash of the key (a Mention hashes all its fields)
            if v is _MISS:
                v = memo[key] = fn(*a)
            return list(v) if isinstance(v, list) else v

        return wrapper

    return deco


def per_sentence(fn):
    """``sentence_cached`` for a finder that depends on its last argument, the sentence, alone
    (same memo keys), without the per-call ``where`` and key tuple: these run per trigger."""
    key = (fn.__name__, None)

    @functools.wraps(fn)
    def wrapper(*a):
        memo = getattr(a[-1], "memo", None)
        if memo is None:
            return fn(*a)
        v = memo.get(key, _MISS)
        if v is _MISS:
            v = memo[key] = fn(*a)
        return list(v) if isinstance(v, list) else v

    return wrapper


# Speed: a case-insensitive alternation of words is tried at every position of
# the text, each alternative entered in turn; matched case-sensitively, `re`
# rejects an alternative on its first letter.  So the cue patterns whose
# literals are all lower-case run as case-sensitive twins over the sentence
# lower-cased once (same offsets).  That is exact unless the text holds one of
# the characters re.IGNORECASE folds onto an ASCII letter while str.lower()
# does not (found by matching [a-z] with re.I against every code point:
# long s, dotless i, dotted capital I, Kelvin sign); then the originals run.
# Sources a twin cannot copy: escapes that spell a letter, inline flags.
_UNTWINNABLE = re.compile(r"\\[xuUN0-7]|\(\?[aiLmsux-]")


def twin_of(rx: re.Pattern[str]) -> re.Pattern[str] | None:
    """``rx`` without re.IGNORECASE for lower-cased text, or None when that would not be exact.

    Remembered by the pattern's id, not by the pattern: hash() of a pattern hashes its whole
    compiled code on every call (~1 us for a cue list, ~11 us for a fatality pattern), which
    lru_cache paid per cue scan.  The entry keeps ``rx`` alive, so its id is not reused."""
    hit = _TWINS.get(id(rx))
    if hit is None or hit[0] is not rx:
        hit = _TWINS[id(rx)] = (rx, _make_twin(rx))
    return hit[1]


_TWINS: dict[int, tuple[re.Pattern[str], re.Pattern[str] | None]] = {}


def _make_twin(rx: re.Pattern[str]) -> re.Pattern[str] | None:
    src = rx.pattern
    phrases = phrases_of(rx)
    if phrases is not None and rx.flags & re.IGNORECASE and all(p and p.isascii() and " ".join(p.split()) == p
                                                                 for p in phrases):
        # A cue list: as a trie re leaves a position at its first letter that starts no phrase,
        # where the flat alternation tries every phrase there (speech verbs, event nouns...).
        return trie_of(rx)
    bare = src.replace("(?P<", "(?<")  # a named group is no literal
    if rx.flags & re.IGNORECASE and src.isascii() and bare == bare.lower() and not _UNTWINNABLE.search(src):
        return re.compile(src, rx.flags & ~re.IGNORECASE)
    return None


def lowered_sentence(s: Sentence) -> str | None:
    """The sentence lower-cased with its offsets kept, or None where the twins would not be exact.

    Memoised like ``per_sentence`` but inline: every cue scan of a sentence asks for it."""
    memo = getattr(s, "memo", None)
    low = _MISS if memo is None else memo.get(_LOWERED, _MISS)
    if low is _MISS:
        low = lowered_text(s.text)
        if memo is not None:
            memo[_LOWERED] = low
    return low


_LOWERED = ("lowered_sentence", None)


def lowered_text(text: str) -> str | None:
    """``text`` lower-cased with its offsets kept, or None where the twins would not be exact."""
    return lowered(text)


def finditer_cue(rx: re.Pattern[str], s: Sentence):
    """``rx.finditer(s.text)``, by its twin where exact.  Use the spans: a twin's group text is lower-case."""
    twin = twin_of(rx)
    low = lowered_sentence(s) if twin is not None else None
    return twin.finditer(low) if low is not None else rx.finditer(s.text)


def search_cue(rx: re.Pattern[str], s: Sentence) -> tuple[int, int] | None:
    """The span of ``rx.search(s.text)``, by its twin where exact; None when it finds nothing."""
    twin = twin_of(rx)
    low = lowered_sentence(s) if twin is not None else None
    m = twin.search(low) if low is not None else rx.search(s.text)
    return m.span() if m is not None else None


# Cheaper still for most sentences: where a cues.phrase_regex lexicon matches
# the lower-cased text, the longest word of the matching phrase is in it.  A
# few substring tests (no scan) tell that most cues match nothing in most
# sentences: killed 86%, weapons 64%, source phrases 90% on the bench corpus.
_CUE_LISTS = {"weapons": "weapons", "killed": "killed_verbs", "victims": "victims", "interception": "interception",
              "source_phrases": "source_phrases", "count_nouns": "count_nouns"}


@lru_cache(maxsize=None)
def _key_words(name: str) -> tuple[str, ...] | None:
    """Words one of which the lower-cased text holds wherever cue ``name`` matches, or None
    where that test is not exact (a pattern other than the phrase_regex of its list)."""
    from tightrope.extract.cues import phrase_regex

    cues = get_cues()
    rx, phrases = getattr(cues, name), [p.lower() for p in cues.raw[_CUE_LISTS[name]]]
    if not rx.flags & re.IGNORECASE or not all(p.isascii() for p in phrases) \
            or phrase_regex(phrases).pattern != rx.pattern:
        return None
    return necessary_keys(phrases)


def cue_spans(name: str, s: Sentence) -> list[tuple[int, int]]:
    """Sentence-relative spans of ``get_cues().<name>.finditer(s.text)``."""
    keys = _key_words(name)
    low = lowered_sentence(s) if keys is not None else None
    if low is not None and not holds_any(low, keys):
        return []
    return [m.span() for m in finditer_cue(getattr(get_cues(), name), s)]


def attribution(ctx: DocContext, s: Sentence, trigger_start: int) -> Attribution:
    """Who the sentence attributes its content to, relative to one trigger."""
    phrases, verbs = _attribution_cues(ctx, s)
    sources: list[Mention] = []
    names: list[str] = []
    for source, name in phrases:
        if source is not None:
            sources.append(source)
            names.append(name)
        elif name:
            names.append(name)
    closing = closing_comma(ctx, s)
    last = len(verbs) - 1
    for i, (vpos, vend, source, name) in enumerate(verbs):
        if vpos <= trigger_start < vend or (vpos >= trigger_start and not (
                i == last and closing is not None and trigger_start < closing)):
            continue  # reporting verbs before the trigger attribute it, or one closing the sentence
        if source is not None:
            sources.append(source)
            names.append(name)
        elif name:
            names.append(name)
    seen: set[str] = set()
    uniq = tuple(n for n in names if not (n.lower() in seen or seen.add(n.lower())))
    return Attribution(tuple(sources), uniq)


# A closing reporting clause: its source phrase within _CLOSING_SOURCE characters after the
# comma ("the Iraqi military's spokesman"), and at most _CLOSING_TAIL after its verb ("in a
# statement on Monday.").  Longer tails are clauses of their own (", saying that ...").
_CLOSING_SOURCE = 50
_CLOSING_TAIL = 40


@per_sentence
def closing_comma(ctx: DocContext, s: Sentence) -> int | None:
    """The comma before a reporting clause that closes the sentence ("..., police said on
    Saturday."), which attributes everything before it; None when the sentence has none.  (A
    verb further in, "..., saying it had warned ...", reports something else.)"""
    verbs = _attribution_cues(ctx, s)[1]
    if not verbs:
        return None
    vpos, vend, source, _ = verbs[-1]
    head = (source.start if source is not None else vpos) - s.start
    comma = s.text.rfind(",", 0, head)
    if comma < 0 or head - comma >= _CLOSING_SOURCE or len(s.text) - (vend - s.start) > _CLOSING_TAIL:
        return None
    return s.start + comma


_NP_END = re.compile(r"[,;.()]|$")


@per_sentence
def _attribution_cues(ctx: DocContext, s: Sentence):
    """The trigger-independent part of ``attribution``, once per sentence: (source mention or None,
    name) per source phrase, and (start, end, source mention or None, name) per reporting verb."""
    phrases = []
    for _, end in cue_spans("source_phrases", s):
        # The source is the head of the phrase: "according to the Israeli daily Haaretz" -> Haaretz.
        after = s.start + end
        np_end = after + _NP_END.search(s.text, end).start() - end
        # "a report by the Washington Institute for ...": the first name is the head
        head = next((x for x in s.mentions if after <= x.start < np_end and x.start - after < 60
                     and x.method not in ("demonym", "adjectival")), None)
        phrases.append((head, head.name) if head is not None else (None, noun_phrase_after(s.text, end)))
    verbs = []
    for vstart, vend in speech_spans(s):
        vpos = s.start + vstart
        before = [x for x in s.mentions if x.end <= vpos and vpos - x.end < 45 and not ctx.in_quote(x.start)]
        gap = s.text[before[-1].end - s.start:vstart] if before else ""
        if before and gap.strip() and "," not in gap and before[-1].kind != "person":
            before = []  # "An American security official said", "A US official said": the whole phrase
        if before:
            verbs.append((vpos, s.start + vend, before[-1], before[-1].name))
        else:
            verbs.append((vpos, s.start + vend, None, noun_phrase_before(s.text, vstart)))
    return tuple(phrases), tuple(verbs)


@per_sentence
def speech_spans(s: Sentence) -> tuple[tuple[int, int], ...]:
    """Sentence-relative spans of the reporting verbs (cues speech, case-sensitive), once per
    sentence: attribution and the event builder's attribution key both ask."""
    return tuple(m.span() for m in get_cues().speech.finditer(s.text))


_DETS = re.compile(r"^(?:the|a|an|some|several|two|three)\s+", re.I)


_WORD = re.compile(r"[A-Za-z][\w'\u2019.-]*")
_WORD_TAIL = re.compile(r"[A-Za-z][\w'\u2019.-]*\Z")


def _words_before(text: str, pos: int) -> list[str] | None:
    """The words of the old search for one to five "word + whitespace" units ending the
    text before ``pos`` (_WORD then whitespace, anchored at the end), found without
    trying every position of the text: the match ends at trailing whitespace and
    holds the last whitespace-separated tokens that are whole words, at most five,
    plus the word ending the token before them when there are fewer than five."""
    head = text[:pos]
    if not head or not head[-1].isspace():
        return None
    toks = head.rsplit(maxsplit=5)[-5:]  # the last five tokens (rsplit leaves the rest in one piece)
    n = 0
    while n < len(toks) and _WORD.fullmatch(toks[-1 - n]):
        n += 1
    words = toks[len(toks) - n:]
    if n < len(toks):
        tail = _WORD_TAIL.search(toks[-1 - n])  # leftmost start of a word that ends the token
        if tail:
            words.insert(0, tail.group())
    return words or None


def noun_phrase_before(text: str, pos: int) -> str | None:
    """Up to five words before ``pos`` back to punctuation or a clause word: "An American security official"."""
    words = _words_before(text, pos)
    if not words:
        return None
    stop = {"that", "and", "but", "which", "who", "when", "while", "as", "also", "has", "have", "had", "was", "were"}
    while words and words[0].lower() in stop:
        words = words[1:]
    for i in range(len(words) - 1, -1, -1):
        if words[i].lower() in stop:
            words = words[i + 1:]
            break
    np = _DETS.sub("", " ".join(words)).strip()
    return np or None


_NP_AFTER = re.compile(r"\s*((?:the\s+)?(?:[A-Za-z][\w'\u2019.-]*\s*){1,6})")


def noun_phrase_after(text: str, pos: int) -> str | None:
    m = _NP_AFTER.match(text[pos:])
    if not m:
        return None
    words = []
    for w in m.group(1).split():
        if w.lower() in {"that", "and", "but", "which", "who", "said", "on", "in", "as"}:
            break
        words.append(w.rstrip(",."))
    np = _DETS.sub("", " ".join(words)).strip()
    return np or None


_FROM = re.compile(r"\b(?:launched|fired|originating|originated|coming|came|sent|flown)?\s*from\s+(?:the\s+)?$", re.I)


@per_sentence
def origin_mentions(ctx: DocContext, s: Sentence) -> list[Mention]:
    """State/place mentions introduced by "from": "launched from Iraq", "from Iraqi soil"."""
    out = []
    # _FROM needs "from" in the window (f, r, o, m have no odd case folds): most sentences lack it.
    low = lowered_sentence(s)
    if "from" not in (low if low is not None else s.text.lower()):
        return out
    for m in s.mentions + s.places:
        if m.kind == "actor" and m.actor_type not in ("state",) and m.kind != "place":
            continue
        if m.kind == "anaphor":
            continue
        a = max(s.start, m.start - 40)
        if low is not None and s.start <= m.start <= s.end and "from" not in low[a - s.start:m.start - s.start]:
            continue
        if _FROM.search(ctx.doc.text[a:m.start]):
            out.append(m)
    return out


def origin_country(ctx: DocContext, ms: list[Mention]) -> str | None:
    for m in ms:
        if m.place is not None and m.place.country:
            return m.place.country
        if m.country:
            name = ctx.gaz.country_of(m.country)
            if name:
                return name
    return None


@per_sentence
def weapon_hits(s: Sentence) -> tuple[tuple[int, str, str], ...]:
    """(document offset, phrase with its modifiers, weapon words lower-cased) per weapon word."""
    text = s.text
    out = []
    for a, b in cue_spans("weapons", s):
        mods: list[str] = []
        for w in reversed(text[:a].rsplit(maxsplit=3)[-3:]):
            wc = w.strip(",;:\u201c\u201d\"'()")
            if wc != w.rstrip() and w.endswith((",", ";", ":")):
                break
            model = any(c.isdigit() for c in wc) and any(c.isalpha() for c in wc)  # "Qasef-2K", not "40"
            if (wc[:1].isupper() and wc.lower() not in {"the", "a", "an", "its", "their"}) or model \
                    or wc.lower() in _WEAPON_MODS:
                mods.insert(0, wc)
            else:
                break
        out.append((s.start + a, " ".join(mods + [text[a:b]]), text[a:b].lower()))
    return tuple(out)


@per_sentence
def weapons_in(s: Sentence) -> str:
    """Every weapon word of the sentence, lower-cased and joined (for coding by means)."""
    return " ".join(h[2] for h in weapon_hits(s))


def find_weapon(s: Sentence, near: int) -> str | None:
    best = None
    for pos, phrase, _ in weapon_hits(s):
        dist = abs(pos - near)
        if best is None or dist < best[0]:
            best = (dist, phrase)
    return best[1] if best else None


@per_sentence
def find_outcome(s: Sentence) -> str | None:
    return "intercepted" if cue_spans("interception", s) else None


def pick_place(ctx: DocContext, s: Sentence, trigger_start: int, exclude: list[Mention]) -> Place | None:
    """The most specific place in the sentence, preferring places after the trigger."""
    cands = _place_candidates(ctx, s)
    if exclude and cands:
        ex = {(m.start, m.end) for m in exclude}
        cands = tuple(p for p in cands if (p.start, p.end) not in ex)
    if not cands:
        return None
    # min() keeps the first of equal keys, as the stable sort did.
    return min(cands, key=lambda p: (p.place.geo_precision, p.start < trigger_start, abs(p.start - trigger_start))).place


@per_sentence
def _place_candidates(ctx: DocContext, s: Sentence) -> tuple[Mention, ...]:
    """The sentence's places that may be an event's place, whatever the trigger."""
    low = lowered_sentence(s)
    ex = set()
    for m in s.mentions:
        # "Washington targeting..." is the US government acting; "in eastern Baghdad" is a place.
        # "Iran-backed", "Iranian": modifiers, never places.  A country named without a
        # locative preposition ("US troops", "hit Israel") is an actor, not the place.
        if m.method in ("demonym", "adjectival") or ((m.method == "metonym" or m.actor_type == "state")
                                                     and not _locative(ctx, s, m.start, low)):
            ex.add((m.start, m.end))
    return tuple(p for p in s.places if (p.start, p.end) not in ex and p.place is not None
                 and not (p.place.kind == "country" and not _locative(ctx, s, p.start, low)))


_LOCATIVE_WORDS = ("in", "inside", "at", "near", "across", "throughout", "within", "into", "outside", "around", "over",
                   "on", "of", "northern", "southern", "eastern", "western", "central", "north", "south", "east", "west",
                   "north-east", "north-west", "south-east", "south-west", "northeast", "northwest", "southeast",
                   "southwest")
_LOCATIVE = re.compile(rf"\b(?:{'|'.join(_LOCATIVE_WORDS)})\s+(?:the\s+)?$", re.I)
_LOCATIVE_SET = frozenset(_LOCATIVE_WORDS)
_TAIL_RUN = re.compile(r"[\w-]+\Z")


def _locative(ctx: DocContext, s: Sentence, pos: int, low: str | None) -> bool:
    """Does a locative word end the 30 characters before ``pos``?  ``low``: lowered_sentence(s)."""
    a = max(s.start, pos - 30)
    if low is None or not s.start <= pos <= s.end:
        return bool(_LOCATIVE.search(ctx.doc.text[a:pos]))
    return _locative_tail(low[a - s.start:pos - s.start])


def _locative_tail(w: str) -> bool:
    """``_LOCATIVE.search(w)`` for lower-cased ``w``, read from its end: whitespace ends it,
    a locative word before that (or before "the" and whitespace) starting at a word boundary."""
    t = w.rstrip()
    if len(t) == len(w):
        return False
    if _ends_with_locative(t):
        return True
    if t.endswith("the") and t[-4:-3].isspace():
        return _ends_with_locative(t[:-3].rstrip())
    return False


def _ends_with_locative(t: str) -> bool:
    """Does ``t`` end with a locative word that follows a non-word character or its start?"""
    tail = _TAIL_RUN.search(t[-12:])  # longer than any locative word; a longer run is checked in part
    if tail is None:
        return False
    run = tail.group()
    i = 0
    while True:  # the run itself when it starts the window or follows a non-word, else after each hyphen
        if run[i:] in _LOCATIVE_SET and (i > 0 or tail.start() > 0 or len(t) <= 12):
            return True
        i = run.find("-", i) + 1
        if i == 0:
            return False


def numbers_in(s: Sentence):
    return find_numbers(s.text, offset=s.start)
