"""Analysis of the stored events: trends, escalation signals, forecasts, scenarios.

* ``trends``: counts by week/month and key (type, dyad, front, place, source...),
  reported statistics beside our own counts with the gap explained.
* ``signals``: negative-binomial CUSUM and online change points, intensity index, new fronts.
* ``forecast`` / ``scoring`` / ``backtest``: sample-based count forecasts (negative
  binomial, discrete Hawkes, their ensemble, VIEWS baselines) and their rolling-origin backtest.
* ``scenario``: Monte Carlo over an escalation ladder described in YAML.
* ``overview`` / ``report``: store-level entry points for the CLI, the API and the report.
"""
