"""Relations between actors from appositions, titles, copulas and sponsor adjectives.

Patterns (phrases and their relation names live in data/cues.yaml):

* sponsor adjective: "the Iran-aligned Islamic Resistance in Iraq" -> aligned_with Iran
* apposition: "X, part of the broader Axis of Resistance", "X, a member of ... Y",
  "X, spokesman for Y" -> part_of / member_of / spokesperson_of
* title: "Iraqi Prime Minister X", "Israeli Foreign Minister X" -> head_of_government_of / official_of
* copula: "X is a facade group established by Y" -> front_for
* shared units: "organizations within X have brigades in Y" -> affiliated_with

People's roles and organisations found here also fill the person registry,
so statements can name the speaker's organisation.
"""

from __future__ import annotations

import re
from functools import lru_cache

from tightrope.extract.args import finditer_cue, lowered_sentence
from tightrope.extract.context import DocContext, Mention, Person, Sentence, fold
from tightrope.extract.cues import get_cues, holds_any
from tightrope.models import Provenance, Relation

_ADJ_WORDS = ("backed", "aligned", "allied", "sponsored", "funded", "supported", "linked", "affiliated")
_ADJ = re.compile(rf"[-\u2010\u2011]\s*({'|'.join(_ADJ_WORDS)})\b", re.I)
_ORGISH = {"armed_group", "coalition", "party", "organisation", "state_force", "government_body", "media", "igo",
           "think_tank", "state"}


def _is_person(m: Mention) -> bool:
    return m.kind == "person" or m.actor_type == "person"


def _rel(ctx: DocContext, s: Sentence, subj: Mention, rel: str, obj: Mention | str, a: int, b: int,
         method: str, conf: float) -> Relation:
    a, b = max(a, s.start), min(b, s.end)
    if isinstance(obj, Mention):
        obj_name, obj_id = obj.name, obj.actor_id
    else:
        obj_name, obj_id = obj, None
    return Relation(doc_id=ctx.doc.doc_id, provenance=Provenance(ctx.doc.doc_id, a, b, method, conf),
                    text=ctx.doc.text[a:b], subject=subj.name, subject_id=subj.actor_id, relation=rel,
                    object=obj_name, object_id=obj_id)


def _mention_at(s: Sentence, pos: int, kinds=None) -> Mention | None:
    for m in s.mentions:
        if m.start <= pos < m.end and (kinds is None or m.kind in kinds):
            return m
    return None


def _may_sponsor(s: Sentence) -> bool:
    """Whether _ADJ can match: it needs a hyphen and, lower-cased, one of its words.  A scan for
    a character class outside Latin-1 steps through the text one character at a time (~5 us a
    sentence); the substring tests skip 9 in 10 sentences of the bench corpus."""
    text = s.text
    if "-" not in text and "\u2010" not in text and "\u2011" not in text:
        return False
    low = lowered_sentence(s)
    return low is None or holds_any(low, _ADJ_WORDS)


def _sponsor(ctx: DocContext, s: Sentence) -> list[Relation]:
    out = []
    if not _may_sponsor(s):
        return out
    rels = get_cues().raw["adjectival_relations"]
    for m in _ADJ.finditer(s.text):
        pos = s.start + m.start()
        sponsor = next((x for x in s.mentions if x.end == pos or (x.end <= pos and pos - x.end <= 1)), None)
        if sponsor is None or sponsor.kind == "anaphor":
            continue
        after = [x for x in s.mentions if x.start >= s.start + m.end() and x.start - (s.start + m.end()) <= 12
                 and x.actor_type in _ORGISH - {"state"}]
        if after:
            out.append(_rel(ctx, s, after[0], rels[m.group(1).lower()], sponsor, sponsor.start, after[0].end,
                            "rules:sponsor_adjective", 0.8))
    return out


# Compiled once; matched with pos/endpos on the document text, which for these
# patterns (no lookbehind, no anchors) is matching the sentence's slice after the
# mention, without making the slice for every mention.
_APPOSITION = re.compile(r"\s*(?:\([^)]{1,20}\)\s*)?,\s+(?:(?:a|an|the)\s+)?(?:(?:broader|wider|larger|senior|"
                         r"prominent|leading|key|former|top)\s+)?")
_COPULA = re.compile(r"\s+(?:is|was|are|were|remains|serves as)\s+(?:(?:a|an|the|merely|just|only)\s+)*")
_COPULA_BY = re.compile(r"\s*(?:(?:established|created|set up|formed|founded|used|run|operated)\s+)?(?:by|for|of)\s+")
_COPULA_NP = re.compile(r"(?:the\s+)?([^,.;()\u201d\"]{3,60}?)\s*(?:[,.;()\u201d\"]|$)")


def _appositions(ctx: DocContext, s: Sentence) -> list[Relation]:
    cues = get_cues()
    out = []
    if "," not in s.text:
        return out  # _APPOSITION needs a comma after the mention, inside the sentence
    for subj in s.mentions:
        m = _APPOSITION.match(ctx.doc.text, subj.end, s.end)
        if not m:
            continue
        follow = ctx.doc.text[subj.end:s.end]
        m_end = m.end() - subj.end
        rest = follow[m_end:]
        rel_m = cues.relation_phrases.match(rest) or cues.roles.match(rest)
        if not rel_m:
            continue
        phrase = rel_m.group(0)
        relation = cues.relation_of(phrase) or cues.role_relation(phrase)
        if relation is None or relation == "coalition_of":
            continue
        # Object: first organisation mention inside the apposition (up to the next comma).
        app_end = subj.end + m_end + len(rest.split(",")[0]) + 1
        obj = next((x for x in s.mentions if subj.end + m_end + rel_m.end() <= x.start < app_end
                    and not _is_person(x)), None)
        if obj is None:
            continue
        if relation in ("spokesperson_of", "member_of", "leader_of", "official_of") and not _is_person(subj):
            if relation != "member_of" and subj.actor_type not in ("person",):
                continue
        out.append(_rel(ctx, s, subj, relation, obj, subj.start, obj.end, "rules:apposition", 0.85))
    return out


