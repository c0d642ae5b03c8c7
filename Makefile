# Two commands from a fresh clone:
#   make demo   set up and run the demo on http://127.0.0.1:5000 (SQLite, one process)
#   make test   set up and run the test suite
# Needs Python 3.11+ and Node.js 18+ with npm; nothing else.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PYTEST_ARGS ?=

.PHONY: demo test setup lint translations clean

demo: setup
	$(BIN)/coil demo $(DEMO_ARGS)

test: setup
	$(BIN)/python -m pytest $(PYTEST_ARGS)

setup: $(VENV)/.installed node_modules/.installed

$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "Python 3.11 or newer is needed")'
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null || { echo "npm (Node.js 18+) is needed for the browser libraries"; exit 1; }
	npm ci --no-audit --no-fund
	touch $@

lint: setup
	$(BIN)/ruff check coil tests bench config.py wsgi.py
	$(BIN)/ruff format --check coil tests bench config.py wsgi.py
	$(BIN)/mypy

translations: setup
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --no-location --sort-output \
		-o coil/translations/messages.pot .
	$(BIN)/pybabel update -i coil/translations/messages.pot -d coil/translations --no-fuzzy-matching --ignore-obsolete
	$(BIN)/python -m coil.core.catalogues fold
	$(BIN)/python -m coil.core.catalogues check

clean:
	rm -rf $(VENV) node_modules instance
