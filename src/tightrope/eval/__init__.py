"""Scores of the rule classifier on public benchmarks (``tightrope eval``).

``run_eval(benchmarks_dir, out_json)`` runs the CASE 2021 task 2 and PLOVER GSR
evaluations found under ``benchmarks_dir`` (folders ``case2021_task2/`` and
``plover_gsr/``), optionally writes the full scores as JSON, and returns them.
``render_table(scores)`` formats the headline numbers as a plain-text table.

Every number is given on odd ids (the development half, the only rows whose
errors were inspected while writing the lexicon), even ids (held out) and all.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

from tightrope.errors import EvalError

from . import case2021, plover

CASE_DIR = "case2021_task2"
PLOVER_DIR = "plover_gsr"
SPLITS = ("dev_odd", "heldout_even", "all")


def run_eval(benchmarks_dir: Path, out_json: Path | None = None) -> dict:
    """Evaluate on the shared benchmarks; raise EvalError when a folder is missing."""
    root = Path(benchmarks_dir)
    if not root.is_dir():
        raise EvalError(f"benchmarks folder not found: {root}")
    missing = [d for d in (CASE_DIR, PLOVER_DIR) if not (root / d).is_dir()]
    if missing:
        raise EvalError(f"benchmark folder(s) missing under {root}: {', '.join(missing)}")
    t0 = time.perf_counter()
    scores = {
        "case2021": case2021.evaluate(root / CASE_DIR),
        "plover_gsr": plover.evaluate(root / PLOVER_DIR),
    }
    from . import article

    scores["article_case2021"] = article.evaluate_case(root / CASE_DIR)
    scores["article_plover_gsr"] = article.evaluate_plover(root / PLOVER_DIR)
    if (root / "ucdp_ged_sample").is_dir():  # optional: resolver measurement (KB + gazetteer) on UCDP GED
        from . import ucdp

        scores["ucdp"] = ucdp.run_ucdp(root / "ucdp_ged_sample")
    scores["seconds"] = round(time.perf_counter() - t0, 3)
    if out_json is not None:
        out = Path(out_json)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(scores, indent=2, sort_keys=False), encoding="utf-8")
    return scores


# (scores key, [(row label, path inside one split's scores; None for a heading row)])
_TABLE: tuple[tuple[str, tuple[tuple[str, tuple[str, ...] | None], ...]], ...] = (
    ("case2021", (("CASE 2021, 25 ACLED types: n", ("seen_25", "n")), ("  weighted F1", ("seen_25", "weighted_f1")),
                  ("  macro F1", ("seen_25", "macro_f1")), ("  accuracy", ("seen_25", "accuracy")),
                  ("CASE 2021, all 30 types: n", ("all_30", "n")), ("  weighted F1", ("all_30", "weighted_f1")),
                  ("  macro F1", ("all_30", "macro_f1")), ("  accuracy", ("all_30", "accuracy")))),
    ("plover_gsr", (("PLOVER GSR: n", ("n",)), ("  event type accuracy", ("event_accuracy",)),
                    ("  source actor accuracy", ("source_accuracy",)),
                    ("  target actor accuracy", ("target_accuracy",)))),
    ("article_case2021", (("Article extractor on CASE (25 types)", None),
                          ("  snippets with an event", ("with_event",)),
                          ("  first event: weighted F1", ("weighted_f1",)),
                          ("  first event: accuracy", ("accuracy",)))),
    ("article_plover_gsr", (("Article extractor on PLOVER GSR", None),
                            ("  sentences with an event", ("with_event",)),
                            ("  first event: PLOVER type accuracy", ("event_accuracy",)),
                            ("  actor1 = gold source", ("source_accuracy",)),
                            ("  actor2 = gold target", ("target_accuracy",)))),
)


def _dig(d: dict, path: tuple[str, ...]):
    for k in path:
        d = d[k]
    return d


def render_table(scores: dict) -> str:
    """Headline scores as a plain-text table (dev = odd ids, held-out = even ids)."""
    rows: list[tuple[str, ...]] = [("benchmark / metric", "dev (odd)", "held-out (even)", "all")]

    def line(label: str, get) -> None:
        vals = []
        for sp in SPLITS:
            try:
                v = get(sp)
                vals.append(f"{v:.3f}" if isinstance(v, float) else str(v))
            except (KeyError, TypeError):
                vals.append("-")
        rows.append((label, *vals))

    for key, lines in _TABLE:
        section = scores.get(key)
        if not section:
            continue
        for label, path in lines:
            line(label, (lambda sp, sec=section, path=path: _dig(sec[sp], path)) if path else (lambda sp: ""))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    out = []
    for k, r in enumerate(rows):
        out.append("  ".join(r[0].ljust(widths[0]) if i == 0 else r[i].rjust(widths[i])
                             for i in range(len(r))).rstrip())
        if k == 0:
            out.append("  ".join("-" * w for w in widths))
    return "\n".join(out)


__all__ = ["run_eval", "render_table"]
