"""The analysis commands end to end through the main app."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from analyse_support import SEEDS, make_store, write_benchmark
from tightrope.cli import app

runner = CliRunner()


@pytest.mark.parametrize("cmd", ["trends", "signals", "forecast", "backtest", "simulate"])
def test_help(cmd):
    res = runner.invoke(app, [cmd, "--help"])
    assert res.exit_code == 0 and "Usage" in res.output


def test_simulate_reproducible_with_seed(tmp_path):
    args = ["simulate", "--runs", "3000", "--seed", "5"]
    a = runner.invoke(app, [*args, "--json", str(tmp_path / "a.json")])
    runner.invoke(app, [*args, "--json", str(tmp_path / "b.json")])
    assert a.exit_code == 0, a.output
    assert (tmp_path / "a.json").read_text() == (tmp_path / "b.json").read_text()
    data = json.loads((tmp_path / "a.json").read_text())
    assert data["seed"] == 5 and [r["id"] for r in data["rungs"]][-1] == "targeted_killings"
    assert "targeted_killings" in a.stdout


@pytest.mark.parametrize("args, code, message", [
    (["backtest", "--benchmark", "{tmp}/none"], 7, "benchmark file not found"),
    (["simulate", "{tmp}/none.yaml"], 2, "scenario file not found"),
    (["trends", "--db", "{tmp}/none.duckdb"], 2, "no such database"),
    (["signals", "--db", "{tmp}/none.duckdb"], 2, "no such database"),
    (["forecast", "--db", "{tmp}/none.duckdb"], 2, "no such database"),
])
def test_missing_inputs_one_line(tmp_path, args, code, message):
    res = runner.invoke(app, [a.format(tmp=tmp_path) for a in args])
    assert res.exit_code == code
    errors = [ln for ln in res.stderr.splitlines() if ln.startswith("error:")]
    assert len(errors) == 1 and message in errors[0]


def test_backtest_command_on_small_benchmark(tmp_path):
    rng = np.random.default_rng(0)
    f = write_benchmark(tmp_path / "b.csv", {("A", "Battles"): list(rng.poisson(30, 33)),
                                             ("B", "Riots"): list(rng.poisson(5, 33))})
    res = runner.invoke(app, ["backtest", "--benchmark", str(f), "--samples", "50",
                              "--json", str(tmp_path / "bt.json")])
    assert res.exit_code == 0, res.output
    for model in ("zero", "last_poisson", "conflictology", "negbin", "hawkes", "ensemble"):
        assert model in res.stdout
    data = json.loads((tmp_path / "bt.json").read_text())
    assert data["protocol"]["tune_window"] == ["2022-01", "2022-12"] and len(data["checks"]) == 3


def test_store_commands(tmp_path):
    events = [dict(date=f"2024-{m:02d}-10", origin="Iraq", actor2="Israel", country="Israel") for m in (8, 9, 9, 10)]
    stats = [dict(value=v, start=f"2024-{m:02d}-01", end=f"2024-{m:02d}-{d}", origin="Iraq", target="Israel")
             for m, v, d in ((8, 6, 31), (9, 31, 30), (10, 90, 31))]
    make_store(tmp_path / "t.duckdb", events, stats).close()
    db = ["--db", str(tmp_path / "t.duckdb")]
    res = runner.invoke(app, ["trends", *db, "--by", "front", "--json", str(tmp_path / "t.json")])
    assert res.exit_code == 0, res.output
    assert "Iraq -> Israel" in res.stdout and json.loads((tmp_path / "t.json").read_text())["reported_vs_ours"]
    res = runner.invoke(app, ["signals", *db, "--json", str(tmp_path / "s.json")])
    assert res.exit_code == 0, res.output
    esc = json.loads((tmp_path / "s.json").read_text())["escalations"]
    assert ("2024-09", "2024-10") in [(e["change_month"], e["alarm_month"]) for e in esc]
    res = runner.invoke(app, ["forecast", *db, "--by", "front", "--samples", "200"])
    assert res.exit_code == 0 and "Iraq -> Israel" in res.stdout
    assert runner.invoke(app, ["trends", *db, "--by", "colour"]).exit_code == 2


def test_seed_articles_escalation(tmp_path):
    """Acceptance: on the seeds' reported statistics (6, 31, 90 per month) escalation is flagged in September."""
    if not (SEEDS / "expected.yaml").is_file():
        pytest.skip(f"reference seeds not present at {SEEDS} (only on CI/dev machines with ../shared)")
    db = tmp_path / "s.duckdb"
    res = runner.invoke(app, ["run", str(SEEDS), "--db", str(db), "--no-report"])
    assert res.exit_code in (0, 3), res.output
    res = runner.invoke(app, ["signals", "--db", str(db), "--json", str(tmp_path / "s.json")])
    assert res.exit_code == 0, res.output
    esc = [e for e in json.loads((tmp_path / "s.json").read_text())["escalations"]
           if e["series"].startswith("reported:") and "Maariv" in e["series"]]
    assert [(e["change_month"], e["baseline"], e["after"]) for e in esc] == [("2024-09", 6.0, 60.5)]
    assert len(esc[0]["evidence"]) == 3


def test_console_script_simulate_runs():
    exe = Path(sys.executable).parent / "tightrope"
    if not exe.exists():
        exe = shutil.which("tightrope")
    if exe is None:
        pytest.skip("tightrope console script not installed")
    out = subprocess.run([str(exe), "simulate", "--runs", "2000", "--seed", "1"], capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0 and "simulated in" in out.stderr
