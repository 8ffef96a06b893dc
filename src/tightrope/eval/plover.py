"""PLOVER gold-standard records (PLOVER_GSR_CAMEO.txt) evaluation.

Each record has a sentence (``text``), a PLOVER ``event`` coded with the 2016
draft (DEMAND/DISAPPROVE/INVESTIGATE/FIGHT are mapped to the 2.0 types via
``plover.yaml``'s legacy table) and gold ``source`` / ``target`` actors.  We
report event-type accuracy and source/target actor accuracy (our surface
string overlaps one of the gold ``actorText``s), on odd ids (development),
even ids (held out) and all.  The id parity is the record's trailing number.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

from tightrope.errors import EvalError
from tightrope.extract.classify import (
    TriggerMatch,
    classify_plover,
    main_trigger,
    plover_legacy_map,
)

FILE = "PLOVER_GSR_CAMEO.txt"

_STOP = {
    "the", "a", "an", "of", "and", "in", "on", "at", "to", "for", "by", "with", "from", "its",
    "his", "her", "their", "s", "'s",
}
_SKIP_CAP = {
    "the", "a", "an", "on", "in", "at", "after", "before", "with", "under", "during", "as", "for",
    "from", "some", "up", "about", "at", "both", "senior", "mr", "mrs", "ms", "dr", "gen", "lt",
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "today",
    "yesterday", "tonight", "january", "february", "march", "april", "may", "june", "july",
    "august", "september", "october", "november", "december", "jan", "feb", "mar", "apr", "jun",
    "jul", "aug", "sep", "sept", "oct", "nov", "dec", "in", "it", "this", "that", "these",
    "those", "there", "they", "he", "she", "we", "i", "but", "and", "or", "if", "when", "while",
    "according", "thousands", "hundreds", "dozens", "some", "many", "several", "all", "more",
    "most", "up", "angry", "young", "former", "new", "president", "prime", "minister",
}
_WORD_RE = re.compile(r"[A-Za-z][A-Za-z0-9.'\u2019\-]*|\d+")


def _parse_lenient(raw: str) -> Any:
    """json.loads, retried after stripping // and /* */ comments and trailing commas."""
    try:
        return json.loads(raw)
    except json.JSONDecodeError:
        pass
    out, i, n, in_str = [], 0, len(raw), False
    while i < n:
        ch = raw[i]
        if in_str:
            out.append(ch)
            if ch == "\\" and i + 1 < n:
                out.append(raw[i + 1])
                i += 2
                continue
            if ch == '"':
                in_str = False
            i += 1
            continue
        if ch == '"':
            in_str = True
            out.append(ch)
            i += 1
        elif raw.startswith("//", i):
            j = raw.find("\n", i)
            i = n if j < 0 else j
        elif raw.startswith("/*", i):
            j = raw.find("*/", i + 2)
            i = n if j < 0 else j + 2
        else:
            out.append(ch)
            i += 1
    cleaned = re.sub(r",(\s*[\]}])", r"\1", "".join(out))
    try:
        return json.loads(cleaned)
    except json.JSONDecodeError as exc:
        raise EvalError(f"{FILE}: not parseable as JSON: {exc}") from exc


def load(folder: Path) -> list[dict]:
    path = Path(folder) / FILE
    if not path.is_file():
        raise EvalError(f"PLOVER gold-standard file not found: {path}")
    data = _parse_lenient(path.read_text(encoding="utf-8"))
    if isinstance(data, dict):
        data = data.get("records") or data.get("data") or [data]
    if not isinstance(data, list):
        raise EvalError(f"{path}: expected a list of records")
    recs = []
    for r in data:
        if not isinstance(r, dict) or r.get("event") in (None, "DOCUMENT") or not r.get("text"):
            continue
        recs.append(r)
    if not recs:
        raise EvalError(f"{path}: no coded records")
    return recs


def _actor_texts(field: Any) -> list[str]:
    if not field or not isinstance(field, list):
        return []
    return [str(a.get("actorText", "")).strip() for a in field
            if isinstance(a, dict) and str(a.get("actorText", "")).strip()]


def _id_number(rec: dict) -> int:
    m = re.search(r"(\d+)\s*$", str(rec.get("id", "")))
    return int(m.group(1)) if m else 0


