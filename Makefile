# newsreader: `make demo` opens the app on a sample corpus; `make test` runs every check.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint typecheck pytest bench screenshots clean

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/python -m newsreader.demo

test: lint typecheck pytest

lint: $(STAMP)
	$(BIN)/ruff check newsreader tests benchmarks
	$(BIN)/ruff format --check newsreader tests benchmarks

typecheck: $(STAMP)
	$(BIN)/mypy newsreader

pytest: $(STAMP)
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python -m benchmarks.run

screenshots: $(STAMP)
	$(BIN)/python -m newsreader.tui.screenshots screenshots

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache
