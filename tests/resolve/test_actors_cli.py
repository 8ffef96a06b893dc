"""`tightrope actors [list|show]` and `tightrope merge`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tightrope.cli import app

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, list(args))


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Path:
    """A store built from the three Tower 22 articles (pipeline.run merges too)."""
    from tightrope import pipeline
    from tightrope.store.db import Store

    path = tmp_path_factory.mktemp("actors") / "t.duckdb"
    with Store(path) as s:
        pipeline.run([FIXTURES / "one_incident"], s, None)
    return path


@pytest.mark.parametrize("args,present,absent", [
    ((), ["kataib_hezbollah\tKataib Hezbollah", "iraq\tIraq"], []),
    (("list",), ["kataib_hezbollah\tKataib Hezbollah"], []),
    (("--type", "person"), ["joe_biden\tJoe Biden"], ["kataib_hezbollah"]),
    (("list", "--type", "state", "--search", "ira"), ["iraq\tIraq", "iran\tIran"], ["israel", "kataib"]),
    (("--search", "Hezbollah Brigades"), ["kataib_hezbollah"], ["hezbollah\tHezbollah"]),
])
def test_actors_list(args, present, absent):
    res = run("actors", *args)
    assert res.exit_code == 0, res.output
    for p in present:
        assert p in res.stdout
    for a in absent:
        assert a not in res.stdout


def test_actors_list_json_and_text_actors(db):
    res = run("actors", "list", "--json", "--type", "person", "--db", str(db))
    assert res.exit_code == 0, res.output
    rows = [json.loads(x) for x in res.stdout.splitlines()]
    text = {r["actor_id"]: r for r in rows if r["origin"] == "text"}
    assert "text:sabrina_singh" in text and text["text:sabrina_singh"]["name"] == "Sabrina Singh"


def test_actors_show_kb_actor():
    res = run("actors", "show", "KH")
    assert res.exit_code == 0, res.output
    out = res.stdout
    assert "Kataib Hezbollah  [kataib_hezbollah]" in out
    assert "member_of Islamic Resistance in Iraq [islamic_resistance_in_iraq] (2023-10 .. now)" in out
    assert "source: " in out and "aliases: " in out
    assert "evidence in the store" not in out  # no --db


def test_actors_show_person_roles_json():
    res = run("actors", "show", "Sudani", "--json")
    prof = json.loads(res.stdout)
    assert prof["actor_id"] == "mohammed_shia_al_sudani"
    assert prof["roles"][0]["role"] == "Prime Minister" and prof["roles"][0]["org_id"] == "iraq"


def test_actors_show_with_store_evidence(db):
    res = run("actors", "show", "Sabrina Singh", "--db", str(db), "--json")
    assert res.exit_code == 0, res.output
    prof = json.loads(res.stdout)
    assert prof["origin"] == "text" and prof["actor_id"] == "text:sabrina_singh"
    assert prof["evidence"] and prof["evidence"][0]["text"] == "Sabrina Singh"
    res = run("actors", "show", "Kataib Hezbollah", "--db", str(db))
    assert "evidence in the store:" in res.stdout and "Kataib Hezbollah" in res.stdout


@pytest.mark.parametrize("args,code", [
    (("actors", "show", "Nobody We Know Of"), 1),
    (("actors", "show", "KH", "--db", "/nonexistent/x.duckdb"), 1),
])
def test_actors_show_errors(args, code):
    res = run(*args)
    assert res.exit_code == code
    assert "error:" in res.stderr


def test_merge_command_prints_counts(db):
    res = run("merge", "--db", str(db))
    assert res.exit_code == 0, res.output
    lines = dict(line.split(": ") for line in res.stdout.splitlines())
    assert int(lines["mentions"]) >= int(lines["unique events"]) >= 1
    assert int(lines["reported by several documents"]) >= 1