def _cap_spans(text: str, lo: int, hi: int) -> list[tuple[int, int]]:
    """Capitalised word runs inside text[lo:hi] (joined by of/and/the/-), as char spans."""
    spans: list[tuple[int, int]] = []
    cur: list[int] | None = None
    pending_join = False
    for m in _WORD_RE.finditer(text, lo, hi):
        w = m.group()
        lw = w.lower().rstrip(".")
        cap = w[0].isupper() and lw not in _SKIP_CAP
        if cap:
            if cur is not None and (pending_join or m.start() - cur[1] <= 1):
                cur[1] = m.end()
            else:
                if cur is not None:
                    spans.append((cur[0], cur[1]))
                cur = [m.start(), m.end()]
            pending_join = False
        elif cur is not None and lw in ("of", "and", "the", "for") and not pending_join:
            pending_join = True
        else:
            if cur is not None:
                spans.append((cur[0], cur[1]))
                cur = None
            pending_join = False
    if cur is not None:
        spans.append((cur[0], cur[1]))
    return spans


def find_source_target(text: str, trigger: TriggerMatch | str | tuple[int, int] | None
                       ) -> tuple[str | None, str | None]:
    """Crude source/target finder: source = first capitalised span before the trigger
    (else the words just before it), target = first capitalised span after it.

    Meant to be replaced by the knowledge-base actor recogniser."""
    if trigger is None:
        return None, None
    if isinstance(trigger, TriggerMatch):
        t0, t1 = trigger.start, trigger.end
    elif isinstance(trigger, tuple):
        t0, t1 = trigger
    else:
        t0 = text.find(trigger)
        if t0 < 0:
            return None, None
        t1 = t0 + len(trigger)
    before = _cap_spans(text, 0, t0)
    source = text[before[0][0]:before[0][1]] if before else None
    if source is None:
        words = [w for w in _WORD_RE.findall(text[:t0])
                 if w.lower() not in _STOP and w.lower() not in ("has", "have", "had", "was", "were",
                                                                  "is", "are", "will", "would")]
        source = " ".join(words[-2:]) or None
    after = _cap_spans(text, t1, len(text))
    target = text[after[0][0]:after[0][1]] if after else None
    return source, target


def _overlap(pred: str | None, golds: list[str]) -> bool:
    if not pred:
        return False
    pw = {w.lower().strip(".,'\u2019") for w in pred.split()} - _STOP
    for g in golds:
        gw = {w.lower().strip(".,'\u2019") for w in g.split()} - _STOP
        if pw & gw:
            return True
    return False


def evaluate(folder: Path) -> dict:
    recs = load(folder)
    rows = []
    for r in recs:
        text = str(r["text"]).strip().strip("{}")
        gold = plover_legacy_map(str(r["event"]).strip())
        pred, _mode = classify_plover(text)
        trig = main_trigger(text)
        src, tgt = find_source_target(text, trig) if trig else (None, None)
        rows.append({
            "n": _id_number(r), "gold": gold, "pred": pred,
            "src_gold": _actor_texts(r.get("source")), "tgt_gold": _actor_texts(r.get("target")),
            "src": src, "tgt": tgt,
        })
    out: dict = {"benchmark": "PLOVER GSR (CAMEO manual examples)", "file": FILE}
    splits = {"dev_odd": lambda n: n % 2 == 1, "heldout_even": lambda n: n % 2 == 0,
              "all": lambda n: True}
    for name, keep in splits.items():
        sel = [x for x in rows if keep(x["n"])]
        ev_ok = sum(1 for x in sel if x["gold"] == x["pred"])
        s_sel = [x for x in sel if x["src_gold"]]
        t_sel = [x for x in sel if x["tgt_gold"]]
        s_ok = sum(1 for x in s_sel if _overlap(x["src"], x["src_gold"]))
        t_ok = sum(1 for x in t_sel if _overlap(x["tgt"], x["tgt_gold"]))
        per: dict[str, dict] = {}
        support = Counter(x["gold"] for x in sel)
        for lab in sorted(support):
            hit = sum(1 for x in sel if x["gold"] == lab and x["pred"] == lab)
            per[lab] = {"support": support[lab], "correct": hit,
                        "recall": round(hit / support[lab], 4)}
        out[name] = {
            "n": len(sel),
            "event_accuracy": round(ev_ok / len(sel), 4) if sel else 0.0,
            "source_n": len(s_sel),
            "source_accuracy": round(s_ok / len(s_sel), 4) if s_sel else 0.0,
            "target_n": len(t_sel),
            "target_accuracy": round(t_ok / len(t_sel), 4) if t_sel else 0.0,
            "per_type": per,
        }
    return out


def errors(folder: Path, parity: int = 1) -> list[tuple[str, str, str, str]]:
    """(id, gold, predicted, text) for misclassified records of one id parity (1 = dev)."""
    out = []
    for r in load(folder):
        if _id_number(r) % 2 != parity:
            continue
        text = str(r["text"]).strip().strip("{}")
        gold = plover_legacy_map(str(r["event"]).strip())
        pred = classify_plover(text)[0]
        if pred != gold:
            out.append((str(r.get("id")), gold, pred, text))
    return out
