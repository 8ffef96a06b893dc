"""The report above its row limit: figures from SQL equal the full Python computation, rows are cut
to the latest N events (with a note saying so), article text stays escaped."""
from __future__ import annotations

import re

import pytest
from typer.testing import CliRunner

from scale_corpus import build
from tightrope.cli import app
from tightrope.report import aggregate, data, outlook
from tightrope.report.html import _actor_types, build_context, key_events, render_report
from tightrope.report.markdown import render_markdown
from tightrope.store.db import Store

LIMIT = 5
N = 40
ROW = re.compile(r'<tr id="([^"]+)" data-type')


@pytest.fixture(scope="module")
def stores(tmp_path_factory, small_db) -> dict:
    tmp = tmp_path_factory.mktemp("scale")
    return {"synthetic": build(tmp / "s.duckdb", N), "canonical": build(tmp / "c.duckdb", N, canonical=True),
            "one event": build(tmp / "one.duckdb", 1), "pipeline corpus": small_db}


@pytest.fixture(scope="module")
def cut_html(stores) -> str:
    with Store(stores["synthetic"], read_only=True) as s:
        return render_report(s, LIMIT)


@pytest.mark.parametrize("name", ["synthetic", "canonical", "one event", "pipeline corpus"])
def test_sql_aggregates_equal_the_python_computation(stores, name):
    types = _actor_types()
    with Store(stores[name], read_only=True) as s:
        full = data.aggregates(data.load(s), types)
        sql = aggregate.aggregates(s, types)
    assert set(sql) == set(full)
    for key in full:
        assert sql[key] == full[key], key
    if name == "synthetic":  # the corpus exercises what it was built for
        assert full["firsts"] and full["top_dyads"] and "other" in full["groups"]["dyad"][1]
        assert data.escalations(full["series"])


@pytest.mark.parametrize("name, n, expect_cut", [
    ("synthetic", LIMIT, True), ("synthetic", N, False), ("synthetic", N - 1, True), ("one event", 1, False),
])
def test_rows_are_cut_only_above_the_limit(stores, name, n, expect_cut):
    with Store(stores[name], read_only=True) as s:
        ctx = build_context(s, n)
        total = aggregate.count(s, "events")
        latest = aggregate.latest_event_ids(s, n)
    assert ctx["n_events"] == total
    if expect_cut:
        assert ctx["cut"]["shown"] == n and ctx["cut"]["total"] == total
        listed = {e["event_id"] for e in ctx["events"]}
        firsts = {e["event_id"] for e in ctx["firsts"]}
        assert listed == set(latest) | firsts and len(listed) == n + ctx["cut"]["extra"]
        # the listed events' articles, plus those of the reported figures the headlines and chart cite
        docs = {e["doc_id"] for e in ctx["events"]}
        cited = {p["stat_id"] for s in ctx["escalations"] + ctx["charts"]["dyad"]["lines"] for p in s["points"]}
        assert cited <= {s["stat_id"] for s in ctx["stats"]}
        listed_docs = {d["doc_id"] for d in ctx["docs"]}
        assert docs <= listed_docs <= docs | {s["doc_id"] for s in ctx["stats"]}
        assert {x["doc_id"] for x in ctx["statements"] + ctx["relations"] + ctx["stats"]} <= listed_docs
    else:
        assert ctx["cut"] is None and len(ctx["events"]) == total


def test_latest_events_are_the_most_recent_dated_ones(stores):
    with Store(stores["synthetic"], read_only=True) as s:
        every = data.load(s)["events"]
        latest = aggregate.latest_event_ids(s, LIMIT)
    dated = [e for e in every if e["event_date"]]
    assert set(latest) == {e["event_id"] for e in dated[-LIMIT:]}


def test_cut_page_says_so_and_lists_only_n_events(cut_html, stores):
    with Store(stores["synthetic"], read_only=True) as s:
        ctx = build_context(s, LIMIT)
    rows = ROW.findall(cut_html)
    assert len(rows) == LIMIT + ctx["cut"]["extra"] and set(rows) == {e["event_id"] for e in ctx["events"]}
    assert f"Showing the latest {LIMIT} of {N} events" in cut_html
    assert "the dashboard (<code>tightrope serve</code>) lists all" in cut_html
    assert f"<b>{N}</b>events coded" in cut_html  # the headline count covers every event
    # every listed event links to its sentence, and every source shown belongs to a listed event
    for eid in rows:
        assert f'href="#s-{eid}"' in cut_html and f'id="s-{eid}"' in cut_html
    assert len(re.findall(r'<details class="doc"', cut_html)) == len(ctx["docs"]) < 8


