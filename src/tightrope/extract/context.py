"""Document context shared by the extractors: sentences, mentions, quotes, discourse.

One pass builds, for a Document:

* sentences (spaCy sentencizer, also split at line breaks so headlines and
  section headers stand alone), each with its paragraph index;
* entity mentions: KB actors, places, people not in the KB (title or
  speech-verb context), and anaphors ("the group", "it", "he") resolved to the
  last salient compatible entity;
* date mentions resolved against the publication date, with "the following
  day" anchored to the last explicit date before it;
* quote spans (curly and straight quotes).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from functools import lru_cache

from tightrope.extract.cues import get_cues
from tightrope.extract.dates import DateMention, find_dates, prescan_dates
from tightrope.extract.nlp import PhraseFinder, Spans, find_all, layout, lowered, make_doc, phrase_trie, trie_alternation
from tightrope.models import DateValue, Document, Place, build
from tightrope.resolve.actors import ActorKB, actor_spans
from tightrope.resolve.places import Gazetteer, place_spans


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    text: str
    kind: str  # actor|person|place|anaphor
    name: str  # canonical display name (or the surface for unknown people)
    actor_id: str | None = None
    actor_type: str | None = None
    country: str | None = None  # ISO2 of the actor's / place's country
    place: Place | None = None
    method: str = "kb"


@dataclass
class Sentence:
    index: int
    start: int
    end: int
    text: str
    para: int
    is_header: bool = False
    mentions: list[Mention] = field(default_factory=list)
    dates: list[DateMention] = field(default_factory=list)
    places: list[Mention] = field(default_factory=list)
    subject: Mention | None = None
    # Per-sentence results of argument finders that several triggers of the sentence
    # ask for (args.py); filled lazily once the context is built, never compared.
    memo: dict = field(default_factory=dict, repr=False, compare=False)


@dataclass
class Person:
    name: str
    actor_id: str | None
    role: str | None = None
    org: str | None = None  # canonical org name
    org_id: str | None = None


@dataclass
class DocContext:
    doc: Document
    sentences: list[Sentence]
    quotes: list[tuple[int, int]]  # spans including the quote marks
    people: dict[str, Person]  # key: folded full name
    surnames: dict[str, str]  # folded surname -> folded full name
    kb: ActorKB
    gaz: Gazetteer
    country: str | None  # ISO2 of the story's main country

    def in_quote(self, pos: int) -> bool:
        i = bisect.bisect_right(self.quotes, (pos, 10**12)) - 1
        return i >= 0 and self.quotes[i][0] <= pos < self.quotes[i][1]

    def person(self, name: str) -> Person | None:
        key = fold(name)
        if key in self.people:
            return self.people[key]
        full = self.surnames.get(key)
        return self.people.get(full) if full else None


_FOLD = str.maketrans({**dict.fromkeys("\u2018\u2019'`\u02bc"), **dict.fromkeys("-\u2010\u2011\u2012\u2013\u2014\u2015", " ")})


def fold(s: str) -> str:
    """Lower case, apostrophes dropped, hyphens and dashes as spaces, whitespace collapsed."""
    return " ".join(s.lower().translate(_FOLD).split())




def _mention(start: int, end: int, text: str, kind: str, name: str, actor_id: str | None = None,
             actor_type: str | None = None, country: str | None = None, place: Place | None = None,
             method: str = "kb") -> Mention:
    """Mention(...) through models.build (a document makes a few hundred)."""
    return build(Mention, {"start": start, "end": end, "text": text, "kind": kind, "name": name,
                           "actor_id": actor_id, "actor_type": actor_type, "country": country, "place": place,
                           "method": method})


# A person-name token: capitalised word, or particle + hyphen + capitalised ("al-Darb", "Al-Jazaeri").
_NAME_TOKEN = r"(?:(?:[Aa]l|[Ee]l|[Aa]bu|[Bb]in|[Ii]bn|[Aa]bd)[-\u2010][A-Z][\w'\u2019]+|[A-Z][a-z]+(?:['\u2019][a-z]+)?(?:-[A-Z][a-z]+)?)"
_PARTICLE = r"(?:al|el|bin|ibn|abu|bint|de|van|von|da)"
_NAME_REST = rf"(?:\s+(?:{_PARTICLE}\s+)?{_NAME_TOKEN}){{1,3}}"
_NAME = re.compile(rf"{_NAME_TOKEN}{_NAME_REST}")
# _NAME split by the case of its first character, so that re can skip to candidate positions
# (_NAME opens with [Aa]-style classes, which leave re no first-character filter: it ran the
# whole pattern at every position).  Upper: the first character is read by [A-Z], and each
# alternative of the first token checks it by a lookbehind, in _NAME_TOKEN's order.
_NAME_UPPER = re.compile(
    r"[A-Z](?:(?:(?<=A)l|(?<=E)l|(?<=A)bu|(?<=B)in|(?<=I)bn|(?<=A)bd)[-\u2010][A-Z][\w'\u2019]+"
    rf"|[a-z]+(?:['\u2019][a-z]+)?(?:-[A-Z][a-z]+)?)(?=\s+[A-Zabdeiv]){_NAME_REST}")
# (?=...): what _NAME_REST needs next (blanks, then a particle or a name token), tested in one
# step before its alternatives are tried after most capitalised words.
_NAME_LOWER = re.compile(rf"(?:al|el|abu|bin|ibn|abd)[-\u2010][A-Z][\w'\u2019]+{_NAME_REST}")
_QUOTE_PAIRS = re.compile(r"\u201c[^\u201c\u201d]{1,3000}?\u201d|\"[^\"\n]{1,3000}?\"|\u201c[^\u201c\u201d\"\n]{1,3000}?\"|\"[^\"\u201c\u201d\n]{1,3000}?\u201d")


def _name_matches(text: str):
    """The matches of _NAME.finditer(text): the leftmost of the upper- and lower-case searches,
    each search redone from the end of the last match when it started before it."""
    particles = _particle_starts(text)

    def lower_search(pos: int) -> re.Match | None:
        for i in range(bisect.bisect_left(particles, pos), len(particles)):
            if m := _NAME_LOWER.match(text, particles[i]):
                return m
        return None

    up, lo = _NAME_UPPER.search(text), lower_search(0)
    while up is not None or lo is not None:
        m = up if lo is None or (up is not None and up.start() < lo.start()) else lo
        yield m
        pos = m.end()
        if up is not None and up.start() < pos:
            up = _NAME_UPPER.search(text, pos)
        if lo is not None and lo.start() < pos:
            lo = lower_search(pos)


def _particle_starts(text: str) -> list[int]:
    """Sorted starts of "al-", "abu-", ... (lower case), where _NAME_LOWER can match: found
    from the hyphens, which are few, instead of a search that stops at every a, e, b and i."""
    out = []
    for h in ("-", "\u2010"):
        i = text.find(h)
        while i >= 0:
            for k in (2, 3):
                if i >= k and text[i - k:i] in _PARTICLES:
                    out.append(i - k)
            i = text.find(h, i + 1)
    out.sort()
    return out


_PARTICLES = frozenset(("al", "el", "abu", "bin", "ibn", "abd"))  # _NAME_LOWER's, before the hyphen


@lru_cache(maxsize=1)
def _nonname_words() -> frozenset[str]:
    cues = get_cues()
    words = {"the", "a", "an", "in", "on", "at", "of", "and", "but", "however", "moreover", "notably", "despite",
             "while", "since", "after", "before", "during", "for", "with", "as", "this", "that", "these", "those",
             "israeli", "iraqi", "american", "iranian", "arab", "islamic", "western", "us", "un", "his", "her",
             "their", "its", "our", "when", "if", "although", "whatever", "such", "following", "last", "initially",
             "currently", "analysts", "observers", "political", "security", "military", "prime", "foreign",
             "president", "minister", "national", "shiite", "sunni", "monday", "tuesday", "wednesday", "thursday",
             "friday", "saturday", "sunday", "january", "february", "march", "april", "may", "june", "july",
             "august", "september", "october", "november", "december", "resistance", "axis", "popular"}
    words.update(t.lower() for t in cues.raw["person_titles"])
    return frozenset(words)


def find_quotes(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in _QUOTE_PAIRS.finditer(text)]


_NEWLINES = re.compile(r"\n+")


def _sentence(index: int, start: int, end: int, text: str, is_header: bool) -> Sentence:
    """Sentence(...) through models.build, its default factories spelled out (same fields)."""
    return build(Sentence, {"index": index, "start": start, "end": end, "text": text, "para": 0,
                            "is_header": is_header, "mentions": [], "dates": [], "places": [], "subject": None,
                            "memo": {}})


def _sentences(text: str, spans: list[tuple[int, int]]) -> list[Sentence]:
    out: list[Sentence] = []
    n = len(text)
    for sent_start, sent_end in spans:
        # Split each spaCy sentence at line breaks: headlines have no full stop.
        pieces = []
        s0 = sent_start
        for m in _NEWLINES.finditer(text, sent_start, sent_end):
            pieces.append((s0, m.start()))
            s0 = m.end()
        pieces.append((s0, sent_end))
        for a, b in pieces:
            seg = text[a:b]
            body = seg.strip()
            if not body:
                continue
            a += len(seg) - len(seg.lstrip())
            b = a + len(body)
            line_start = a == 0 or text[a - 1] == "\n"
            line_end = b == n or text[b] == "\n"
            # Headlines and section headers: a whole short line without closing punctuation.
            header = (not out and line_end) or (
                line_start and line_end and body[-1] not in ".!?\"\u201d" and len(body.split()) <= 15
            )
            out.append(_sentence(len(out), a, b, body, header))
    # Paragraph index: a line break between two sentences starts a new paragraph.
    para = 0
    for i, s in enumerate(out):
        if i and text.find("\n", out[i - 1].end, s.start) >= 0:
            para += 1
        s.para = para
    return out


def _country_of_story(mentions: list[Mention], places: list[Mention]) -> str | None:
    counts: dict[str, int] = {}
    for m in places + mentions:
        if m.country:
            counts[m.country] = counts.get(m.country, 0) + 1
    return max(counts, key=lambda k: counts[k]) if counts else None


def _find_people(text: str, taken: Spans, low: str | None) -> list[tuple[int, int, str]]:
    """Names of people not in the KB: a capitalised name with a title before it,
    an apposition or a speech verb after it.  ``taken``: the actor mentions' spans;
    ``low``: lowered(text)."""
    nonname = _nonname_words()
    titled_rx, apposed_rx, speaks_rx = _people_res(low is not None)
    out = []
    for m in _name_matches(text):
        a, b = m.start(), m.end()
        words = m.group(0).split()
        # Trim leading words that are not names ("Notably Salam ...", "Israeli Foreign ...").
        while words and words[0].lower().strip("'\u2019") in nonname:
            a = text.index(words[1], a + len(words[0])) if len(words) > 1 else b
            words = words[1:]
        # Trailing title words ("... Foreign Minister") and possessives ("Taiwan's") are not names.
        while words and words[-1].lower() in nonname:
            b = a + len(" ".join(words[:-1])) if len(words) > 1 else a
            words = words[:-1]
        b = a + len(text[a:b].rstrip())
        if len(words) < 2 or any(w.endswith(("'s", "\u2019s")) for w in words) or taken.overlaps(a, b):
            continue
        after = text[b:b + 40]
        if speaks_rx.match(after) or apposed_rx.match(after) or titled_rx.search(
                (text if low is None else low)[max(0, a - 40):a]):
            out.append((a, b, text[a:b]))
    # "President Obama", "Gen. Sims": a title and a single surname.
    spans = Spans([(x, y) for x, y, _ in out] + taken.spans)
    for m in _titled_matches(text, low):
        a, b = m.start(1), m.end(1)
        if m.group(1).lower() in nonname or spans.overlaps(a, b):
            continue
        out.append((a, b, m.group(1)))
    return out


@lru_cache(maxsize=2)
def _people_res(lower: bool) -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """The title / apposition / speech-verb tests of _find_people, compiled once.  The title
    test ends a search of the 40 characters before a name: as a trie (nlp.phrase_trie) on the
    lowered text when ``lower``, else with the cue pattern and re.I."""
    cues = get_cues()
    titles = phrase_trie(cues.raw["person_titles"]) if lower else cues.person_titles.pattern
    return (re.compile(rf"(?:{titles})\s*$", 0 if lower else re.I),
            re.compile(r",\s+(?:a|an|the)?\s*(?:\w+\s+){0,3}?(?:" + cues.roles.pattern + "|"
                       + cues.person_titles.pattern + ")", re.I),
            re.compile(rf"\s*,?\s*(?:{phrase_trie(cues.raw['speech_verbs'], case_sensitive=True)})"))


def _titled_matches(text: str, low: str | None) -> list[re.Match]:
    """_titled_surname().finditer(text), trying the pattern only where low (the lowered text)
    holds a title in some case: the pattern's many titles left re no letter to skip to."""
    rx = _titled_surname()
    if low is None:
        return list(rx.finditer(text))
    out, cursor = [], 0
    for p in find_all(low, _title_words()):
        if p >= cursor and (m := rx.match(text, p)):
            out.append(m)
            cursor = m.end()
    return out


