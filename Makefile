# Two commands for a new machine: `make demo` serves the demo network, `make test` runs everything.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PYTEST_ARGS ?=

.PHONY: demo test test-fast test-sqlite test-postgres audit lint bench messages clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

demo: $(BIN)/.installed
	scripts/install-deps.sh
	CITYLOOM_COLLECTED_STATIC=true $(BIN)/cityloom collectstatic --noinput --verbosity 0
	CITYLOOM_COLLECTED_STATIC=true $(BIN)/cityloom demo

# The lint first, then the whole suite on SQLite, then on a real PostgreSQL with the browser tests
# (they run once).
# The .mo catalogs are build products, ignored by git: compiled here (which also refuses an empty
# or fuzzy entry), by `cityloom demo`, and by the test session when one is missing or stale.
test: $(BIN)/.installed
	$(MAKE) --no-print-directory lint
	scripts/install-deps.sh --test
	$(BIN)/cityloom compile_catalogs
	$(MAKE) --no-print-directory test-sqlite test-postgres

# The edit loop: no browser, no PDF render, GeoNames import or other test marked `slow`.
test-fast: $(BIN)/.installed
	$(BIN)/pytest -m "not e2e and not slow and not audit" $(PYTEST_ARGS)

test-sqlite: $(BIN)/.installed
	$(BIN)/pytest -m "not e2e and not audit" $(PYTEST_ARGS)

test-postgres: $(BIN)/.installed
	scripts/with-postgres.sh $(BIN)/pytest -m "not audit" $(PYTEST_ARGS)

# The language audit of every page (tests/browser/test_languages_crawl.py, issue 17): it lists
# what still shows English on French and Spanish pages; it joins `make test` once it passes.
audit: $(BIN)/.installed
	$(BIN)/pytest -m audit $(PYTEST_ARGS)

# Python (ruff) and every template (djLint: layout with --check, mistakes with --lint); the
# templates are laid out with `djlint --reformat cityloom`.
lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/djlint --check cityloom
	$(BIN)/djlint --lint cityloom

bench: $(BIN)/.installed
	@for script in benchmarks/bench_*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

# Refresh the catalogs after changing strings; translate the new entries in the .po files.
# The project catalog holds the shared pages; each domain app keeps its own in <app>/locale.
DOMAIN_APPS := practices observatory study meetings mentoring projects communications reports forum
messages: $(BIN)/.installed
	cd cityloom && ../$(BIN)/cityloom makemessages -l fr -l es --no-location --ignore 'static/*' \
		--ignore 'engines/*' $(foreach app,$(DOMAIN_APPS),--ignore '$(app)/*')
	for app in $(DOMAIN_APPS); do (cd cityloom/$$app && ../../$(BIN)/cityloom makemessages -l fr -l es --no-location); done

clean:
	rm -rf $(VENV) var .pytest_cache
