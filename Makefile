# One task runner, used the same way on a laptop and in CI.
#   make serve   build the site and serve it at http://127.0.0.1:8000
#   make test    run the whole test suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export NO_MKDOCS_2_WARNING := 1

.PHONY: deps serve build test test-lib bench bench-docs bench-size screenshots clean

deps: $(VENV)/.installed node_modules/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[docs,test]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

serve: deps
	$(BIN)/mkdocs serve --strict --dev-addr 127.0.0.1:8000

build: deps
	$(BIN)/mkdocs build --strict

test: deps
	$(BIN)/python -m pytest

test-lib: deps
	$(BIN)/python -m pytest lossbook tests/test_regression.py tests/test_information.py tests/test_classification.py tests/test_validation.py

bench: deps
	$(BIN)/python scripts/bench_losses.py

bench-docs: deps
	$(BIN)/python scripts/bench_docs.py

bench-size: deps
	$(BIN)/python scripts/bench_size.py

screenshots: deps
	$(BIN)/python scripts/screenshots.py

clean:
	rm -rf site .venv node_modules .pytest_cache
