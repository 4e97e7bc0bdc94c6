# Two commands set everything up: `make demo` runs the main study, `make test` the tests.
# Both create .venv with Python 3.12 or 3.13 if it is missing and install what they need:
# `make demo` and `make app` the model and its tools only; `make test` adds the test tools
# and Ray (for the test of sweeps on a Ray cluster).
VENV ?= .venv
BIN := $(VENV)/bin
# Which Pythons will do, newest first. PYTHON=/path/to/python wins; else python3.13 or
# python3.12 on PATH (a pyenv shim that refuses counts as absent); else pyenv's own.
PYTHON_VERSIONS ?= 3.13 3.12
FIND_PYTHON = for v in $(PYTHON_VERSIONS); do \
	  p=$$(command -v python$$v 2>/dev/null) && "$$p" -c "" 2>/dev/null && { echo "$$p"; exit 0; }; \
	  r=$$(pyenv root 2>/dev/null) && for d in "$$r"/versions/$$v $$(ls -d "$$r"/versions/$$v.* 2>/dev/null | sort -rV); do \
	    [ -x "$$d/bin/python" ] && { echo "$$d/bin/python"; exit 0; }; done; \
	done
PYTHON ?= $(shell $(FIND_PYTHON))
READY := $(VENV)/.python-ok
RUNTIME := $(VENV)/.installed-runtime
TESTING := $(VENV)/.installed-test
TEST_ARGS ?=

.PHONY: install test test-fast smoke demo brief bench app lint clean validate roads search assumptions which-python

# A venv of a supported Python (an older .venv, e.g. of Python 3.11, is made again).
$(READY):
	@if [ -z "$(PYTHON)" ]; then \
	  echo "error: no Python 3.12 or 3.13 found (python3.13 or python3.12 on PATH, or in pyenv)."; \
	  echo "       Install one (e.g. 'pyenv install 3.13', or your system's python3.13 package),"; \
	  echo "       or name it: make $(MAKECMDGOALS) PYTHON=/path/to/python3.13"; exit 1; fi
	@"$(PYTHON)" -c 'import sys; sys.exit(not (3, 12) <= sys.version_info[:2] <= (3, 13))' || { \
	  echo "error: $(PYTHON) is Python $$("$(PYTHON)" -c 'import platform; print(platform.python_version())');" \
	       "this project needs Python 3.12 or 3.13"; exit 1; }
	rm -rf $(VENV)
	"$(PYTHON)" -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	touch $@

# The model, the command line, sweeps, studies and the page: what `make demo` and `make app` need.
$(RUNTIME): $(READY) pyproject.toml
	$(BIN)/python -m pip install --quiet -e .
	touch $@

# Plus the test tools and Ray.
$(TESTING): $(RUNTIME)
	$(BIN)/python -m pip install --quiet -e ".[dev,ray,search]"
	touch $@

install: $(RUNTIME)

# The Python a new venv would be made with (empty if none is found).
which-python:
	@echo $(PYTHON)

test: $(TESTING)
	$(BIN)/python -m pytest -n 2 --dist loadfile $(TEST_ARGS)

# The tests without the slow and the validation ones (a quick check, and CI's second Python).
test-fast: $(TESTING)
	$(BIN)/python -m pytest -n 2 --dist loadfile -m "not slow and not validation" $(TEST_ARGS)

# A small sweep end to end on the runtime install alone (what `make demo` needs; CI runs it
# before the test tools are installed): 2 roads x 2 seeds, 4 weeks, a small organisation.
SMOKE_DIR ?= results/smoke
smoke: $(RUNTIME)
	$(BIN)/python -m sim -m road=status_quo,mission seed=0,1 steps=4 organisation.n_employees=40 \
	    organisation.n_customers=400 organisation.burn_in_weeks=2 hydra.sweep.dir=$(SMOKE_DIR) hydra.sweeper.resume=false
	@test -f $(SMOKE_DIR)/summary.csv && echo "smoke: the runtime install ran a sweep and aggregated it"

# The main study: all roads and the status quo, 30 seeds each, at reference scale.
demo: $(RUNTIME)
	$(BIN)/python -m sim -m +experiment=five_roads hydra.sweep.dir=results/five_roads

# A board brief for a named organisation: `make brief SCENARIO=retail_bank` (BRIEF_ARGS adds
# settings or roads, e.g. BRIEF_ARGS="organisation.initial_readiness=0.3 road=mission,competing_values").
SCENARIO ?= retail_bank
BRIEF_ARGS ?=
brief: $(RUNTIME)
	$(BIN)/python -m sim.study.brief scenario=$(SCENARIO) $(BRIEF_ARGS)

# The live page for change leads and teachers. `make app APP_HOST=0.0.0.0` for a classroom.
APP_HOST ?= 127.0.0.1
APP_PORT ?= 8765
app: $(RUNTIME)
	@$(BIN)/python -c "from sim.kernels import warm_up; print('Kernels:', warm_up())"   # not on the first click
	@echo "The page will be at http://$(APP_HOST):$(APP_PORT)  (Ctrl+C stops it)"
	$(BIN)/solara run sim/page/app.py --host $(APP_HOST) --port $(APP_PORT) --production

# The twelve patterns at a larger scale than the tests; rewrites docs/VALIDATION.md.
validate: $(RUNTIME)
	$(BIN)/python -m sim.validation

# Where each road wins (a Latin hypercube of organisations, every road) and which levers carry
# each road's lead; rewrites docs/ROADS.md. About ten minutes on 2 cores.
roads: $(RUNTIME)
	$(BIN)/python -m sim -m +experiment=where_roads_win hydra.sweep.dir=results/where_roads_win
	$(BIN)/python -m sim.study.roads_report results/where_roads_win

# Which assumptions each conclusion hinges on: every effect size screened within its plausible
# range (Morris, then Sobol on the few that matter; the twelve patterns too); rewrites
# docs/ASSUMPTIONS.md and docs/assumptions.csv. About half an hour on 2 cores; a rerun goes on
# from the runs kept in results/assumptions.
assumptions: $(RUNTIME)
	$(BIN)/python -m sim.validation.assumptions $(ASSUMPTIONS_ARGS)

# A road designed for the default organisation and for the retail bank (python -m sim.search),
# then docs/SEARCH.md. About 27 min on 2 cores (13 and 14); a rerun resumes. SEARCH_ARGS adds options to both.
SEARCHING := $(VENV)/.installed-search
$(SEARCHING): $(RUNTIME)
	$(BIN)/python -m pip install --quiet -e ".[search]"
	touch $@
SEARCH_ARGS ?=
search: $(SEARCHING)
	$(BIN)/python -m sim.search nfe=400 $(SEARCH_ARGS) --out results/search/default
	$(BIN)/python -m sim.search scenario=retail_bank nfe=200 $(SEARCH_ARGS) --out results/search/retail_bank
	$(BIN)/python -m sim.search.report results/search/default results/search/retail_bank

# Speed and scaling, side by side with Mesa's BoltzmannWealth (docs/PERFORMANCE.md).
# `make bench BENCH_ARGS=--quick` is the one-minute version.
BENCH_ARGS ?= --write-docs
bench: $(RUNTIME)
	$(BIN)/python benchmarks/run.py $(BENCH_ARGS)

lint: $(TESTING)
	$(BIN)/ruff check sim tests benchmarks hydra_plugins

clean:
	rm -rf $(VENV) .venv-* results outputs multirun .pytest_cache