def test_cut_chart_counts_every_event_and_links_listed_ones(stores):
    with Store(stores["synthetic"], read_only=True) as s:
        ctx = build_context(s, LIMIT)
        monthly = dict(aggregate.aggregates(s, _actor_types())["monthly"])
    listed = {e["event_id"] for e in ctx["events"]}
    for key in ("dyad", "type"):
        bars = ctx["charts"][key]["bars"]
        assert sum(b["n"] for b in bars) == sum(monthly.values())
        assert all(set(b["ids"]) <= listed and len(b["ids"]) <= b["n"] for b in bars)


def test_hostile_article_text_stays_escaped_in_a_cut_page(cut_html):
    assert "window.__xss = 9" in cut_html, "the hostile article is among the listed documents"
    assert "<script>window.__xss" not in cut_html and "<img src=x" not in cut_html
    assert "&lt;script&gt;window.__xss = 9&lt;/script&gt;" in cut_html
    assert len(re.findall(r"<script>", cut_html)) == 1  # our own script only


def test_merged_incidents_pick_the_same_key_events_when_cut(stores):
    with Store(stores["canonical"], read_only=True) as s:
        full, cut = build_context(s), build_context(s, LIMIT)
    assert cut["cut"] and full["n_canonical"] == cut["n_canonical"] == N // 2
    assert key_events({"canonical": [], "events": []}, [])[0] == []
    assert [(k["canonical_event_id"], k["ids"]) for k in cut["key_events"]] == \
        [(k["canonical_event_id"], k["ids"]) for k in full["key_events"]]


def test_scaled_outlook_has_the_analysis_columns(stores):
    from tightrope.analyse.report import outlook as analysis_outlook

    with Store(stores["synthetic"], read_only=True) as s:
        full = analysis_outlook(s)
        scaled = outlook.scaled_outlook(s, [], top=50, runs=500)
    for key in ("signals", "forecasts", "scenarios"):
        assert scaled[key], key
        assert set(scaled[f"{key}_cols"]) <= {c for r in full[key] for c in r}, key
    reported = [r for r in scaled["signals"] if r["series"].startswith("reported:")]
    assert reported and reported[0]["change month"] == "2024-09"
    assert [f for f in scaled["forecasts"] if f["unit"].startswith("reported:")]


def test_markdown_and_command_cut_too(stores, tmp_path):
    with Store(stores["synthetic"], read_only=True) as s:
        md = render_markdown(s, LIMIT)
    assert f"Showing the latest {LIMIT} of {N} events" in md and "<script" not in md
    out = tmp_path / "r.html"
    res = CliRunner().invoke(app, ["report", "--db", str(stores["synthetic"]), "-o", str(out),
                                   "--max-events", str(LIMIT)])
    assert res.exit_code == 0, res.output
    assert len(ROW.findall(out.read_text())) < N and "Showing the latest" in out.read_text()


def test_the_limit_comes_from_settings(stores, monkeypatch):
    monkeypatch.setenv("TIGHTROPE_REPORT_MAX_EVENTS", str(LIMIT))
    with Store(stores["synthetic"], read_only=True) as s:
        assert build_context(s)["cut"]["shown"] == LIMIT
    monkeypatch.setenv("TIGHTROPE_REPORT_MAX_EVENTS", str(N))
    with Store(stores["synthetic"], read_only=True) as s:
        assert build_context(s)["cut"] is None


@pytest.mark.parametrize("max_fronts", [0, 1, 3, 1000])
def test_scaled_outlook_lists_the_latest_new_fronts(stores, max_fronts):
    """New-front alerts at scale: the last ``max_fronts`` of the full computation, counted in the note."""
    from tightrope.analyse import signals as sg
    from tightrope.analyse import trends as tr

    with Store(stores["synthetic"], read_only=True) as s:
        every = sg.new_fronts(tr.load_events(s))
        scaled = outlook.scaled_outlook(s, [], top=5, runs=200, max_fronts=max_fronts)
    rows = [r for r in scaled["signals"] if r["signal"].startswith("new front")]
    want = every[-max_fronts:] if max_fronts else ()
    assert [(r["series"], r["change month"]) for r in rows] == [(f.key, f.month) for f in want]
    assert [r["evidence"] for r in rows] == [", ".join(f.events[:outlook.FRONT_IDS]) for f in want]
    assert any(f"New fronts (a dyad or target quiet for 3 observed months, then active): {len(every)} " in n
               for n in scaled["notes"])
