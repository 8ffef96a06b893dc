"""The actor network: groups, coalitions and their sponsors, with the evidence for every edge.

Prefers ``tightrope.resolve.graph.actor_graph(store)`` when that module exists; until
then (or if its output is not in a shape we understand) builds the graph from the
``relations`` table (text evidence) plus knowledge-base affiliations.  People are
kept out of the drawing (it would become a hairball) but their edges stay in the table.
"""

from __future__ import annotations

import math
from typing import Any

from tightrope.store.db import Store

GROUP_TYPES = ("armed_group", "coalition", "party")
GROUP_TYPES_SET = set(GROUP_TYPES)
GRAVITY = 2.0
TYPE_COLOURS = {"armed_group": "#D55E00", "coalition": "#CC79A7", "party": "#E69F00", "state": "#0072B2",
                "state_force": "#56B4E9", "government_body": "#009E73", "igo": "#6b7784", "person": "#999999"}


def _kb():
    try:
        from tightrope.resolve.actors import ActorKB

        return {a.actor_id: a for a in ActorKB.load().actors()}
    except Exception:  # a broken user KB must not take the whole report down
        return {}


def _from_graph_module(store: Store, data: dict[str, Any]) -> tuple[list[dict], list[dict], str] | None:
    """Adapt ``resolve.graph.actor_graph``: nodes {id, name, actor_type}, edges {subject, relation, object,
    origin, citation, evidence: [{doc_id, char_start, char_end, text}]}."""
    try:
        from tightrope.resolve.graph import actor_graph
    except ImportError:
        return None
    try:
        try:
            nodes, edges = actor_graph(store, mentioned_only=True)
        except TypeError:  # an older signature
            nodes, edges = actor_graph(store)
        # Evidence spans link to the relation rows' anchors in the report's sources section.
        span_ids = {(r["doc_id"], r["char_start"], r["char_end"]): r["relation_id"] for r in data["relations"]}
        ns = [{"id": str(n["id"]), "name": str(n.get("name") or n["id"]),
               "type": n.get("actor_type") or n.get("type") or "unknown",
               "mentioned": (n.get("mentions") or 0) > 0 if "mentions" in n else True} for n in nodes]
        es = []
        for e in edges:
            ev = [{**_evidence(x), "span_id": span_ids.get((x.get("doc_id"), x.get("char_start"), x.get("char_end")))}
                  for x in e.get("evidence") or [] if isinstance(x, dict)]
            if e.get("origin", "kb") == "kb":
                ev.append({"doc_id": None, "char_start": None, "char_end": None, "kind": "kb",
                           "text": "knowledge base" + (f": {e['citation']}" if e.get("citation") else "")})
            es.append({"source": str(e["subject"]), "target": str(e["object"]),
                       "relation": str(e.get("relation") or "related_to"), "evidence": ev})
        return ns, es, "resolve.graph (knowledge base + text relations)"
    except Exception:  # parallel development: fall back rather than fail the report
        return None


def _evidence(x: Any) -> dict[str, Any]:
    if isinstance(x, dict):
        return {"doc_id": x.get("doc_id"), "char_start": x.get("char_start"), "char_end": x.get("char_end"),
                "text": x.get("text") or x.get("source") or "", "kind": "text" if x.get("doc_id") else "kb"}
    return {"doc_id": None, "char_start": None, "char_end": None, "text": str(x), "kind": "kb"}


def _own_graph(data: dict[str, Any], kb: dict) -> tuple[list[dict], list[dict], str]:
    text_types = {t["name"]: t["actor_type"] for t in data.get("text_actors", [])}
    seen: set[str] = set()
    for e in data["events"]:
        seen.update(x for x in (e.get("actor1_id"), e.get("actor2_id")) if x)
    seen.update(s["speaker_id"] for s in data["statements"] if s.get("speaker_id"))
    for r in data["relations"]:
        seen.update(x for x in (r.get("subject_id"), r.get("object_id")) if x)
    seeds = {a for a in seen if a in kb and kb[a].actor_type in GROUP_TYPES}
    edges: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
    names: dict[str, tuple[str, str]] = {}

    def node(aid: str | None, name: str) -> str:
        key = aid or f"text:{name}"
        if key not in names:
            a = kb.get(aid) if aid else None
            names[key] = (a.name if a else name, a.actor_type if a else text_types.get(name, "unknown"))
        return key

    for r in data["relations"]:
        s, o = node(r.get("subject_id"), r["subject"]), node(r.get("object_id"), r["object"])
        edges.setdefault((s, r["relation"], o), []).append(
            {"doc_id": r["doc_id"], "char_start": r["char_start"], "char_end": r["char_end"], "text": r["text"],
             "kind": "text", "span_id": r.get("relation_id")})
    for aid, a in kb.items():
        if not (aid in seeds or (aid in seen and any(f.object_id in seeds for f in a.affiliations))):
            continue
        for f in a.affiliations:
            if f.object_id not in kb:
                continue
            s, o = node(aid, a.name), node(f.object_id, kb[f.object_id].name)
            edges.setdefault((s, f.relation, o), []).append(
                {"doc_id": None, "char_start": None, "char_end": None, "kind": "kb",
                 "text": f"knowledge base{': ' + f.source if f.source else ''}"})
    ns = [{"id": k, "name": v[0], "type": v[1]} for k, v in names.items()]
    es = [{"source": s, "relation": rel, "target": o, "evidence": ev} for (s, rel, o), ev in edges.items()]
    return ns, es, "relations table + knowledge base"


