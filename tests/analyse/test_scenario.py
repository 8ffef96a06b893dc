"""Scenario files and the Monte Carlo simulation."""
from __future__ import annotations

import textwrap

import pytest

from tightrope.analyse import scenario as scn
from tightrope.errors import ConfigError

MINIMAL = """
name: test
horizon_months: 4
start: a
driver: {observed: {2024-01: 10}, reference: 10, size: 3, drift: 0, volatility: 0}
ladder: [{id: a}, {id: b}, {id: c}]
transitions:
  - {from: a, to: b, rate: 0.5}
  - {from: b, to: c, rate: 0.5}
interventions:
  - {id: calm, probability: 0.5, effects: {transitions: {a->b: 0.0}}}
"""


def _write(tmp_path, text):
    p = tmp_path / "s.yaml"
    p.write_text(textwrap.dedent(text))
    return p


def test_shipped_scenario_loads_and_documents_its_assumptions():
    sc = scn.load_scenario()
    assert [r for r, _ in sc.rungs] == ["drone_attacks", "israeli_warning", "infrastructure_strikes",
                                        "targeted_killings"]
    assert dict(sc.observed) == {"2024-08": 6.0, "2024-09": 31.0, "2024-10": 90.0}
    text = scn.DEFAULT_SCENARIO.read_text()
    assert text.count("#") > 40  # the assumptions are written out


def test_simulation_is_reproducible_and_consistent():
    sc = scn.load_scenario()
    a, b = scn.simulate(sc, runs=4000, seed=11), scn.simulate(sc, runs=4000, seed=11)
    assert a == b
    assert scn.simulate(sc, runs=4000, seed=12) != a
    assert a.rungs[0].p_reach == 1.0
    for r in a.rungs:
        assert list(r.by_month) == sorted(r.by_month) and r.by_month[-1] == pytest.approx(r.p_reach)
    # up the ladder, each rung is no more likely than the one below (no skipping past the warning rung
    # is rare: prior 0.02/month)
    p = [r.p_reach for r in a.rungs]
    assert p[1] >= p[2] >= p[3]
    names = {d.kind for d in a.drivers}
    assert names == {"intervention", "shock", "activity"}
    curbs = next(d for d in a.drivers if d.name.startswith("Baghdad curbs"))
    assert curbs.p_with[2] < curbs.p_without[2]  # curbing the factions lowers the chance of Israeli strikes


def test_intervention_that_blocks_a_transition(tmp_path):
    res = scn.simulate(scn.load_scenario(_write(tmp_path, MINIMAL)), runs=3000, seed=0)
    calm = res.drivers[0]
    assert calm.p_with[1] < calm.p_without[1]
    assert 0.4 < calm.share < 0.6


@pytest.mark.parametrize("edit, message", [
    (lambda s: s.replace("start: a", "start: z"), "start: unknown rung 'z'"),
    (lambda s: s.replace("rate: 0.5}\n  - {from: b", "rate: -1}\n  - {from: b"), r"transitions\[0\].rate"),
    (lambda s: s.replace("{from: b, to: c", "{from: b, to: q"), "unknown rung 'q'"),
    (lambda s: s.replace("a->b: 0.0", "a->c: 0.0"), "unknown transition 'a->c'"),
    (lambda s: s.replace("probability: 0.5", "probability: 2"), "probability"),
    (lambda s: s.replace("2024-01: 10", "January: 10"), "not a month"),
    (lambda s: s.replace("ladder: [{id: a}, {id: b}, {id: c}]", "ladder: [{id: a}]"), "at least two rungs"),
    (lambda s: s.replace("reference: 10, ", ""), "missing 'reference'"),
    (lambda s: s + "\n  bad: [", "not valid YAML"),
])
def test_invalid_scenarios_give_one_line_errors(tmp_path, edit, message):
    with pytest.raises(ConfigError, match=message) as exc:
        scn.load_scenario(_write(tmp_path, edit(MINIMAL)))
    assert "\n" not in str(exc.value)


def test_missing_scenario_file(tmp_path):
    with pytest.raises(ConfigError, match="scenario file not found"):
        scn.load_scenario(tmp_path / "nope.yaml")
