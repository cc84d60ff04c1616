# Pacer's everyday commands. Each target creates the virtualenv (.venv) on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)

.PHONY: install demo run migrate test test-postgres lint format bench clean

install: $(STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit("Pacer needs Python 3.11 or newer") if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	rm -f $(VENV)/.installed-* && touch $@

demo: install  ## try Pacer with no Slack workspace: local-slack (from npm) and a seeded demo team
	$(BIN)/pacer demo

run: install  ## serve Slack (needs SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET or SLACK_APP_TOKEN, and ANONYMITY_KEY, e.g. in .env)
	$(BIN)/pacer run

migrate: install
	$(BIN)/pacer migrate

test: install  ## the whole suite; PostgreSQL too when TEST_DATABASE_URL is set
	$(BIN)/pytest -n 2 --dist loadfile

test-postgres: install
	TEST_DATABASE_URL=$${TEST_DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/test} $(BIN)/pytest -n 2 --dist loadfile

lint: install
	$(BIN)/ruff check bot tests migrations benchmarks
	$(BIN)/ruff format --check bot tests migrations benchmarks
	$(BIN)/mypy

format: install
	$(BIN)/ruff format bot tests migrations benchmarks
	$(BIN)/ruff check --fix bot tests migrations benchmarks

bench: install  ## figures, never a pass/fail: HTTP latency, outbox fan-out, digest build
	$(BIN)/python -m benchmarks.http
	$(BIN)/python -m benchmarks.fanout
	$(BIN)/python -m benchmarks.digest

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