def _titles(ctx: DocContext, s: Sentence) -> list[Relation]:
    """"Iraqi Prime Minister X": a demonym or country, a role word, then a person."""
    cues = get_cues()
    out = []
    for p in s.mentions:
        if not _is_person(p) or p.kind == "anaphor":
            continue
        before = ctx.doc.text[max(s.start, p.start - 60):p.start]
        rm = _role_before_re().search(before)
        if not rm:
            continue
        role_start = p.start - len(before) + rm.start()
        org = next((x for x in s.mentions if x.end <= role_start and role_start - x.end <= 2
                    and x.actor_type in ("state", "government_body", "armed_group", "coalition", "party")), None)
        relation = cues.role_relation(rm.group(1))
        if org is None or relation is None:
            continue
        out.append(_rel(ctx, s, p, relation, org, org.start, p.end, "rules:title", 0.9))
    return out


def _copula(ctx: DocContext, s: Sentence) -> list[Relation]:
    cues = get_cues()
    out = []
    for subj in s.mentions:
        m = _COPULA.match(ctx.doc.text, subj.end, s.end)
        if not m:
            continue
        follow = ctx.doc.text[subj.end:s.end]
        m_end = m.end() - subj.end
        rest = follow[m_end:]
        rel_m = cues.relation_phrases.match(rest)
        if not rel_m:
            continue
        relation = cues.relation_of(rel_m.group(0))
        if relation is None or relation == "coalition_of":
            continue
        tail = rest[rel_m.end():]
        by = _COPULA_BY.match(tail)
        start_obj = subj.end + m_end + rel_m.end() + (by.end() if by else 0)
        obj = next((x for x in s.mentions if start_obj <= x.start < start_obj + 40 and not _is_person(x)), None)
        if obj is not None and obj.method in ("demonym", "adjectival") and by:
            obj = None  # "the Iraqi muqawama": the demonym only modifies the real object
        if obj is not None:
            out.append(_rel(ctx, s, subj, relation, obj, subj.start, obj.end, "rules:copula", 0.8))
        elif by:
            np = _COPULA_NP.match(ctx.doc.text[start_obj:s.end])
            if np:
                name = np.group(1).strip()
                out.append(_rel(ctx, s, subj, relation, name, subj.start, start_obj + np.end(), "rules:copula", 0.6))
    return out


# Built from cue lexicons once (per call they were rebuilt, re-escaped and re-hashed).
@lru_cache(maxsize=1)
def _role_before_re() -> re.Pattern[str]:
    return re.compile(rf"((?:{get_cues().roles.pattern}))\s+$", re.I)


@lru_cache(maxsize=1)
def _shared_units_re() -> re.Pattern[str]:
    nouns = "|".join(re.escape(n) for n in get_cues().raw["shared_unit_nouns"])
    return re.compile(rf"\b(?:have|has|maintain|maintains|hold|holds)\s+(?:their\s+own\s+)?(?:{nouns})\s+"
                      rf"(?:in|within|inside)\s+", re.I)


@lru_cache(maxsize=1)
def _shared_unit_keys() -> tuple[str, ...]:
    return tuple(n.lower() for n in get_cues().raw["shared_unit_nouns"])


def _shared_units(ctx: DocContext, s: Sentence) -> list[Relation]:
    out = []
    low = lowered_sentence(s)
    if low is not None and not holds_any(low, _shared_unit_keys()):
        return out  # the pattern needs one of these words: most sentences have none
    for m in finditer_cue(_shared_units_re(), s):
        pos = s.start + m.start()
        left = [x for x in s.mentions if x.end <= pos and x.actor_type in ("armed_group", "coalition")]
        right = [x for x in s.mentions if x.start >= s.start + m.end() and x.start - (s.start + m.end()) <= 6]
        if left and right:
            out.append(_rel(ctx, s, left[-1], "affiliated_with", right[0], left[-1].start, right[0].end,
                            "rules:shared_units", 0.7))
    return out


def _register_people(ctx: DocContext, rels: list[Relation]) -> None:
    for r in rels:
        if r.relation not in ("member_of", "spokesperson_of", "official_of", "leader_of", "head_of_government_of",
                              "head_of_state_of"):
            continue
        person = ctx.person(r.subject)
        if person is None:
            person = Person(name=r.subject, actor_id=r.subject_id)
            ctx.people[fold(r.subject)] = person
        if person.org is None:
            person.org, person.org_id = r.object, r.object_id
            person.role = r.relation.replace("_of", "").replace("_", " ")


def extract_relations(ctx: DocContext) -> list[Relation]:
    out: list[Relation] = []
    seen: set[tuple[str, str, str]] = set()
    for s in ctx.sentences:
        if s.is_header:
            continue
        for r in _sponsor(ctx, s) + _appositions(ctx, s) + _titles(ctx, s) + _copula(ctx, s) + _shared_units(ctx, s):
            key = (r.subject_id or r.subject, r.relation, r.object_id or r.object)
            if key in seen or key[0] == key[2]:
                continue
            seen.add(key)
            out.append(r)
    _register_people(ctx, out)
    return out
