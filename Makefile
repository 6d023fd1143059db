# The two set-up commands of the README: `make demo` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
SAMPLE := workbooks/sample_project.xlsx

.PHONY: demo test install install-dev lint typecheck pytest workbooks bench clean

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

install: $(BIN)/python
	$(BIN)/python -m pip install -q -e .

install-dev: $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[dev]'

demo: install
	$(BIN)/pmo-xl validate $(SAMPLE)
	mkdir -p out
	cp $(SAMPLE) out/sample_project.xlsx
	$(BIN)/pmo-xl refresh out/sample_project.xlsx
	@echo "Open out/sample_project.xlsx to see the status tabs (Tableau de bord, Planning, ...)."

lint: install-dev
	$(BIN)/ruff check pmo_xl tests benchmarks
	$(BIN)/ruff format --check pmo_xl tests benchmarks

typecheck: install-dev
	$(BIN)/mypy

pytest: install-dev
	$(BIN)/python -m pytest

test: lint typecheck pytest

workbooks: install-dev
	$(BIN)/python -m pmo_xl.sample --write
	$(BIN)/pmo-xl build-addin

bench: install-dev
	$(BIN)/python benchmarks/read.py --small
	$(BIN)/python benchmarks/schedule.py
	$(BIN)/python benchmarks/montecarlo.py
	$(BIN)/python benchmarks/refresh.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache
