"""Acceptance on the reference seeds: escalation, first IRI operation on the map, network links."""
from __future__ import annotations

from pathlib import Path

import pytest

from tightrope.report.html import build_context, render_report
from tightrope.store.db import Store

ROOT = Path(__file__).resolve().parents[2]
IRI = "Islamic Resistance in Iraq"


@pytest.fixture(scope="module")
def seeds_db(tmp_path_factory):
    shared = ROOT.parent / "shared"
    if not (shared / "seeds").is_dir():
        pytest.skip(f"../shared not present at {shared}: reference seeds are only on CI/dev machines")
    from tightrope import pipeline

    db = tmp_path_factory.mktemp("seeds") / "s.duckdb"
    with Store(db) as store:
        pipeline.ingest([ROOT / "samples", shared / "seeds"], store)
        pipeline.extract(store)
    return db


@pytest.fixture(scope="module")
def ctx(seeds_db):
    with Store(seeds_db, read_only=True) as s:
        return build_context(s)


def test_escalation_6_31_90_is_headlined(ctx):
    runs = [[(p["month"], p["value"]) for p in e["points"]] for e in ctx["escalations"]]
    assert [("2024-08", 6), ("2024-09", 31), ("2024-10", 90)] in runs, runs
    # and drawn on the monthly chart as a reported series
    lines = [{(p["month"], p["value"]) for p in s["points"]} for s in ctx["charts"]["dyad"]["lines"]]
    assert any({("2024-08", 6), ("2024-09", 31), ("2024-10", 90)} <= ln for ln in lines)


def test_first_iri_operation_is_on_the_map_in_erbil(ctx):
    first = [e for e in ctx["firsts"] if e["actor1"] == IRI]
    assert first and first[0]["event_date"] == "2023-10-17" and first[0]["admin1"] == "Erbil"
    ring = [p for p in ctx["map"]["points"] if p["highlight"]]
    assert any(p["admin1"] == "Erbil" and first[0]["event_id"] in p["ids"] for p in ring)
    erbil = next(p for p in ring if p["admin1"] == "Erbil")
    assert 0 <= erbil["x"] <= ctx["map"]["width"] and 0 <= erbil["y"] <= ctx["map"]["height"]


def test_network_links_iri_iran_axis_pmf(ctx):
    drawn = {(e["source_name"], e["target_name"]) for e in ctx["net"]["table"] if e["drawn"]}
    for other in ("Iran", "Axis of Resistance", "Popular Mobilization Forces"):
        assert (IRI, other) in drawn, other
    with_text = [e for e in ctx["net"]["table"] if e["source_name"] == IRI and any(
        ev["kind"] == "text" for ev in e["evidence"])]
    assert with_text, "at least one IRI edge is evidenced in an article"


def test_rendered_seed_report_mentions_them(seeds_db):
    with Store(seeds_db, read_only=True) as s:
        html = render_report(s)
    assert "Escalation:" in html and "Harir Air Base (Erbil governorate)" in html
