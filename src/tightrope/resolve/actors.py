"""Actor knowledge base: name resolution and in-text recognition.

``ActorKB.resolve(name)`` maps a surface name to a KB actor, trying in order:
exact canonical name -> alias -> normalised form -> fuzzy match (rapidfuzz
``token_sort_ratio`` on normalised forms, nudged by context) -> unknown.
Scores are on rapidfuzz's 0-100 scale so they compare with
``Settings.fuzzy_threshold``.

``find_actors(text)`` finds KB actors in running text with two spaCy
``PhraseMatcher``s built once per KB: LOWER for ordinary names and ORTH for
acronyms, demonyms, metonyms and names that are also lowercase words.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Sequence

from rapidfuzz import fuzz, process

from tightrope.models import Actor, Resolution
from tightrope.resolve.kb import KBData, Normaliser, Surface, date_bounds, load_kb
from tightrope.settings import Settings, extra_kb_setting

# Context nudges for fuzzy scores: enough to separate near-ties, too small to
# lift an unrelated name over the threshold.
_COUNTRY_BOOST = 3.0
_TYPE_BOOST = 3.0
# Fuzzy matching on very short keys is noise ("KH" vs "KSS").
_MIN_FUZZY_LEN = 4
# "Iran-backed militias": the tokenizer splits the hyphen, so "Iran" is found
# on its own; a following "-backed" marks the mention as adjectival.
_ADJECTIVAL = frozenset({
    "backed", "aligned", "linked", "led", "allied", "affiliated", "sponsored",
    "supported", "funded", "controlled", "run", "based", "trained", "armed", "made",
})


@dataclass(frozen=True)
class ActorMention:
    start: int
    end: int
    text: str
    actor_id: str
    canonical: str
    actor_type: str
    method: str  # exact|alias|acronym|demonym|metonym|adjectival


class ActorKB:
    """In-memory index over validated KB records."""

    def __init__(self, data: KBData):
        self.normalise = Normaliser(data.normalisation)
        self._actors: dict[str, Actor] = {}
        self._period: dict[str, tuple[str | None, str | None]] = {}
        self._surfaces: list[tuple[Surface, str]] = []
        self._canon: dict[str, list[str]] = defaultdict(list)  # casefolded canonical name
        self._alias_ci: dict[str, list[str]] = defaultdict(list)
        self._alias_cs: dict[str, list[str]] = defaultdict(list)
        self._norm: dict[str, list[str]] = defaultdict(list)
        for rec in data.records:
            a = rec.actor
            self._actors[a.actor_id] = a
            self._period[a.actor_id] = (rec.start, rec.end)
            for s in rec.surfaces:
                self._surfaces.append((s, a.actor_id))
                if s.kind == "name":
                    _add(self._canon, s.text.casefold(), a.actor_id)
                elif s.case_sensitive:
                    _add(self._alias_cs, s.text, a.actor_id)
                    _add(self._alias_cs, s.text.replace(".", ""), a.actor_id)  # U.S -> US
                else:
                    _add(self._alias_ci, s.text.casefold(), a.actor_id)
                if not s.case_sensitive and (n := self.normalise(s.text)):
                    _add(self._norm, n, a.actor_id)
        # ACLED/UCDP-style names for a state's institutions resolve to the state itself:
        # "Government of Syria", "Military Forces of Iraq", "Iraqi government".
        self._state_tokens: set[str] = set()
        for a in self._actors.values():
            if a.actor_type != "state":
                continue
            for form in (a.name, *a.aliases):
                if " " not in form.strip():
                    self._state_tokens.add(self.normalise(form))
            for pattern in ("government of {}", "military forces of {}", "{} government", "{}'s government",
                            "government of the {}"):
                _add(self._alias_ci, pattern.format(a.name).casefold(), a.actor_id)
                if n := self.normalise(pattern.format(a.name)):
                    _add(self._norm, n, a.actor_id)
        self._norm_keys = list(self._norm)
        self._matchers = None

    # ------------------------------------------------------------ loading

    @classmethod
    def load(cls, paths: Sequence[Path | str] | None = None) -> "ActorKB":
        """Bundled KB plus ``Settings().extra_kb`` (cached), or exactly ``paths``."""
        if paths is None:
            # Keyed on the raw setting: building a Settings per call cost ~0.09 ms, paid by every
            # article (build_context loads the KB each time).
            return _default_for(extra_kb_setting())
        return cls(load_kb([Path(p) for p in paths]))

    # ------------------------------------------------------------ lookups

    def get(self, actor_id: str) -> Actor | None:
        return self._actors.get(actor_id)

    def actors(self) -> list[Actor]:
        return list(self._actors.values())

    def surface_forms(self) -> list[tuple[str, str, bool]]:
        """(surface, actor_id, case_sensitive) for every way an actor is written."""
        return [(s.text, aid, s.case_sensitive) for s, aid in self._surfaces]

    def metonyms(self) -> dict[str, str]:
        """Capital/seat names used for actors: {"Washington": "united_states", ...}."""
        return {s.text: aid for s, aid in self._surfaces if s.kind == "metonym"}

    def role_of(self, actor_id: str, date: str | dt.date | None = None) -> tuple[str, str | None] | None:
        """The post an actor held on ``date`` (default: the current one)."""
        actor = self._actors.get(actor_id)
        if actor is None or not actor.roles:
            return None
        if date is None:
            live = [r for r in actor.roles if r[3] is None]
            pool = live or sorted(actor.roles, key=lambda r: r[3] or "")[-1:]
        else:
            day = date_bounds(date)[0]
            pool = [r for r in actor.roles if _covers(r[2], r[3], day)]
        if not pool:
            return None
        role = max(pool, key=lambda r: r[2] or "")  # latest appointment wins on overlap
        return role[0], role[1]

    # ------------------------------------------------------------ resolution

    def resolve(self, name: str, *, context_country: str | None = None, actor_type: str | None = None,
                date: str | dt.date | None = None) -> Resolution:
        q = " ".join(name.split())
        if not q:
            return Resolution(name, None, None, 0.0, "unknown")
        ctx = (context_country.upper() if context_country else None, actor_type, date)
        for ids, method in (
            (self._canon.get(q.casefold()), "exact"),
            (self._alias_cs.get(q) or self._alias_cs.get(q.replace(".", "")) or self._alias_ci.get(q.casefold()), "alias"),
            (self._norm.get(self.normalise(q)), "normalised"),
        ):
            if ids:
                return self._pick(name, ids, 100.0, method, *ctx)
        return self._fuzzy(name, self.normalise(q), *ctx)

    def _pick(self, name, ids, score, method, country, atype, date) -> Resolution:
        aid = self._choose(ids, country, atype, date)
        if aid is None:  # several actors and nothing in the context to choose
            return Resolution(name, None, None, score, "ambiguous")
        return Resolution(name, aid, self._actors[aid].name, score, method)

    def _choose(self, ids, country, atype, date) -> str | None:
        uniq = list(dict.fromkeys(ids))
        if len(uniq) == 1:
            return uniq[0]
        day = date_bounds(date)[0] if date else None

        def evidence(aid: str) -> int:
            a = self._actors[aid]
            e = 0
            if country and a.country == country:
                e += 4
            if atype and a.actor_type == atype:
                e += 2
            if day is not None and _covers(*self._period[aid], day):
                e += 1
            return e

        scored = sorted(((evidence(a), a) for a in uniq), reverse=True)
        if scored[0][0] > 0 and scored[0][0] > scored[1][0]:
            return scored[0][1]
        return None

    def _fuzzy(self, name, key, country, atype, date) -> Resolution:
        if len(key) < _MIN_FUZZY_LEN:
            return Resolution(name, None, None, 0.0, "unknown")
        threshold = Settings().fuzzy_threshold
        hits = process.extract(key, self._norm_keys, scorer=fuzz.token_sort_ratio, limit=10,
                               score_cutoff=threshold - _COUNTRY_BOOST - _TYPE_BOOST)
        best_raw = hits[0][1] if hits else _best_score(key, self._norm_keys)
        ranked: list[tuple[float, str]] = []
        qtok = set(key.split())
        for cand, raw, _ in hits:
            if (qtok ^ set(cand.split())) & self._state_tokens:
                continue  # "government of iran" is not "government of iraq": differing words name states
            for aid in self._norm[cand]:
                a = self._actors[aid]
                boost = (_COUNTRY_BOOST if country and a.country == country else 0.0) + (
                    _TYPE_BOOST if atype and a.actor_type == atype else 0.0)
                ranked.append((min(100.0, raw + boost), aid))
        ranked.sort(reverse=True)
        if not ranked or ranked[0][0] < threshold:
            return Resolution(name, None, None, float(best_raw), "unknown")
        top = ranked[0][0]
        tied = [aid for s, aid in ranked if s == top]
        aid = self._choose(tied, country, atype, date) if len(set(tied)) > 1 else tied[0]
        if aid is None:
            return Resolution(name, None, None, top, "ambiguous")
        return Resolution(name, aid, self._actors[aid].name, top, "fuzzy")

    # ------------------------------------------------------------ matching

    def _get_matchers(self):
        if self._matchers is None:
            self._matchers = _build_matchers(self)
        return self._matchers


def _add(index: dict[str, list[str]], key: str, aid: str) -> None:
    if aid not in index[key]:
        index[key].append(aid)


def _covers(start: str | None, end: str | None, day: dt.date) -> bool:
    if start and date_bounds(start)[0] > day:
        return False
    if end and date_bounds(end)[1] < day:
        return False
    return True


def _best_score(key: str, keys: list[str]) -> float:
    hit = process.extractOne(key, keys, scorer=fuzz.token_sort_ratio)
    return float(hit[1]) if hit else 0.0


@lru_cache(maxsize=4)
def _default_for(_extra_kb_env: str) -> ActorKB:
    s = Settings()
    return _default_kb(s.data_dir / "actors.yaml", tuple(s.extra_kb))


@lru_cache(maxsize=4)
def _default_kb(base: Path, extra: tuple[Path, ...]) -> ActorKB:
    data = load_kb([base, *extra])
    data.records.extend(_iso_states(data))
    return ActorKB(data)


def _iso_states(data: KBData) -> list:
    """Every ISO 3166 country the curated KB lacks, as a plain state actor.

    The curated file covers the states our sources talk about most, with
    demonyms and capitals; any article of any conflict may name another
    ("Chad", "Burkina Faso"), and it should resolve to a state, not to nothing.
    """
    import re

    import pycountry

    from tightrope.resolve.kb import ActorRecord

    have = {r.actor.country for r in data.records if r.actor.actor_type == "state"}
    taken = {r.actor.actor_id for r in data.records}
    out = []
    for c in pycountry.countries:
        if c.alpha_2 in have:
            continue
        name = getattr(c, "common_name", None) or c.name
        aid = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")
        if aid in taken:
            continue
        names = {name, c.name, getattr(c, "official_name", c.name)} - {name}
        surfaces = (Surface(name, "name"), *(Surface(n, "alias") for n in sorted(names)))
        actor = Actor(actor_id=aid, name=name, aliases=tuple(sorted(names)), actor_type="state",
                      country=c.alpha_2, origin="iso3166")
        out.append(ActorRecord(actor=actor, surfaces=surfaces, path="pycountry", line=0))
    return out


@lru_cache(maxsize=1)
def _default_normaliser() -> Normaliser:
    return ActorKB.load().normalise


def normalise(name: str) -> str:
    """Spelling-folded matching key (rules: ``normalisation`` in actors.yaml)."""
    return _default_normaliser()(name)


# ---------------------------------------------------------------- recogniser


def _variants(text: str) -> set[str]:
    """Typographic variants the tokenizer would otherwise keep apart."""
    out = {text}
    if "'" in text or "’" in text:
        for a, b in (("'", "’"), ("’", "'")):
            out |= {v.replace(a, b) for v in list(out)}
        out |= {v.replace("'", "").replace("’", "") for v in list(out)}
    if "al-" in text or "Al-" in text:  # al-Sudani / al Sudani
        out |= {v.replace("al-", "al ").replace("Al-", "Al ") for v in list(out)}
    return out


def _build_matchers(kb: ActorKB):
    from spacy.matcher import PhraseMatcher

    from tightrope.extract.nlp import get_nlp

    nlp = get_nlp()
    lower = PhraseMatcher(nlp.vocab, attr="LOWER")
    orth = PhraseMatcher(nlp.vocab, attr="ORTH")
    groups: dict[tuple[str, str, bool], set[str]] = defaultdict(set)
    for s, aid in kb._surfaces:
        groups[(aid, s.kind, s.case_sensitive)] |= _variants(s.text)
    keys: dict[int, tuple[str, str]] = {}
    for (aid, kind, cs), texts in groups.items():
        label = f"actor:{aid}:{kind}"
        keys[nlp.vocab.strings.add(label)] = (aid, kind)
        docs = list(nlp.tokenizer.pipe(sorted(texts)))
        (orth if cs else lower).add(label, docs)
    return lower, orth, keys


def find_actors(text, kb: ActorKB | None = None, offset: int = 0, *,
                context_country: str | None = None, full_text: str | None = None) -> list[ActorMention]:
    """Non-overlapping, longest-first KB actor mentions with char offsets (+offset).

    ``text`` may be a string or an existing spaCy ``Doc`` (saves re-tokenising).
    A span shared by several actors (an ``ambiguous`` alias) is kept only when
    ``context_country`` singles one out.  ``full_text``: the Doc's text when the
    caller has it (``Doc.text`` re-joins every token, as costly as tokenising).
    """
    from tightrope.extract.nlp import make_doc, token_bounds

    kb = kb or ActorKB.load()
    doc = make_doc(text) if isinstance(text, str) else text
    full = full_text if full_text is not None else doc.text  # Doc.text re-joins every token: read it once
    out = []
    for cs, ce, aid, method in actor_spans(doc, kb, full, token_bounds(doc), context_country):
        a = kb.get(aid)
        out.append(ActorMention(cs + offset, ce + offset, full[cs:ce], aid, a.name, a.actor_type, method))
    return out


def actor_spans(doc, kb: ActorKB, full: str, bounds: tuple[list[int], list[int]],
                context_country: str | None = None) -> list[tuple[int, int, str, str]]:
    """find_actors' matching: (start_char, end_char, actor_id, method), sorted, given the Doc,
    its text and its tokens' (start_char list, end_char list) (nlp.token_bounds): character
    offsets come from those lists, not from a Python Token per use."""
    starts, ends = bounds
    n = len(starts)
    lower, orth, keys = kb._get_matchers()
    spans: dict[tuple[int, int], list[tuple[str, str]]] = {}
    # Longest span first (in characters), then leftmost: sorted as plain tuples (no key
    # function), unique since a span's start and length fix its end.
    order: list[tuple[int, int, int]] = []
    for matcher in (lower, orth):
        for match_id, start, end in matcher(doc):
            cands = spans.get((start, end))
            if cands is None:
                spans[(start, end)] = [keys[match_id]]
                order.append((starts[start] - ends[end - 1], start, end))
            else:
                cands.append(keys[match_id])
    order.sort()
    taken = [False] * n
    out = []
    ctx = context_country.upper() if context_country else None
    for _, start, end in order:
        if True in taken[start:end]:
            continue
        cands = spans[(start, end)]
        if len(cands) == 1:
            aid, kind = cands[0]
        else:
            ids = list(dict.fromkeys(aid for aid, _ in cands))
            aid = ids[0] if len(ids) == 1 else kb._choose(ids, ctx, None, None)
            if aid is None:
                continue
            kind = next(k for a, k in cands if a == aid)
        method = _METHODS.get(kind, kind)
        # "Iran-backed": a hyphen token right after the span, no space on either side of it.
        if (end + 1 < n and ends[end] - starts[end] == 1 and full[starts[end]] == "-"
                and starts[end] == ends[end - 1] and starts[end + 1] == ends[end]
                and full[starts[end + 1]:ends[end + 1]].lower() in _ADJECTIVAL):
            method = "adjectival"
        taken[start:end] = [True] * (end - start)
        out.append((starts[start], ends[end - 1], aid, method))
    out.sort()  # by start: the spans do not overlap, so no two share one
    return out


_METHODS = {"name": "exact", "case_sensitive": "alias"}

__all__ = ["ActorKB", "ActorMention", "find_actors", "normalise"]
