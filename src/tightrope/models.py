"""Typed records that flow between stages.

Every stage takes and returns these frozen dataclasses, never ad-hoc dicts.
Every extracted fact carries a :class:`Provenance`: the document id and the
exact character span of the evidence in ``Document.text``, the method that
produced it and a confidence.  ``to_row`` gives the flat export-contract row.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Literal

Precision = Literal["day", "week", "month", "year"]
ClaimStatus = Literal["claimed", "reported", "confirmed", "alleged", "denied"]


@dataclass(frozen=True)
class Provenance:
    """Where a fact comes from: ``Document.text[char_start:char_end]``."""

    doc_id: str
    char_start: int
    char_end: int
    method: str
    confidence: float = 1.0


def _evidence(fact: Any) -> dict[str, Any]:
    """The evidence columns every extracted fact exports: how it was found and its exact span."""
    p = fact.provenance
    return {"method": p.method, "confidence": p.confidence, "text": fact.text,
            "char_start": p.char_start, "char_end": p.char_end}


@dataclass(frozen=True)
class DateValue:
    """A date with the precision the text supports and how it was found."""

    date: dt.date  # first day of the period
    precision: Precision
    method: str  # e.g. "absolute", "relative:following_day", "relative:last_month", "metadata", "latest_reference"

    def iso(self) -> str:
        if self.precision == "year":
            return f"{self.date.year:04d}"
        if self.precision == "month":
            return f"{self.date.year:04d}-{self.date.month:02d}"
        return self.date.isoformat()


@dataclass(frozen=True)
class Document:
    doc_id: str
    text: str
    path: str | None = None
    url: str | None = None
    title: str | None = None
    publisher: str | None = None
    published: DateValue | None = None
    source_format: str = "text"  # text|html|feed|jsonl|csv

    def to_row(self) -> dict[str, Any]:
        return {
            "doc_id": self.doc_id,
            "path": self.path,
            "url": self.url,
            "title": self.title,
            "publisher": self.publisher,
            "published": self.published.iso() if self.published else None,
            "published_precision": self.published.precision if self.published else None,
            "published_method": self.published.method if self.published else None,
            "source_format": self.source_format,
            "text": self.text,
        }


@dataclass(frozen=True)
class Place:
    name: str
    latitude: float | None
    longitude: float | None
    country: str | None = None  # country name
    country_code: str | None = None  # ISO 3166-1 alpha-2
    admin1: str | None = None
    geo_precision: int = 3  # ACLED: 1 exact town, 2 near/part of region, 3 province/country
    kind: str = "place"  # city|region|base|country|landmark|...
    method: str = "gazetteer"  # curated|geonames|country|fuzzy


@dataclass(frozen=True)
class Affiliation:
    relation: str  # member_of, part_of, backed_by, aligned_with, front_for, leader_of, ...
    object_id: str
    start: str | None = None
    end: str | None = None
    source: str | None = None  # evidence or citation for curated facts


@dataclass(frozen=True)
class Actor:
    actor_id: str
    name: str
    aliases: tuple[str, ...] = ()
    actor_type: str = "unknown"  # state|state_force|government_body|armed_group|coalition|person|media|igo|party|organisation
    country: str | None = None  # ISO2
    affiliations: tuple[Affiliation, ...] = ()
    roles: tuple[tuple[str, str | None, str | None, str | None], ...] = ()  # (role, org_id, start, end)
    origin: str = "kb"  # kb|text
    provenance: Provenance | None = None

    def to_row(self) -> dict[str, Any]:
        return {
            "actor_id": self.actor_id,
            "name": self.name,
            "aliases": list(self.aliases),
            "actor_type": self.actor_type,
            "country": self.country,
            "affiliations": [
                {"relation": a.relation, "object_id": a.object_id, "start": a.start, "end": a.end}
                for a in self.affiliations
            ],
            "origin": self.origin,
        }


@dataclass(frozen=True)
class Resolution:
    """Outcome of resolving a surface name against the actor KB."""

    name: str
    actor_id: str | None
    canonical_name: str | None
    score: float
    method: str  # exact|alias|normalised|fuzzy|unknown


@dataclass(frozen=True)
class Event:
    event_id: str
    doc_id: str
    provenance: Provenance
    text: str
    event_type: str | None = None
    sub_event_type: str | None = None
    plover_type: str | None = None
    plover_mode: str | None = None
    date: DateValue | None = None
    actor1: str | None = None
    actor1_id: str | None = None
    assoc_actor_1: str | None = None
    actor2: str | None = None
    actor2_id: str | None = None
    assoc_actor_2: str | None = None
    origin_country: str | None = None
    place: Place | None = None
    weapon: str | None = None
    fatalities: int | None = None
    outcome: str | None = None
    claim_status: str = "reported"
    attributed_to: tuple[str, ...] = ()
    hedged: bool = False
    trigger: str | None = None

    def to_row(self) -> dict[str, Any]:
        p = self.place
        return {
            "event_id": self.event_id,
            "doc_id": self.doc_id,
            "event_date": self.date.date.isoformat() if self.date else None,
            "date_precision": self.date.precision if self.date else None,
            "date_method": self.date.method if self.date else None,
            "event_type": self.event_type,
            "sub_event_type": self.sub_event_type,
            "plover_type": self.plover_type,
            "plover_mode": self.plover_mode,
            "actor1": self.actor1,
            "actor1_id": self.actor1_id,
            "assoc_actor_1": self.assoc_actor_1,
            "actor2": self.actor2,
            "actor2_id": self.actor2_id,
            "assoc_actor_2": self.assoc_actor_2,
            "origin_country": self.origin_country,
            "location": p.name if p else None,
            "admin1": p.admin1 if p else None,
            "country": p.country if p else None,
            "latitude": p.latitude if p else None,
            "longitude": p.longitude if p else None,
            "geo_precision": p.geo_precision if p else None,
            "geo_method": p.method if p else None,
            "weapon": self.weapon,
            "fatalities": self.fatalities,
            "outcome": self.outcome,
            "claim_status": self.claim_status,
            "attributed_to": list(self.attributed_to),
            "hedged": self.hedged,
            "trigger": self.trigger,
            **_evidence(self),
        }


@dataclass(frozen=True)
class Statement:
    statement_id: str
    doc_id: str
    provenance: Provenance
    text: str
    quote: str | None = None
    speaker: str | None = None
    speaker_id: str | None = None
    speaker_role: str | None = None
    speaker_org: str | None = None
    statement_type: str | None = None
    target: str | None = None
    date: DateValue | None = None

    def to_row(self) -> dict[str, Any]:
        return {
            "statement_id": self.statement_id,
            "doc_id": self.doc_id,
            "date": self.date.iso() if self.date else None,
            "speaker": self.speaker,
            "speaker_id": self.speaker_id,
            "speaker_role": self.speaker_role,
            "speaker_org": self.speaker_org,
            "statement_type": self.statement_type,
            "target": self.target,
            "quote": self.quote,
            **_evidence(self),
        }


@dataclass(frozen=True)
class Statistic:
    stat_id: str
    doc_id: str
    provenance: Provenance
    text: str
    value: float
    subject: str | None = None
    origin: str | None = None
    target: str | None = None
    unit: str | None = None  # count|per day|per week|per month|...
    approximate: bool = False
    period_start: dt.date | None = None
    period_end: dt.date | None = None
    source: str | None = None

    def to_row(self) -> dict[str, Any]:
        value: float | int = int(self.value) if float(self.value).is_integer() else self.value
        return {
            "stat_id": self.stat_id,
            "doc_id": self.doc_id,
            "subject": self.subject,
            "origin": self.origin,
            "target": self.target,
            "value": value,
            "unit": self.unit,
            "approximate": self.approximate,
            "period_start": self.period_start.isoformat() if self.period_start else None,
            "period_end": self.period_end.isoformat() if self.period_end else None,
            "source": self.source,
            **_evidence(self),
        }


@dataclass(frozen=True)
class Relation:
    doc_id: str
    provenance: Provenance
    text: str
    subject: str
    relation: str
    object: str
    subject_id: str | None = None
    object_id: str | None = None

    def to_row(self) -> dict[str, Any]:
        return {
            "subject": self.subject,
            "subject_id": self.subject_id,
            "relation": self.relation,
            "object": self.object,
            "object_id": self.object_id,
            "doc_id": self.doc_id,
            **_evidence(self),
        }


@dataclass(frozen=True)
class Extraction:
    """Everything extracted from one document."""

    doc_id: str
    events: tuple[Event, ...] = ()
    statements: tuple[Statement, ...] = ()
    stats: tuple[Statistic, ...] = ()
    relations: tuple[Relation, ...] = ()
    actors: tuple[Actor, ...] = ()  # actors met in text that the KB lacks


@dataclass(frozen=True)
class Reject:
    """An input item that could not be read, with the reason."""

    path: str
    reason: str
    item: str | None = None  # e.g. "line 17" inside a JSONL file


@dataclass(frozen=True)
class IngestResult:
    documents: tuple[Document, ...] = ()
    rejects: tuple[Reject, ...] = ()
    notices: tuple[str, ...] = ()


def replace(obj: Any, **changes: Any) -> Any:
    """``dataclasses.replace`` re-exported so stages need one import."""
    return dataclasses.replace(obj, **changes)


_FILLABLE: dict[type, bool] = {}


def build(cls: type, values: dict[str, Any]) -> Any:
    """``cls(**values)`` for a dataclass when ``values`` holds every field, by filling the
    instance's ``__dict__``: a frozen dataclass's generated ``__init__`` sets each field
    through ``object.__setattr__``, ~2.5x slower, and the extractor's hot paths make tens of
    thousands of Mentions, TriggerMatches, Events and Provenances per 100 articles.  A class
    with ``__slots__`` or ``__post_init__`` gets its real constructor."""
    ok = _FILLABLE.get(cls)
    if ok is None:
        ok = _FILLABLE[cls] = not hasattr(cls, "__slots__") and not hasattr(cls, "__post_init__")
    if not ok:
        return cls(**values)
    obj = object.__new__(cls)
    obj.__dict__.update(values)
    return obj


__all__ = [
    "Actor",
    "build",
    "Affiliation",
    "ClaimStatus",
    "DateValue",
    "Document",
    "Event",
    "Extraction",
    "IngestResult",
    "Place",
    "Precision",
    "Provenance",
    "Reject",
    "Relation",
    "Resolution",
    "Statement",
    "Statistic",
    "field",
    "replace",
]
