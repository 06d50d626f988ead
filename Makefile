# Humas CMS. `make run` to try it, `make test` before you push.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run test lint format messages bench bench-scale clean

install: $(STAMP)

# Reinstalls only when the pinned requirements change.
$(STAMP): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(STAMP)

# The demo site on http://127.0.0.1:8000/ with DEBUG on (development server). Staff sign
# in with the password alone here (two-factor sign-in off: seed_demo says so); a real
# site keeps STAFF_2FA_REQUIRED on (docs/staff-sign-in.md).
run: install
	DEBUG=true $(BIN)/python manage.py migrate --noinput
	DEBUG=true STAFF_2FA_REQUIRED=false $(BIN)/python manage.py seed_demo
	DEBUG=true STAFF_2FA_REQUIRED=false $(BIN)/python manage.py runserver $(HOST):$(PORT)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

test: lint
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Throughput and latency of the article page next to a trivial view (needs wrk; uses
# redis-server too when installed). Takes about two minutes.
bench: install
	@command -v wrk >/dev/null || { echo "installing wrk (Debian)"; apt-get install -y -qq wrk; }
	$(BIN)/python bench/run.py $(BENCH_ARGS)
	$(BIN)/python bench/renditions.py

# The public pages at 1,000 and at 100,000 articles on PostgreSQL (docs/scale.md): starts a
# throw-away PostgreSQL 15 cluster (as root) unless DATABASE_URL names a server. ~8 minutes.
bench-scale: install
	@command -v wrk >/dev/null || { echo "installing wrk (Debian)"; apt-get install -y -qq wrk; }
	$(BIN)/python bench/scale.py $(BENCH_ARGS)

messages: install
	DEBUG=true $(BIN)/python manage.py makemessages -l id -l en --no-obsolete --ignore=.venv
	DEBUG=true $(BIN)/python manage.py compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
