# learnapp: `make run` serves the demo on http://127.0.0.1:5000; `make test` runs the whole suite.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
FLASK  := $(BIN)/flask --app learnapp
PORT   ?= 5000
WORKERS ?= 2

.PHONY: install translations instance run serve test test-browser lint lock deps-latest bench bench-tools bench-full clean

LOCK   := requirements.lock

# The exact versions (with hashes) in requirements.lock, then learnapp itself without resolving again:
# a new release upstream changes nothing here until `make lock` is run and the suite passes with it.
$(STAMP): pyproject.toml $(LOCK)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --require-hashes -r $(LOCK)
	$(BIN)/pip install -q --no-deps -e .
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
	$(FLASK) scoring load
	$(FLASK) demo load
	$(FLASK) content sync
	@echo ""
	@echo "WARNING: the demo accounts (admin, sec1 ... and the learners) all have the password 'demo2026',"
	@echo "         published in the README. This is demo data for trying learnapp out: never load it"
	@echo "         on a server that holds real people (警告：演示账号的密码是公开的，切勿用于生产环境)."
	@echo ""
	@echo "Serving on http://127.0.0.1:$(PORT)  (Ctrl-C to stop)"
	$(BIN)/gunicorn --workers $(WORKERS) --bind 127.0.0.1:$(PORT) --access-logfile - 'learnapp:create_app()'

test: install translations
	$(BIN)/python -m pytest $(PYTEST_ARGS)

test-browser: install translations
	$(BIN)/python -m pytest tests/browser $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check learnapp tests bench

# Re-resolve requirements.lock from pyproject.toml's ranges: the newest releases they admit, with
# hashes of every file PyPI serves for them. uv only resolves; installing stays plain pip.
UV_VERSION := 0.13.9
lock: install
	$(BIN)/pip install -q "uv==$(UV_VERSION)"
	$(BIN)/uv pip compile pyproject.toml --extra test --generate-hashes --python-version 3.11 --upgrade \
	  --index-url https://pypi.org/simple --no-header -o $(LOCK)

# The suite against the newest releases of everything (ignoring the lock), in a venv of its own:
# the team sees a coming break before users do.
LATEST := .venv-latest
deps-latest:
	rm -rf $(LATEST)
	$(PYTHON) -m venv $(LATEST)
	$(LATEST)/bin/pip install -q --upgrade --upgrade-strategy eager -e '.[test]'
	$(LATEST)/bin/pip list --format=freeze > $(LATEST)/versions.txt
	$(LATEST)/bin/python -m learnapp.i18n_catalogs compile
	$(LATEST)/bin/python -m pytest $(PYTEST_ARGS)

# wrk (Debian's package) is the load generator; without it the runner falls back to a Python loop
# that competes with the server for the cores. Installed here when we may (root with apt-get).
bench-tools:
	@command -v wrk >/dev/null || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; } || \
	  echo "wrk not installed: sudo apt-get install -y wrk (the benchmark falls back to Python load)"
	@command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null; } || \
	  echo "nginx not installed: sudo apt-get install -y nginx (needed by bench.run --proxy)"

bench: install translations bench-tools
	$(BIN)/python -m bench.run --small

# The third run: the same PostgreSQL data set through nginx in front of two app instances
# (deploy/nginx/learnapp.conf; issue 20), the floor, learner pages, heartbeat and start storm.
bench-full: install translations bench-tools
	$(BIN)/python -m bench.run
	$(BIN)/python -m bench.run --postgres
	$(BIN)/python -m bench.run --postgres --reuse --proxy 2 --workers 1 --only floor,progress,material,heartbeat,storm

clean:
	rm -rf $(VENV) $(LATEST) instance/learnapp.db* test-artifacts