@lru_cache(maxsize=1)
def _title_words() -> frozenset[str]:
    return frozenset(t.lower() for t in get_cues().raw["person_titles"] if t[0].isalpha())


@lru_cache(maxsize=1)
def _titled_surname() -> re.Pattern[str]:
    titles = {v for t in get_cues().raw["person_titles"] if t[0].isalpha() for v in (t, t.capitalize(), t.title())}
    # Case-sensitive on purpose: the name must be capitalised ("expert on" is no name).  The
    # titles as a trie (longest first, like a longest-first alternation) with the word boundary
    # after their first letter, so that re skips positions where no title starts.
    trie = trie_alternation(titles, not_after=r"\w", space=" ")
    return re.compile(rf"(?:{trie})\.?\s+({_NAME_TOKEN})\b(?!\s+(?:[A-Z]|(?:al|el|bin|ibn|abu)\b))")


@lru_cache(maxsize=1)
def _generic_regex() -> tuple[re.Pattern[str], PhraseFinder, dict[str, str]]:
    """Generic actor words ("gunmen", "civilians"): the cue pattern, and its finder for the lowered text."""
    table = get_cues().raw["generic_actors"]
    label = {w.lower(): name for name, words in table.items() for w in words}
    from tightrope.extract.cues import phrase_regex

    return phrase_regex(list(label)), PhraseFinder(label), label


