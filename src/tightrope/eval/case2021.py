"""CASE 2021 shared task 2 (fine-grained event classification) evaluation.

Data: ``case2021_task2/test_set_final_release_with_labels.tsv`` (id, EventSnippet,
SubType).  Scores:

* ``seen``: rows whose gold label is one of the 25 ACLED-derived labels (subtask 1),
  predicted with ``allow_unseen=False``: weighted F1, macro F1, accuracy, per class P/R/F1;
* ``all``: every row (30 labels, subtask 3), predicted with the unseen labels allowed.

Each is reported on odd ids (the development half: the only rows whose errors
were looked at while writing the lexicon), even ids (held out) and all ids.
"""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

from tightrope.errors import EvalError
from tightrope.extract.classify import classify_snippet

FILE = "test_set_final_release_with_labels.tsv"

SEEN = (
    "ABDUCT_DISSAP", "AGREEMENT", "AIR_STRIKE", "ARMED_CLASH", "ARREST", "ART_MISS_ATTACK",
    "ATTACK", "CHANGE_TO_GROUP_ACT", "CHEM_WEAP", "DISR_WEAP", "FORCE_AGAINST_PROTEST",
    "GOV_REGAINS_TERIT", "GRENADE", "HQ_ESTABLISHED", "MOB_VIOL", "NON_STATE_ACTOR_OVERTAKES_TER",
    "NON_VIOL_TERRIT_TRANSFER", "OTHER", "PEACE_PROTEST", "PROPERTY_DISTRUCT", "PROTEST_WITH_INTER",
    "REM_EXPLOS", "SEX_VIOL", "SUIC_BOMB", "VIOL_DEMONSTR",
)
UNSEEN = ("ORG_CRIME", "NATURAL_DISASTER", "MAN_MADE_DISASTER", "DIPLO", "ATTRIB")


def load(folder: Path) -> list[tuple[int, str, str]]:
    path = Path(folder) / FILE
    if not path.is_file():
        raise EvalError(f"CASE 2021 benchmark file not found: {path}")
    rows: list[tuple[int, str, str]] = []
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
        header = next(reader, None)
        if not header or [h.strip() for h in header[:3]] != ["id", "EventSnippet", "SubType"]:
            raise EvalError(f"{path}: unexpected header {header!r}")
        for n, row in enumerate(reader, start=2):
            if not row or not "".join(row).strip():
                continue
            if len(row) != 3:
                raise EvalError(f"{path}:{n}: expected 3 tab-separated columns, got {len(row)}")
            try:
                rid = int(row[0])
            except ValueError as exc:
                raise EvalError(f"{path}:{n}: id is not an integer: {row[0]!r}") from exc
            rows.append((rid, row[1], row[2].strip()))
    if not rows:
        raise EvalError(f"{path}: no rows")
    return rows


def prf(gold: list[str], pred: list[str], labels: tuple[str, ...]) -> dict:
    """Accuracy, macro/weighted F1 and per-class P/R/F1 over ``labels``."""
    tp: Counter = Counter()
    fp: Counter = Counter()
    fn: Counter = Counter()
    for g, p in zip(gold, pred):
        if g == p:
            tp[g] += 1
        else:
            fp[p] += 1
            fn[g] += 1
    per: dict[str, dict] = {}
    support = Counter(gold)
    for lab in labels:
        p_den = tp[lab] + fp[lab]
        r_den = tp[lab] + fn[lab]
        prec = tp[lab] / p_den if p_den else 0.0
        rec = tp[lab] / r_den if r_den else 0.0
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        per[lab] = {"precision": round(prec, 4), "recall": round(rec, 4), "f1": round(f1, 4),
                    "support": support[lab]}
    present = [lab for lab in labels if support[lab]]
    n = len(gold)
    macro = sum(per[lab]["f1"] for lab in present) / len(present) if present else 0.0
    weighted = sum(per[lab]["f1"] * support[lab] for lab in present) / n if n else 0.0
    acc = sum(1 for g, p in zip(gold, pred) if g == p) / n if n else 0.0
    return {"n": n, "accuracy": round(acc, 4), "macro_f1": round(macro, 4),
            "weighted_f1": round(weighted, 4), "per_class": per}


def evaluate(folder: Path) -> dict:
    rows = load(folder)
    pred_seen = {rid: classify_snippet(text, allow_unseen=False)[0] for rid, text, _ in rows}
    pred_all = {rid: classify_snippet(text, allow_unseen=True)[0] for rid, text, _ in rows}
    out: dict = {"benchmark": "CASE 2021 task 2", "file": FILE}
    splits = {"dev_odd": lambda r: r % 2 == 1, "heldout_even": lambda r: r % 2 == 0,
              "all": lambda r: True}
    for name, keep in splits.items():
        seen_rows = [(rid, g) for rid, _, g in rows if keep(rid) and g in SEEN]
        all_rows = [(rid, g) for rid, _, g in rows if keep(rid)]
        out[name] = {
            "seen_25": prf([g for _, g in seen_rows], [pred_seen[r] for r, _ in seen_rows], SEEN),
            "all_30": prf([g for _, g in all_rows], [pred_all[r] for r, _ in all_rows],
                          SEEN + UNSEEN),
        }
    return out


def errors(folder: Path, parity: int = 1, allow_unseen: bool = False) -> list[tuple[int, str, str, str]]:
    """(id, gold, predicted, snippet) for misclassified rows of one id parity (1 = dev)."""
    out = []
    for rid, text, gold in load(folder):
        if rid % 2 != parity or (not allow_unseen and gold not in SEEN):
            continue
        pred = classify_snippet(text, allow_unseen=allow_unseen)[0]
        if pred != gold:
            out.append((rid, gold, pred, text))
    return out
