# One task runner, used the same way on a laptop and in CI.
#   make serve   build the site and serve it at http://127.0.0.1:8000
#   make test    lint, then run the whole test suite
#   make pdf     the whole book as one PDF, site/lossbook.pdf
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export NO_MKDOCS_2_WARNING := 1

.PHONY: deps serve build pdf verify test test-lib lint format probes bench bench-docs bench-size screenshots clean

deps: $(VENV)/.installed node_modules/.installed

$(VENV)/.installed: pyproject.toml tools/booksite/pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[docs,test]' -e tools/booksite
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

serve: deps
	$(BIN)/mkdocs serve --strict --dev-addr 127.0.0.1:8000

build: deps
	$(BIN)/mkdocs build --strict
	$(BIN)/python -m booksite.verify site --docs docs

# The whole book as one PDF, printed by Chromium from the built site: site/lossbook.pdf.
pdf: build
	$(BIN)/python -m booksite.pdf site

# Check a built site/ against docs/, whatever built it (see tools/booksite/booksite/verify.py).
verify: deps
	$(BIN)/python -m booksite.verify site --docs docs

test: deps lint
	$(BIN)/python -m pytest

# Ruff over every Python file, and over the pages' exec blocks (extracted by booksite.lint).
lint: deps
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m booksite.lint docs

# Fix what make lint finds that a tool can fix (imports, formatting), pages included.
format: deps
	$(BIN)/ruff check --fix --select I,F401 .
	$(BIN)/ruff format .
	$(BIN)/python -m booksite.lint --fix docs

test-lib: deps
	$(BIN)/python -m pytest lossbook tests/package

# Rerun the probes of PyTorch, Keras, scikit-learn and SciPy; rewrite docs/data/probes.json.
probes: deps
	KERAS_BACKEND=torch $(BIN)/python scripts/probes.py

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