_OWNED = re.compile(r"\b(?:its|their|his|her|our|whose)\s+(?:\w+\s+)?$", re.I)


def _generic_mentions(text: str, named: Spans, low: str | None) -> list[Mention]:
    rx, finder, label = _generic_regex()
    out = []
    for a, b in (finder.spans(low) if low is not None else [m.span() for m in rx.finditer(text)]):
        if named.overlaps(a, b) or named.ends_within(a - 3, a) or _OWNED.search(text[max(0, a - 25):a]):
            continue
        surface = text[a:b]
        out.append(_mention(a, b, surface, "generic", label[" ".join(surface.lower().split())],
                            actor_type="unidentified", method="generic"))
    return out


_PREV_WORD = re.compile(r"([A-Z][\w'\u2019-]*)\s+$")
_NEXT_WORD = re.compile(r"\s+([A-Z][\w'\u2019-]*)")
# Capitalised words that may sit beside a place name without being part of another name.
_PLACE_NEIGHBOURS = {"Province", "Governorate", "District", "Region", "City", "County", "State", "Valley",
                     "Heights", "Strip", "Bank", "Air", "Base", "Airport", "Port", "The", "In", "At", "On",
                     "From", "Near", "Northern", "Southern", "Eastern", "Western", "Central", "North", "South",
                     "East", "West", "Upper", "Lower", "Greater", "Mr", "Ms", "And", "But", "While", "After",
                     "Before", "Since", "During", "Outside", "Inside", "Across"}


