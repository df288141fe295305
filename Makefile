# Quick start: `make demo` renders the seed releases into dist/, `make test` runs the tests.
# Both set up .venv (and the system packages, when run as root) on first use.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: demo test golden setup setup-test bench bench-batch lint clean

$(VENV)/.installed: pyproject.toml
	scripts/setup-system.sh
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet --editable '.[test,lint]'
	touch $@

# The studio's editor bundle, rebuilt by the setup when its lock file or source changes.
$(VENV)/.editor: pressgen/studio/editor/package-lock.json $(wildcard pressgen/studio/editor/src/*.js)
	scripts/setup-system.sh
	@mkdir -p $(VENV) && touch $@

$(VENV)/.system-test: scripts/setup-system.sh tests/js/package-lock.json
	scripts/setup-system.sh test
	@mkdir -p $(VENV) && touch $@

setup: $(VENV)/.installed $(VENV)/.editor

setup-test: setup $(VENV)/.system-test

demo: setup
	$(BIN)/pressgen build seeds --out dist

test: setup-test
	$(BIN)/pytest

# Rewrite tests/golden/ from the seed documents built now; review the result with `git diff tests/golden`.
golden: setup-test
	$(BIN)/pytest -q tests/test_golden.py --update-golden

bench: setup
	$(BIN)/python bench/render.py

bench-batch: setup
	$(BIN)/python bench/batch.py

lint: setup
	$(BIN)/ruff check pressgen tests bench scripts
	$(BIN)/mypy pressgen

clean:
	rm -rf $(VENV) dist build *.egg-info .pytest_cache
