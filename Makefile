# Everything runs inside .venv, which the first target that needs it creates.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOME_DIR ?= data

.PHONY: demo test lint format clean

$(STAMP): setup.cfg pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,dev]'
	touch $(STAMP)

# The main job on the bundled sample: ingest data/raw, then one English and one Chinese search.
demo: $(STAMP)
	$(BIN)/alucorpus --home $(HOME_DIR) ingest data/raw
	$(BIN)/alucorpus --home $(HOME_DIR) search "aluminium industry"
	$(BIN)/alucorpus --home $(HOME_DIR) search "铝产业 高质量发展"

test: $(STAMP)
	$(BIN)/pytest -q

lint: $(STAMP)
	$(BIN)/ruff check alucorpus tests scripts
	$(BIN)/ruff format --check alucorpus tests scripts
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff format alucorpus tests scripts
	$(BIN)/ruff check --fix alucorpus tests scripts

clean:
	rm -rf $(VENV) data/index data/records.sqlite3* data/.write.lock