def _sentence_start(text: str, pos: int) -> bool:
    """Nothing but blanks before pos, or the last character before them ends a sentence or line."""
    lo = pos
    while lo > 0:
        lo = max(0, lo - 64)
        before = text[lo:pos].rstrip()
        if before:
            return before[-1] in ".!?\n\"\u201c"
    return True


def _name_fragment(text: str, start: int, end: int, covered: Spans) -> bool:
    """"Kafr Batna", "Maart Numan": a gazetteer hit that is one word of a longer, unknown name.
    ``covered``: the actor mentions' spans."""
    prev = _PREV_WORD.search(text, max(0, start - 40), start)
    if prev:
        ps = start - len(prev.group(0))
        if prev.group(1) not in _PLACE_NEIGHBOURS and not _sentence_start(text, ps) and not covered.covers(ps):
            return True
    nxt = _NEXT_WORD.match(text, end, end + 40)
    if nxt and nxt.group(1) not in _PLACE_NEIGHBOURS:
        if not covered.covers(nxt.start(1)):
            return True
    return False


def _inside_longer(start: int, end: int, actors: list[Mention], starts: list[int]) -> bool:
    """Is start..end inside a longer actor mention?  Actor mentions never overlap and come sorted
    (find_actors), so only the last one starting at or before it can hold it."""
    i = bisect.bisect_right(starts, start) - 1
    if i < 0:
        return False
    a = actors[i]
    return a.start <= start and end <= a.end and (a.end - a.start) > (end - start)


