# Two commands set everything up: `make demo` runs the main study, `make test` the tests.
# Both create .venv if it is missing and install what they need.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install test demo bench app lint clean validate roads

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# The tests need the optional Ray extra too (a sweep on a local Ray cluster).
$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e ".[dev,ray]"
	touch $(STAMP)

install: $(STAMP)

test: $(STAMP)
	$(BIN)/python -m pytest -n 2 --dist loadfile

# The main study: all roads and the status quo, 30 seeds each, at reference scale.
demo: $(STAMP)
	$(BIN)/python -m sim -m +experiment=five_roads hydra.sweep.dir=results/five_roads

# The live page for change leads and teachers. `make app APP_HOST=0.0.0.0` for a classroom.
APP_HOST ?= 127.0.0.1
APP_PORT ?= 8765
app: $(STAMP)
	@echo "The page will be at http://$(APP_HOST):$(APP_PORT)  (Ctrl+C stops it)"
	$(BIN)/solara run sim/app.py --host $(APP_HOST) --port $(APP_PORT) --production

# The twelve patterns at a larger scale than the tests; rewrites docs/VALIDATION.md.
validate: $(STAMP)
	$(BIN)/python -m sim.validate

# Where each road wins (a Latin hypercube of organisations, every road) and which levers carry
# each road's lead; rewrites docs/ROADS.md. About ten minutes on 2 cores.
roads: $(STAMP)
	$(BIN)/python -m sim -m +experiment=where_roads_win hydra.sweep.dir=results/where_roads_win
	$(BIN)/python -m sim.where_roads_win results/where_roads_win --docs docs/ROADS.md

# Speed and scaling, side by side with Mesa's BoltzmannWealth (docs/PERFORMANCE.md).
# `make bench BENCH_ARGS=--quick` is the one-minute version.
BENCH_ARGS ?= --write-docs
bench: $(STAMP)
	$(BIN)/python benchmarks/run.py $(BENCH_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check sim tests benchmarks hydra_plugins

clean:
	rm -rf $(VENV) results outputs multirun .pytest_cache
