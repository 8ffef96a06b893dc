"""Analysis commands: trends, signals, forecast, backtest, simulate.

Thin: parse options, call the library, print rich tables, optionally write JSON.
``register(app)`` is called by ``tightrope.cli`` when it builds the main app.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.table import Table

from tightrope.errors import ConfigError

DEFAULT_BENCHMARK = Path("../shared/benchmarks/acled_monthly_middle_east")
JsonOpt = Annotated[Optional[Path], typer.Option("--json", help="Also write the results as JSON here.")]
# Same as tightrope.cli.DbOpt; defined here because annotations are resolved in this module's globals.
DbOpt = Annotated[Optional[Path], typer.Option("--db", help="DuckDB file (default ./tightrope.duckdb).")]
SeedOpt = Annotated[int, typer.Option("--seed", help="Random seed: same seed, same numbers.")]


def _open_store(db: Path):
    from tightrope.store.db import Store

    if not db.exists():
        raise ConfigError(f"{db}: no such database (run `tightrope run PATH --db {db}` first)")
    return Store(db, read_only=True)


def _write_json(path: Path | None, payload: dict) -> None:
    if path is None:
        return
    from tightrope.analyse.overview import jsonable

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(jsonable(payload), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    except OSError as e:
        raise ConfigError(f"{path}: cannot write JSON ({e.strerror})") from None


def _check_by(by: str) -> None:
    from tightrope.analyse.trends import GROUPS

    if by not in GROUPS:
        raise ConfigError(f"--by must be one of {', '.join(GROUPS)}, not {by!r}")


def _pct(x: float) -> str:
    return "-" if x != x else f"{x:.0%}"


def register(app: typer.Typer) -> None:
    from tightrope.cli import _db, _errors, err, out

    @app.command()
    def trends(db: DbOpt = None,
               by: Annotated[str, typer.Option("--by", help="type, sub_type, plover, dyad, front, target, "
                                                           "country, place, source, claim or all.")] = "type",
               freq: Annotated[str, typer.Option("--freq", help="month or week.")] = "month",
               top: Annotated[int, typer.Option("--top", help="Keys to show.")] = 15,
               out_json: JsonOpt = None) -> None:
        """Event counts by period and key, and reported statistics beside our own counts."""
        from tightrope.analyse import trends as tr

        with _errors():
            if freq not in ("month", "week"):
                raise ConfigError(f"--freq must be month or week, not {freq!r}")
            _check_by(by)
            with _open_store(_db(db)) as store:
                # Counted in DuckDB (any store size); every key only when JSON asks for all.
                res = tr.trends_store(store, by=by, freq=freq, top=None if out_json else top)
        counts = res["counts"]
        fit = max(3, min(12, (out.width - 38) // 7))  # as many recent periods as the terminal shows
        periods = counts.periods[-fit:]
        t = Table(title=f"Events by {by} and {freq} (last {len(periods)} periods)")
        t.add_column(by, min_width=16, max_width=30, overflow="fold")
        for p in periods:
            t.add_column(p, justify="right")
        t.add_column("total", justify="right")
        series = counts.series()
        for key in list(series)[:top]:
            vals = series[key]
            t.add_row(key, *[str(v) if v else "." for v in vals[-len(periods):]], str(sum(vals)))
        out.print(t)
        if counts.too_coarse:
            err.print(f"note: {counts.too_coarse} events dated too coarsely for a {freq} are not counted",
                      markup=False)
        c = Table(title="Reported statistics vs our extracted events")
        for col in ("period", "source", "subject", "origin -> target", "reported", "ours", "why the gap"):
            c.add_column(col, justify="right" if col in ("reported", "ours") else "left",
                         ratio=4 if col == "why the gap" else None, no_wrap=col == "period")
        for s in res["reported_vs_ours"]:
            c.add_row(s.period, s.source or "?", s.subject or "?", f"{s.origin or '?'} -> {s.target or '?'}",
                      f"{s.reported:g}", str(s.extracted), s.explanation)
        out.print(c)
        _write_json(out_json, res)

    @app.command()
    def signals(db: DbOpt = None,
                by: Annotated[str, typer.Option("--by", help="Grouping for event-count alarms.")] = "front",
                out_json: JsonOpt = None) -> None:
        """Escalation alarms (NB CUSUM + online change points), intensity index, new fronts."""
        from tightrope.analyse import overview

        with _errors():
            _check_by(by)
            with _open_store(_db(db)) as store:
                res = overview.signals(store, by=by)
        t = Table(title="Escalation alarms (negative-binomial CUSUM for a doubling)")
        for col in ("series", "change month", "alarm", "before", "after", "x", "P(change)", "evidence"):
            t.add_column(col)
        for e in res["escalations"]:
            t.add_row(e.series, e.change_month, e.alarm_month, f"{e.baseline:g}", f"{e.after:g}", f"{e.ratio:.1f}",
                      f"{e.change_probability:.2f}", ", ".join(e.evidence[:4]))
        out.print(t)
        i = Table(title="Intensity index (weighted by type and fatalities)")
        for col in ("month", "index", "events", "deaths", "top events"):
            i.add_column(col)
        for p in res["intensity"][-12:]:
            i.add_row(p.period, f"{p.index:g}", str(p.events), str(p.fatalities), ", ".join(p.top_events))
        out.print(i)
        f = Table(title="New fronts (quiet for 3 observed months, then active)")
        for col in ("month", "kind", "front", "events"):
            f.add_column(col)
        for nf in res["new_fronts"]:
            f.add_row(nf.month, nf.kind, nf.key, ", ".join(nf.events[:4]))
        out.print(f)
        _write_json(out_json, res)

    @app.command()
    def forecast(db: DbOpt = None,
                 by: Annotated[str, typer.Option("--by", help="country, front, dyad, type...")] = "country",
                 horizon: Annotated[int, typer.Option("--horizon", min=1, max=3, help="Months ahead (1-3).")] = 3,
                 samples: Annotated[int, typer.Option("--samples", min=10, help="Samples per unit and month.")] = 1000,
                 seed: SeedOpt = 0, out_json: JsonOpt = None) -> None:
        """Next 1-3 months of event counts per unit, with 90% intervals (NB + Hawkes ensemble)."""
        from tightrope.analyse import overview

        with _errors():
            _check_by(by)
            with _open_store(_db(db)) as store:
                res = overview.forecasts(store, by=by, horizon=horizon, n=samples, seed=seed)
        t = Table(title=f"Forecast by {by} ({samples} samples, seed {seed})")
        for col in ("unit", "month", "mean", "median", "90% interval", "P(> 2x trailing mean)"):
            t.add_column(col)
        for f in res["forecasts"]:
            t.add_row(f.unit, f.month, f"{f.mean:.1f}", f"{f.median:g}", f"{f.lo90:g}-{f.hi90:g}", _pct(f.p_escalation))
        out.print(t)
        _write_json(out_json, res)

    @app.command()
    def backtest(benchmark: Annotated[Path, typer.Option("--benchmark", help="ACLED monthly benchmark folder or CSV.")]
                 = DEFAULT_BENCHMARK,
                 samples: Annotated[int, typer.Option("--samples", min=10, help="Samples per unit and month.")] = 1000,
                 seed: SeedOpt = 0, out_json: JsonOpt = None) -> None:
        """Rolling-origin backtest: tune on 2022 origins, report 2023 origins, against VIEWS baselines."""
        from tightrope.analyse.backtest import run_backtest, to_json

        with _errors():
            res = run_backtest(benchmark, n=samples, seed=seed)
        w = res.report_window
        t = Table(title=f"Backtest, origins {w[0]}..{w[1]} ({res.units} country x type series, horizons 1-"
                        f"{res.horizon}, {res.samples} samples; tuned on {res.tune_window[0]}..{res.tune_window[1]})")
        for col in ("model", "CRPS", "MAE", "log score (bits)", "90% interval score", "90% coverage",
                    "Brier (>2x)", "n"):
            t.add_column(col, justify="left" if col == "model" else "right", no_wrap=col == "model")
        for r in res.rows:
            t.add_row(r.model + (" *" if r.model == res.best.model else ""), f"{r.crps:.2f}", f"{r.mae:.2f}",
                      f"{r.log:.3f}", f"{r.interval:.1f}", f"{r.coverage:.3f}", f"{r.brier:.4f}", str(r.n))
        out.print(t)
        for r in res.tuning:
            err.print(f"tuned {r.model}: {r.params} (tuning CRPS {r.crps:.2f}, coverage {r.coverage:.3f})",
                      markup=False)
        for c in res.checks:
            out.print(f"{'PASS' if c.passed else 'FAIL'}  {c.name}: {c.detail}", markup=False)
        _write_json(out_json, to_json(res))

    @app.command()
    def simulate(scenario: Annotated[Optional[Path], typer.Argument(help="Scenario YAML (default: the shipped "
                                                                         "Iraq-front scenario).")] = None,
                 runs: Annotated[int, typer.Option("--runs", min=1, help="Monte Carlo runs.")] = 10000,
                 horizon: Annotated[Optional[int], typer.Option("--horizon", min=1, help="Months (default: the "
                                                                "scenario's).")] = None,
                 seed: SeedOpt = 0, out_json: JsonOpt = None) -> None:
        """Monte Carlo over an escalation ladder: P(reaching each rung) within the horizon, with drivers."""
        from tightrope.analyse import scenario as scn

        started = time.perf_counter()
        with _errors():
            sc = scn.load_scenario(scenario)
            res = scn.simulate(sc, runs=runs, seed=seed, horizon=horizon)
        h = res.horizon
        marks = sorted({1, min(3, h), h})
        t = Table(title=f"{res.scenario}: {runs} runs, {h} months from {sc.as_of}, seed {seed}")
        t.add_column("rung", no_wrap=True)
        t.add_column("what it means", ratio=3)
        for m in marks:
            t.add_column(f"P {m} mo", justify="right", no_wrap=True)
        t.add_column("median month", justify="right")
        for r in res.rungs:
            t.add_row(r.id, r.label, *[_pct(r.by_month[m - 1]) for m in marks],
                      "-" if r.median_month is None else str(r.median_month))
        out.print(t)
        d = Table(title="Drivers: P(reaching each rung) with / without the factor")
        d.add_column("factor")
        d.add_column("share of runs", justify="right")
        for rid, _ in sc.rungs[1:]:
            d.add_column(rid, justify="right")
        for dr in res.drivers:
            d.add_row(dr.name, _pct(dr.share),
                      *[f"{_pct(a)} / {_pct(b)}" for a, b in zip(dr.p_with[1:], dr.p_without[1:])])
        out.print(d)
        err.print(f"simulated in {time.perf_counter() - started:.2f} s", markup=False)
        _write_json(out_json, scn.to_json(res))