def build_context(doc: Document, kb: ActorKB | None = None, gaz: Gazetteer | None = None) -> DocContext:
    kb = kb or ActorKB.load()
    gaz = gaz or Gazetteer.load()
    text = doc.text
    # Tokenised once; the recognisers reuse it, and the sentences come from its token arrays.
    sdoc = make_doc(text)
    bounds, spans = layout(sdoc)
    sentences = _sentences(text, spans)
    low = lowered(text)
    actor_ms = []
    for cs, ce, aid, method in actor_spans(sdoc, kb, text, bounds):
        a = kb.get(aid)
        actor_ms.append(_mention(cs, ce, text[cs:ce], "actor", a.name, aid, a.actor_type, a.country, method=method))
    # "Iraq" inside "Islamic Resistance in Iraq", "Washington" inside "Washington Institute": not places.
    actor_starts = [a.start for a in actor_ms]
    taken = Spans((m.start, m.end) for m in actor_ms)
    place_ms = [
        _mention(cs, ce, text[cs:ce], "place", p.name, country=p.country_code, place=p, method=p.method)
        for cs, ce, p in place_spans(text, bounds, gaz)
        if not _inside_longer(cs, ce, actor_ms, actor_starts)
        and (p.method == "curated" or not _name_fragment(text, cs, ce, taken))
    ]
    country = _country_of_story(actor_ms, place_ms)
    people: dict[str, Person] = {}
    surnames: dict[str, str] = {}
    person_ms = []
    for a, b, name in _find_people(text, taken, low):
        key = fold(name)
        people.setdefault(key, Person(name=name, actor_id=None))
        surname = name.split()[-1]
        surnames.setdefault(fold(surname), key)
        person_ms.append(_mention(a, b, name, "person", name, actor_type="person", method="pattern"))
    for m in actor_ms:
        if m.actor_type == "person":
            key = fold(m.name)
            people.setdefault(key, Person(name=m.name, actor_id=m.actor_id))
            surnames.setdefault(fold(m.name.split()[-1]), key)
    # Later bare surnames of recognised people ("Al-Darb explained").
    if surnames:
        spans = Spans((m.start, m.end) for m in actor_ms + person_ms)
        for a, b in _surname_hits(text, low, [people[full].name.split()[-1] for full in set(surnames.values())]):
            if spans.covers(a):
                continue
            full = people[surnames[fold(text[a:b])]]
            if full.actor_id:
                continue  # KB people are already found by their aliases
            person_ms.append(_mention(a, b, text[a:b], "person", full.name, actor_type="person", method="surname"))
    generic_ms = _generic_mentions(text, Spans((m.start, m.end) for m in actor_ms + person_ms), low)
    mentions = sorted(actor_ms + person_ms + generic_ms, key=lambda m: m.start)
    quotes = find_quotes(text)
    ctx = DocContext(doc, sentences, quotes, people, surnames, kb, gaz, country)
    _assign(ctx, mentions, place_ms, low)
    from tightrope.extract.discourse import resolve_discourse

    resolve_discourse(ctx, low)
    return ctx