def layout(ids: list[str], links: list[tuple[str, str]], width: float, height: float,
           iterations: int = 250) -> dict[str, tuple[float, float]]:
    """Fruchterman-Reingold from a fixed circle: deterministic, so reports diff cleanly."""
    n = len(ids)
    if n == 0:
        return {}
    pos = {v: [math.cos(2 * math.pi * i / n), math.sin(2 * math.pi * i / n)] for i, v in enumerate(sorted(ids))}
    k = math.sqrt(6.0 / n)
    temp = 0.2
    for _ in range(iterations):
        disp = {v: [0.0, 0.0] for v in ids}
        for i, a in enumerate(ids):
            for b in ids[i + 1:]:
                dx, dy = pos[a][0] - pos[b][0], pos[a][1] - pos[b][1]
                d2 = max(dx * dx + dy * dy, 1e-6)
                f = k * k / d2
                disp[a][0] += dx * f; disp[a][1] += dy * f  # noqa: E702
                disp[b][0] -= dx * f; disp[b][1] -= dy * f  # noqa: E702
        for a, b in links:
            dx, dy = pos[a][0] - pos[b][0], pos[a][1] - pos[b][1]
            d = max(math.hypot(dx, dy), 1e-3)
            f = d / k
            disp[a][0] -= dx * f; disp[a][1] -= dy * f  # noqa: E702
            disp[b][0] += dx * f; disp[b][1] += dy * f  # noqa: E702
        for v in ids:  # gravity keeps disconnected components from flying apart
            disp[v][0] -= pos[v][0] * GRAVITY * k
            disp[v][1] -= pos[v][1] * GRAVITY * k
            dx, dy = disp[v]
            d = max(math.hypot(dx, dy), 1e-9)
            step = min(d, temp)
            pos[v][0] += dx / d * step
            pos[v][1] += dy / d * step
        temp *= 0.985
    xs, ys = [p[0] for p in pos.values()], [p[1] for p in pos.values()]
    sx, sy = (max(xs) - min(xs)) or 1, (max(ys) - min(ys)) or 1
    left, right = 30, 200  # labels run to the right of their node
    return {v: (round(left + (p[0] - min(xs)) / sx * (width - left - right), 1),
                round(30 + (p[1] - min(ys)) / sy * (height - 60), 1)) for v, p in pos.items()}


def actor_network(store: Store, data: dict[str, Any], width: int = 900, height: int = 520) -> dict[str, Any]:
    kb = _kb()
    nodes, edges, origin = _from_graph_module(store, data) or _own_graph(data, kb)
    types = {n["id"]: n["type"] for n in nodes}
    mentioned = {n["id"] for n in nodes if n.get("mentioned", True)}

    def group_edge(e: dict) -> bool:
        """One end is a group the articles mention (KB groups nobody wrote about stay out)."""
        return any(types.get(x) in GROUP_TYPES_SET and x in mentioned for x in (e["source"], e["target"]))

    # Groups, coalitions and their sponsors are drawn; the table also keeps every edge
    # stated in an article (people's roles included).
    edges = [e for e in edges if e["source"] != e["target"] and (
        group_edge(e) or any(ev["kind"] == "text" for ev in e["evidence"]))]
    drawn = [e for e in edges if types.get(e["source"]) != "person" and types.get(e["target"]) != "person"
             and group_edge(e)]
    ids = sorted({x for e in drawn for x in (e["source"], e["target"])})
    pos = layout(ids, [(e["source"], e["target"]) for e in drawn], width, height)
    by_id = {n["id"]: n for n in nodes}
    for i, e in enumerate(edges):
        e["anchor"] = f"edge-{i}"
        e["source_name"] = by_id.get(e["source"], {}).get("name", e["source"])
        e["target_name"] = by_id.get(e["target"], {}).get("name", e["target"])
        e["drawn"] = e in drawn
    svg_nodes = [{"id": v, "name": by_id.get(v, {}).get("name", v), "type": types.get(v, "unknown"),
                  "x": pos[v][0], "y": pos[v][1], "colour": TYPE_COLOURS.get(types.get(v, ""), "#444")} for v in ids]
    svg_edges = []
    for e in drawn:
        (x1, y1), (x2, y2) = pos[e["source"]], pos[e["target"]]
        has_text = any(ev["kind"] == "text" for ev in e["evidence"])
        svg_edges.append({"x1": x1, "y1": y1, "x2": x2, "y2": y2, "anchor": e["anchor"], "relation": e["relation"],
                          "source_name": e["source_name"], "target_name": e["target_name"], "text": has_text})
    edges.sort(key=lambda e: (not e["drawn"], e["source_name"], e["relation"], e["target_name"]))
    legend = sorted({n["type"] for n in svg_nodes})
    return {"width": width, "height": height, "nodes": svg_nodes, "edges": svg_edges, "table": edges,
            "origin": origin, "legend": [{"type": t, "colour": TYPE_COLOURS.get(t, "#444")} for t in legend]}
