"""Extract: Document -> Extraction (events, statements, statistics, relations, new actors).

Contract: ``extract_document(doc)`` is pure (same document, same output) and
every fact's ``text`` equals ``doc.text[char_start:char_end]``.
"""

from __future__ import annotations

import hashlib
import re

from tightrope.models import Actor, Document, Extraction, Provenance

# Bump when extraction output changes, so stored documents are re-extracted.
EXTRACTOR_VERSION = "0.1.0"


def _text_actors(ctx) -> tuple[Actor, ...]:
    """People met in the text that the KB lacks, stored with their first evidence."""
    out = {}
    for s in ctx.sentences:
        for m in s.mentions:
            if m.kind != "person" or m.method != "pattern":
                continue
            slug = re.sub(r"[^a-z0-9]+", "_", m.name.lower()).strip("_")
            aid = "text:" + slug
            if aid not in out:
                out[aid] = Actor(actor_id=aid, name=m.name, actor_type="person", origin="text",
                                 provenance=Provenance(ctx.doc.doc_id, m.start, m.end, "rules:person_name", 0.6))
    return tuple(out.values())


def extract_document(doc: Document) -> Extraction:
    from tightrope.extract.context import build_context
    from tightrope.extract.events import extract_events
    from tightrope.extract.relations import extract_relations
    from tightrope.extract.statements import extract_statements
    from tightrope.extract import classify, dates
    from tightrope.extract.stats import extract_stats

    # Text caches serve one document: none is carried over (bounded memory, honest benchmarks).
    classify.clear_caches()
    dates.clear_caches()
    ctx = build_context(doc)
    relations = extract_relations(ctx)  # first: fills people's roles for statements
    statements = extract_statements(ctx)
    events = extract_events(ctx)
    stats = extract_stats(ctx)
    return Extraction(doc_id=doc.doc_id, events=tuple(events), statements=tuple(statements),
                      stats=tuple(stats), relations=tuple(relations), actors=_text_actors(ctx))


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