def _surname_hits(text: str, low: str | None, names: list[str]) -> list[tuple[int, int]]:
    r"""Spans the regex (?<![\w-])(name1|name2|...)(?![\w-]) with re.I finds, found with
    str.find on the lowered text (compiling that per-document regex cost more than the search).
    Where the names are not all ASCII, the regex itself."""
    if low is None or not all(n.isascii() for n in names):
        rx = re.compile(r"(?<![\w-])(" + "|".join(re.escape(n) for n in names) + r")(?![\w-])", re.I)
        return [m.span() for m in rx.finditer(text)]
    hits = []  # (start, rank of the alternative, end)
    for rank, name in enumerate(names):
        key, k = name.lower(), len(name)
        i = low.find(key)
        while i >= 0:
            if (i == 0 or not _WORDISH.match(low, i - 1)) and not _WORDISH.match(low, i + k):
                hits.append((i, rank, i + k))
            i = low.find(key, i + 1)
    hits.sort()
    out, cursor = [], 0
    for a, _, b in hits:  # the alternation's pick: leftmost, then first alternative, never overlapping
        if a >= cursor and b > a:
            out.append((a, b))
            cursor = b
    return out


_WORDISH = re.compile(r"[\w-]")


def _assign(ctx: DocContext, mentions: list[Mention], places: list[Mention], low: str | None = None) -> None:
    """``low``: nlp.lowered(ctx.doc.text)."""
    sentences = ctx.sentences
    starts = [s.start for s in sentences]

    def sent_of(pos: int) -> Sentence | None:
        i = bisect.bisect_right(starts, pos) - 1
        if i >= 0 and pos < sentences[i].end:
            return sentences[i]
        return None

    for m in mentions:
        s = sent_of(m.start)
        if s:
            s.mentions.append(m)
    for p in places:
        s = sent_of(p.start)
        if s:
            s.places.append(p)
    ref = ctx.doc.published
    last: DateValue | None = None
    # One scan of the whole text for date expressions; find_dates then reads each sentence's share.
    dated = prescan_dates(ctx.doc.text, [(s.start, s.end) for s in sentences], low)
    for s, has in zip(sentences, dated):
        if not has:
            continue  # find_dates would find nothing
        found = find_dates(s.text, ref=ref, offset=s.start, anchor=last)
        s.dates = found
        explicit = [d for d in found if d.kind != "anchor"] or found
        if explicit:
            last = explicit[-1].value
