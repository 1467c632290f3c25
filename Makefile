# Two commands: `make demo` and `make test`. Both create .venv on first use.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
DEMO_DB ?= sqlite:///demo.db
PORT    ?= 8000
SERVE   ?= yes
# the Kiel Institute's tracker data (data_explorer.csv, with release_info.csv and procurement_trends.csv
# beside it): the dashboard compares with it; without it the demo says what it skipped and where to get it
KIEL    ?= ../shared/data/kiel/data_explorer.csv

.PHONY: demo test lint venv bench clean

venv: $(STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "supplyline needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@rm -f $(VENV)/.installed-*
	@touch $@

# Loads the demo and serves the dashboard until Ctrl-C (`make demo SERVE=no` only loads and prints).
demo: venv
	$(BIN)/supplyline --db $(DEMO_DB) demo --reset --tokens $(if $(wildcard $(KIEL)),--kiel $(KIEL),)
ifeq ($(SERVE),yes)
	$(BIN)/supplyline --db $(DEMO_DB) serve --port $(PORT)
endif

# The gate runs first: any style, format or type finding fails the run before the suite starts.
# The suite ends with its 15 slowest tests, so that its time (budget: 10 minutes) stays watched.
test: lint
	$(BIN)/python -m pytest -n 2 -q --durations=15

lint: venv
	@echo "gate: ruff check, ruff format --check, mypy (src, tests, bench)"
	$(BIN)/ruff check --quiet src tests bench
	$(BIN)/ruff format --check --quiet src tests bench
	$(BIN)/mypy

bench: venv
	$(BIN)/python bench/ledger.py

clean:
	rm -rf $(VENV) demo.db demo.db-wal demo.db-shm bench/out
