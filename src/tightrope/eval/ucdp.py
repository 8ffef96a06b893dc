"""How well the KB and gazetteer resolve UCDP GED names (``ucdp_ged_sample``).

For each of the 1,000 human-coded UCDP GED events we resolve ``side_a`` and
``side_b`` with ``ActorKB.resolve`` and ``where_description`` with the
gazetteer, giving the row's country as context (an article about an event has
one too), and report:

* share resolved -- actors over every side name (UCDP's "Civilians" is a
  victim category, not an actor: reported apart), lists such as "Ahrar
  al-Sham, Jabhat Fateh al-Sham" split into their members; places over every
  row with a description;
* share correct, checked automatically where the row allows it:
  - actor: "Government of X" must resolve to a body of state X; otherwise the
    name must match one of the actor's names (rapidfuzz token_set_ratio >= 90
    on normalised forms), or else the actor's home country must be the row's
    country ("plausible"); anything else is "unverified", not wrong;
  - place: our coordinates within 50 km of UCDP's (strict), or in the same
    country (lenient);
* with ``handcheck`` (a CSV of kind,input,resolved,verdict,note), the share of
  hand-checked resolutions judged correct.

This measures the resolver, not the extractor: inputs are UCDP's own names.
The KB is regional (Middle East); most UCDP rows are not.
"""

from __future__ import annotations

import csv
import math
import random
import re
from collections import Counter
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz

from tightrope.errors import EvalError

NOT_ACTORS = frozenset({"Civilians"})
# UCDP country names that neither pycountry nor GeoNames know in this form.
UCDP_COUNTRIES = {"DR Congo": "CD", "Bosnia-Herzegovina": "BA", "Macedonia, FYR": "MK"}
PLACE_RADIUS_KM = 50.0
NAME_MATCH = 90.0
HANDCHECK_SEED = 20240128
HANDCHECK_N = 40
_GOV = re.compile(r"^Government of (.+)$")
_STATE_TYPES = frozenset({"state", "state_force", "government_body"})


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


def load(path: Path) -> list[dict[str, str]]:
    p = Path(path)
    if p.is_dir():
        p = p / "ucdpged_sample_1000.csv"
    if not p.is_file():
        raise EvalError(f"UCDP sample not found: {p}")
    with p.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    if not rows or not {"side_a", "side_b", "where_description", "country", "latitude", "longitude"} <= set(rows[0]):
        raise EvalError(f"{p}: not a UCDP GED file (columns missing)")
    return rows


def country_code(name: str, gaz) -> str | None:
    """ISO2 for a UCDP country name such as 'Yemen (North Yemen)'."""
    base = name.split(" (")[0].strip()
    if base in UCDP_COUNTRIES:
        return UCDP_COUNTRIES[base]
    p = gaz.lookup(base)
    return p.country_code if p is not None and p.kind == "country" else None


def split_actors(side: str) -> list[str]:
    """UCDP joins several actors with ', ' on one side."""
    return [s.strip() for s in side.split(", ") if s.strip()]


def resolve_place(desc: str, gaz, cc: str | None):
    """Whole description first, else the best place named in it (see below)."""
    from tightrope.resolve.places import find_places

    desc = " ".join(desc.split())
    if not desc:
        return None
    p = gaz.lookup(desc, context_country=cc)
    if p is not None:
        return p
    found = find_places(desc, gaz, context_country=cc)
    if not found:
        return None
    # a place in the context country beats a more precise one elsewhere ("Maart Numan" is
    # not Numan, Nigeria); then the most precise, then the first named
    return min(enumerate(found), key=lambda im: (bool(cc) and im[1].place.country_code != cc,
                                                 im[1].place.geo_precision, im[1].place.latitude is None,
                                                 im[0]))[1].place


def check_actor(name: str, actor, row_cc: str | None, kb, gaz) -> str:
    """correct | plausible | wrong | unverified (see module docstring)."""
    if m := _GOV.match(name):
        want = country_code(m[1], gaz)
        if want is not None:
            return "correct" if actor.country == want and actor.actor_type in _STATE_TYPES else "wrong"
    key = kb.normalise(name)
    surfaces = [actor.name, *actor.aliases]
    if any(fuzz.token_set_ratio(key, kb.normalise(s)) >= NAME_MATCH for s in surfaces if kb.normalise(s)) \
            or name in surfaces:
        return "correct"
    if row_cc and actor.country == row_cc:
        return "plausible"
    return "unverified"


def check_place(place, row: dict[str, str], row_cc: str | None) -> str:
    """strict (<50 km) | country (same country) | wrong."""
    try:
        theirs = (float(row["latitude"]), float(row["longitude"]))
    except ValueError:
        theirs = None
    if theirs and place.latitude is not None and _km((place.latitude, place.longitude), theirs) < PLACE_RADIUS_KM:
        return "strict"
    if row_cc and place.country_code == row_cc:
        return "country"
    return "wrong"


