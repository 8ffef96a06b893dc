# Two commands on a fresh machine with python3:  make demo  |  make test
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
OUT := out

.PHONY: demo test eval bench clean

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e ".[dev]"
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/tightrope run samples --db $(OUT)/demo.duckdb --report $(OUT)/report.html
	$(BIN)/tightrope export --db $(OUT)/demo.duckdb --format jsonl -o $(OUT)/export
	@echo "Report: $(abspath $(OUT)/report.html)"

test: $(STAMP)
	$(BIN)/python -m pytest

eval: $(STAMP)
	$(BIN)/tightrope eval --benchmarks ../shared/benchmarks --json $(OUT)/eval.json

bench: $(STAMP)
	$(BIN)/python bench/bench.py

clean:
	rm -rf $(OUT) .pytest_cache
