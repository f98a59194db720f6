# kinerja_web: `make run` sets everything up and serves the demo; `make test` sets up and tests.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask
HTMX := static/vendor/htmx.min.js
# axe-core for the accessibility e2e tests only: never served by the app.
AXE := tests/e2e/vendor/axe.min.js
# Tests run in parallel, one worker per core up to four (each has its own databases); an
# idle worker takes tests queued for a busy one (worksteal: the long server tests do not
# leave one core idle at the end); the slowest 25 are listed after the run.
PYTEST_ARGS ?= -n $(shell python3 -c 'import os; print(min(4, os.cpu_count() or 1))') \
	--dist worksteal --durations=25
export FLASK_APP := kinerja_web
# Type-checked with mypy in `lint` and `test` (settings in pyproject.toml).
MYPY_PATHS := kinerja_web/aturan kinerja_web/models kinerja_web/alur
# The venv's own tools, pinned too (pip-audit audits them with everything else).
PIP_PIN := pip==26.3 setuptools==84.2.1

.PHONY: run test cek bench setup sysdeps lint audit lock clean

## run: install, migrate, load demo data when empty, serve on http://127.0.0.1:5000
run: setup
	$(FLASK) db upgrade
	$(FLASK) seed-demo --jika-kosong
	@echo
	@echo "kinerja_web berjalan di http://127.0.0.1:5000  (Ctrl+C untuk berhenti)"
	$(FLASK) run --host 127.0.0.1 --port 5000

## test: install (with Chromium for browser tests), lint, run the whole suite (in CI also audit)
test: setup $(AXE)
	scripts/paket-sistem.sh test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy $(MYPY_PATHS)
	$(PY) -m pytest $(PYTEST_ARGS)
	@if [ "$${CI:-}" = "true" ]; then $(MAKE) --no-print-directory audit; fi

## cek: the daily loop (a few minutes): lint, then every test but the server, e2e and long
## fuzz ones (markers server, e2e, lambat), on SQLite only, Hypothesis in its short profile
cek: lint
	env -u TEST_DATABASE_URL -u TEST_REDIS_URL HYPOTHESIS_PROFILE=dev \
		$(PY) -m pytest $(PYTEST_ARGS) -m "not server and not e2e and not lambat"

## audit: known vulnerabilities of the installed packages (pip-audit, with PyPI's project
## documents for what it cannot look up; needs network)
audit: setup
	$(PY) scripts/audit.py

## bench: print the speed and size figures (not part of the test suite)
bench: setup
	scripts/paket-sistem.sh test
	$(PY) -m bench

setup: sysdeps $(VENV)/.terpasang $(HTMX)

sysdeps:
	@scripts/paket-sistem.sh

$(VENV)/.terpasang: pyproject.toml constraints.txt
	@test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check $(PIP_PIN)
	$(PY) -m pip install -q --disable-pip-version-check -c constraints.txt -e '.[dev]'
	@touch $@

# htmx comes from the npm registry (pinned in package-lock.json), never from the repo or a CDN.
$(HTMX): package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	@mkdir -p static/vendor
	cp node_modules/htmx.org/dist/htmx.min.js $(HTMX)

# After $(HTMX), whose rule runs `npm ci` whenever the lock file changes.
$(AXE): package.json package-lock.json $(HTMX)
	@test -f node_modules/axe-core/axe.min.js || \
		npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	@mkdir -p $(dir $(AXE))
	cp node_modules/axe-core/axe.min.js $(AXE)

## lint: ruff, and the import layers (import-linter contracts in pyproject.toml)
lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy $(MYPY_PATHS)

## lock: re-pin every transitive Python dependency after changing pyproject.toml
lock:
	$(PY) -m pip freeze --exclude-editable > constraints.txt

clean:
	rm -rf $(VENV) node_modules static/vendor tests/e2e/vendor
