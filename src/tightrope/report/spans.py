"""Cut a document's text into segments at evidence-span boundaries, for highlighting.

Templates render each segment's text with autoescaping and wrap covered segments
in ``<mark>``; nothing here produces markup, so article text stays inert.
Spans may overlap (several facts read from one sentence): a segment lists every
span that covers it, and each span's anchor sits where the span starts.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field


@dataclass
class Segment:
    text: str
    covers: list[str] = field(default_factory=list)  # ids of spans covering this text
    anchors: list[str] = field(default_factory=list)  # ids of spans starting here
    focus: bool = False  # covered by the span the page is about


def segments(text: str, spans: Iterable[tuple[int, int, str]], focus: str | None = None) -> list[Segment]:
    """``spans`` are (char_start, char_end, id); out-of-range spans are clamped, empty ones dropped."""
    n = len(text)
    clean = []
    for a, b, sid in spans:
        if a is None or b is None:
            continue
        a, b = max(0, min(int(a), n)), max(0, min(int(b), n))
        if b > a:
            clean.append((a, b, sid))
    cuts = sorted({0, n, *(a for a, _, _ in clean), *(b for _, b, _ in clean)})
    starts: dict[int, list[str]] = {}
    for a, _, sid in sorted(clean):
        starts.setdefault(a, []).append(sid)
    out = []
    for a, b in zip(cuts, cuts[1:]):
        covers = [sid for s, e, sid in clean if s <= a and b <= e]
        out.append(Segment(text[a:b], covers, starts.get(a, []), focus is not None and focus in covers))
    if not out and n == 0:
        out.append(Segment(""))
    return out