def resolve_rows(rows: list[dict[str, str]], kb=None, gaz=None, *, context: bool = True) -> dict[str, list[dict]]:
    """Per-item results: {"actors": [...], "places": [...]} in row order."""
    from tightrope.resolve.actors import ActorKB
    from tightrope.resolve.places import Gazetteer

    kb = kb or ActorKB.load()
    gaz = gaz or Gazetteer.load()
    actors, places = [], []
    for i, row in enumerate(rows):
        cc = country_code(row["country"], gaz)
        ctx = cc if context else None
        for side in ("side_a", "side_b"):
            for name in split_actors(row[side]):
                item = {"row": i, "side": side, "input": name, "resolved": None, "resolved_name": None,
                        "check": None, "is_actor": name not in NOT_ACTORS}
                if item["is_actor"]:
                    r = kb.resolve(name, context_country=ctx)
                    if r.actor_id:
                        a = kb.get(r.actor_id)
                        item.update(resolved=r.actor_id, resolved_name=a.name, method=r.method,
                                    check=check_actor(name, a, cc, kb, gaz))
                actors.append(item)
        desc = row["where_description"]
        item = {"row": i, "input": " ".join(desc.split()), "resolved": None, "check": None}
        if item["input"]:
            p = resolve_place(desc, gaz, ctx)
            if p is not None:
                item.update(resolved=f"{p.name}, {p.country or '-'}", lat=p.latitude, lon=p.longitude,
                            check=check_place(p, row, cc))
        places.append(item)
    return {"actors": actors, "places": places}


def _share(n: int, d: int) -> float | None:
    return round(n / d, 3) if d else None


def summarise(items: dict[str, list[dict]]) -> dict[str, Any]:
    acts = [a for a in items["actors"] if a["is_actor"]]
    res_a = [a for a in acts if a["resolved"]]
    ca = Counter(a["check"] for a in res_a)
    plc = [p for p in items["places"] if p["input"]]
    res_p = [p for p in plc if p["resolved"]]
    cp = Counter(p["check"] for p in res_p)
    return {
        "actors": {
            "names": len(acts), "not_actors_skipped": sum(1 for a in items["actors"] if not a["is_actor"]),
            "resolved": len(res_a), "share_resolved": _share(len(res_a), len(acts)),
            "checks": dict(sorted(ca.items())),
            "share_correct_of_resolved": _share(ca["correct"], len(res_a)),
            "share_correct_or_plausible_of_resolved": _share(ca["correct"] + ca["plausible"], len(res_a)),
            "distinct_names": len({a["input"] for a in acts}),
            "distinct_resolved": len({a["input"] for a in res_a}),
        },
        "places": {
            "descriptions": len(plc), "resolved": len(res_p), "share_resolved": _share(len(res_p), len(plc)),
            "checks": dict(sorted(cp.items())),
            "share_within_50km_of_resolved": _share(cp["strict"], len(res_p)),
            "share_same_country_of_resolved": _share(cp["strict"] + cp["country"], len(res_p)),
        },
    }


def handcheck_sample(items: dict[str, list[dict]], n: int = HANDCHECK_N,
                     seed: int = HANDCHECK_SEED) -> dict[str, list[dict]]:
    """The fixed random sample of resolved items that was checked by hand."""
    # One generator per kind: a change in actor resolution must not re-draw the place sample.
    acts = [a for a in items["actors"] if a["resolved"]]
    plcs = [p for p in items["places"] if p["resolved"]]
    return {"actor": random.Random(seed).sample(acts, min(n, len(acts))),
            "place": random.Random(seed + 1).sample(plcs, min(n, len(plcs)))}


def read_handcheck(path: Path) -> list[dict[str, str]]:
    with Path(path).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def handcheck_scores(rows: list[dict[str, str]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for kind in ("actor", "place"):
        ks = [r for r in rows if r["kind"] == kind]
        ok = sum(1 for r in ks if r["verdict"] == "correct")
        out[kind] = {"n": len(ks), "correct": ok, "share_correct": _share(ok, len(ks)),
                     "verdicts": dict(sorted(Counter(r["verdict"] for r in ks).items()))}
    return out


def run_ucdp(path: Path, handcheck: Path | None = None) -> dict[str, Any]:
    """Scores on the UCDP sample (``path``: the CSV or its folder); see the module docstring."""
    rows = load(path)
    items = resolve_rows(rows)
    scores = summarise(items)
    scores["rows"] = len(rows)
    scores["without_context_country"] = {k: {"share_resolved": v["share_resolved"]} for k, v in
                                         summarise(resolve_rows(rows, context=False)).items()}
    if handcheck is not None and Path(handcheck).is_file():
        scores["handcheck"] = handcheck_scores(read_handcheck(handcheck))
    return scores


def render(scores: dict[str, Any]) -> str:
    a, p = scores["actors"], scores["places"]
    lines = [
        f"UCDP GED sample: {scores.get('rows', '?')} events",
        f"  actors: {a['resolved']}/{a['names']} names resolved ({a['share_resolved']:.1%}; "
        f"{a['distinct_resolved']}/{a['distinct_names']} distinct), {a['not_actors_skipped']} 'Civilians' skipped",
        f"    of resolved: correct {a['share_correct_of_resolved']:.1%}, correct or plausible "
        f"{a['share_correct_or_plausible_of_resolved']:.1%}  {a['checks']}",
        f"  places: {p['resolved']}/{p['descriptions']} descriptions resolved ({p['share_resolved']:.1%})",
        f"    of resolved: within 50 km {p['share_within_50km_of_resolved']:.1%}, same country "
        f"{p['share_same_country_of_resolved']:.1%}  {p['checks']}",
    ]
    for kind, h in scores.get("handcheck", {}).items():
        lines.append(f"  hand-checked {kind}s: {h['correct']}/{h['n']} correct ({h['share_correct']:.1%}) {h['verdicts']}")
    return "\n".join(lines)


__all__ = ["handcheck_sample", "handcheck_scores", "load", "render", "resolve_rows", "run_ucdp", "summarise"]
