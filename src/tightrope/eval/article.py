"""End-to-end scores of the article extractor (not the snippet classifier) on the benchmarks.

The snippet classifier answers "which type is this text?"; the article
extractor must also decide that something happened (not a plan or a threat),
find a trigger and its arguments.  Here each benchmark text is run through
``extract_document`` as a one-paragraph article and its first event is scored:

* CASE 2021 (25 ACLED types): share of snippets with an event, and the first
  coded event's sub-event type (no event counts as OTHER);
* PLOVER GSR: the first event's PLOVER type, and whether its actor1/actor2
  overlap the gold source/target texts.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import yaml

from tightrope.eval import case2021, plover
from tightrope.models import DateValue, Document
from tightrope.settings import DATA_DIR

# Snippets carry no date: an arbitrary fixed publication date keeps relative dates resolvable.
_PUB = DateValue(dt.date(2021, 1, 1), "day", "benchmark")
SPLITS = {"dev_odd": lambda n: n % 2 == 1, "heldout_even": lambda n: n % 2 == 0, "all": lambda n: True}


def _codes() -> dict[str, str]:
    tax = yaml.safe_load((DATA_DIR / "acled_taxonomy.yaml").read_text(encoding="utf-8"))
    return {s["name"]: s["code"] for t in tax["event_types"] for s in t["sub_event_types"]}


def _events(text: str):
    from tightrope.extract import extract_document

    body = "Benchmark item\n" + " ".join(text.split())
    return extract_document(Document(doc_id="bench", text=body, published=_PUB)).events


def evaluate_case(folder: Path) -> dict:
    codes = _codes()
    rows = [(rid, text, gold) for rid, text, gold in case2021.load(folder) if gold in case2021.SEEN]
    preds = {}
    found = {}
    for rid, text, _ in rows:
        evs = _events(text)
        typed = [e for e in evs if e.sub_event_type]
        found[rid] = bool(evs)
        preds[rid] = codes.get(typed[0].sub_event_type, "OTHER") if typed else "OTHER"
    out = {}
    for name, keep in SPLITS.items():
        sel = [(rid, g) for rid, _, g in rows if keep(rid)]
        scores = case2021.prf([g for _, g in sel], [preds[r] for r, _ in sel], case2021.SEEN)
        scores["with_event"] = round(sum(found[r] for r, _ in sel) / len(sel), 4) if sel else 0.0
        out[name] = scores
    return out


def evaluate_plover(folder: Path) -> dict:
    rows = []
    for r in plover.load(folder):
        text = str(r["text"]).strip().strip("{}")
        evs = _events(text)
        ev = evs[0] if evs else None
        rows.append({
            "n": plover._id_number(r), "gold": plover.plover_legacy_map(str(r["event"]).strip()),
            "pred": ev.plover_type if ev else None,
            "src": (ev.actor1 if ev else None), "tgt": (ev.actor2 if ev else None),
            "src_gold": plover._actor_texts(r.get("source")), "tgt_gold": plover._actor_texts(r.get("target")),
            "src_text": _surface(ev, text, 1), "tgt_text": _surface(ev, text, 2),
        })
    out = {}
    for name, keep in SPLITS.items():
        sel = [x for x in rows if keep(x["n"])]
        s_sel = [x for x in sel if x["src_gold"]]
        t_sel = [x for x in sel if x["tgt_gold"]]
        out[name] = {
            "n": len(sel),
            "with_event": round(sum(x["pred"] is not None for x in sel) / len(sel), 4) if sel else 0.0,
            "event_accuracy": round(sum(x["pred"] == x["gold"] for x in sel) / len(sel), 4) if sel else 0.0,
            "source_accuracy": round(sum(plover._overlap(x["src_text"], x["src_gold"]) for x in s_sel)
                                     / len(s_sel), 4) if s_sel else 0.0,
            "target_accuracy": round(sum(plover._overlap(x["tgt_text"], x["tgt_gold"]) for x in t_sel)
                                     / len(t_sel), 4) if t_sel else 0.0,
        }
    return out


def _surface(ev, text: str, which: int) -> str | None:
    """The actor as the benchmark names it: our canonical name, or the generic label."""
    if ev is None:
        return None
    name = ev.actor1 if which == 1 else ev.actor2
    assoc = ev.assoc_actor_1 if which == 1 else ev.assoc_actor_2
    return " ".join(x for x in (name, assoc) if x) or None
