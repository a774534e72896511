# Everything runs inside .venv, which the first target that needs it creates.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
HOME_DIR ?= data

.PHONY: demo test lint format clean

# One venv; each target installs what it needs once (a stamp per extra).
$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# The demo installs alucorpus as a user would (not editable: setuptools warns about
# editable installs); tests and lint use an editable install of the working tree.
# That copy replaces an editable install, so the test and lint stamps go with it:
# otherwise the next `make test` would test the copy, not the working tree.
$(VENV)/.installed-base: setup.cfg pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet .
	rm -f $(VENV)/.installed-test $(VENV)/.installed-dev
	touch $@

$(VENV)/.installed-test: setup.cfg pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

$(VENV)/.installed-dev: setup.cfg pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

# The main job on the bundled sample: ingest data/raw, then one English and one Chinese search.
demo: $(VENV)/.installed-base
	$(BIN)/alucorpus --home $(HOME_DIR) ingest data/raw
	$(BIN)/alucorpus --home $(HOME_DIR) search "aluminium industry"
	$(BIN)/alucorpus --home $(HOME_DIR) search "铝产业 高质量发展"

test: $(VENV)/.installed-test
	$(BIN)/pytest -q

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check alucorpus tests scripts
	$(BIN)/ruff format --check alucorpus tests scripts
	$(BIN)/mypy

format: $(VENV)/.installed-dev
	$(BIN)/ruff format alucorpus tests scripts
	$(BIN)/ruff check --fix alucorpus tests scripts

clean:
	rm -rf $(VENV) data/index data/records.sqlite3* data/.write.lock
