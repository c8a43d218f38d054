# learnapp: `make run` serves the demo on http://127.0.0.1:5000; `make test` runs the whole suite.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
FLASK  := $(BIN)/flask --app learnapp
PORT   ?= 5000
WORKERS ?= 2

.PHONY: install translations instance run serve test test-browser lint bench bench-tools bench-full clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

translations: $(STAMP)
	$(BIN)/python -m learnapp.i18n_catalogs compile

instance: $(STAMP)
	$(BIN)/python -m learnapp.instance_setup

run: install translations instance
	$(FLASK) db upgrade
	$(FLASK) rules load
	$(FLASK) development rules load
	$(FLASK) demo load
	$(FLASK) content sync
	@echo "Serving on http://127.0.0.1:$(PORT)  (Ctrl-C to stop)"
	$(BIN)/gunicorn --workers $(WORKERS) --bind 127.0.0.1:$(PORT) --access-logfile - 'learnapp:create_app()'

test: install translations
	$(BIN)/python -m pytest $(PYTEST_ARGS)

test-browser: install translations
	$(BIN)/python -m pytest tests/browser $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check learnapp tests bench

# wrk (Debian's package) is the load generator; without it the runner falls back to a Python loop
# that competes with the server for the cores. Installed here when we may (root with apt-get).
bench-tools:
	@command -v wrk >/dev/null || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; } || \
	  echo "wrk not installed: sudo apt-get install -y wrk (the benchmark falls back to Python load)"

bench: install translations bench-tools
	$(BIN)/python -m bench.run --small

bench-full: install translations bench-tools
	$(BIN)/python -m bench.run
	$(BIN)/python -m bench.run --postgres

clean:
	rm -rf $(VENV) instance/learnapp.db* test-artifacts
