# Pacer's everyday commands. Each target creates the virtualenv (.venv) on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Every dependency, with its hashes, comes from these two files; `make lock` makes them from pyproject.toml.
LOCK := requirements.lock
DEV_LOCK := requirements-dev.lock
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml $(wildcard $(LOCK) $(DEV_LOCK)) | cksum | cut -d' ' -f1)

# The lock files are resolved for this interpreter and platform: CPython 3.11 on Linux x86_64 (CI, the
# development machines and the Dockerfile's base image). uv, pinned here, resolves them from PyPI.
LOCK_PYTHON := 3.11
LOCK_PLATFORM := x86_64-unknown-linux-gnu
UV_VERSION := 0.13.8
LOCK_VENV := .venv-lock
UV := $(LOCK_VENV)/bin/uv
UV_STAMP := $(LOCK_VENV)/.uv-$(UV_VERSION)
# `make lock` keeps the pins it can; `make lock LOCK_FLAGS=--upgrade` moves everything to the newest release.
LOCK_FLAGS ?=
comma := ,
UV_COMPILE = $(UV) pip compile --quiet --generate-hashes --no-header --annotation-style line \
	--python-version $(LOCK_PYTHON) --python-platform $(LOCK_PLATFORM) $(LOCK_FLAGS)
# pyproject.toml's [build-system] requires, so the project itself builds from hashed packages too.
BUILD_REQUIRES = $(LOCK_VENV)/bin/python -c 'import tomllib; print(*tomllib.load(open("pyproject.toml", "rb"))["build-system"]["requires"], sep="\n")'
# $(call compile_lock,FILE,WHAT,UV ARGUMENTS): (re)make one lock file. The pinned versions in FILE are
# uv's preferences, but not its hashes (uv would reuse them): every hash comes from PyPI, never from a
# file that may have been edited. uv writes FILE.new, which replaces FILE only once it is complete.
define compile_lock
@rm -f $(1).new && { [ ! -f $(1) ] || sed -e '/--hash=/d' -e 's/ \\$$//' $(1) > $(1).new; }
$(BUILD_REQUIRES) | $(UV_COMPILE) pyproject.toml - $(3) -o $(1).new || { rm -f $(1).new; exit 1; }
@{ printf '%s\n' \
	'# Made by `make lock` from pyproject.toml ($(2) and [build-system] requires); do not edit it by hand.' \
	'# Resolved for CPython $(LOCK_PYTHON) on Linux x86_64 (glibc): CI, development and the Docker image.' \
	'# Each pin lists the hashes of all its published files, but dependencies that only other platforms' \
	'# need (e.g. Windows) are not in it. Install: pip install --require-hashes -r $(1)'; \
	cat $(1).new; } > $(1) && rm $(1).new
endef

.PHONY: install lock demo run migrate test test-postgres lint format bench clean

install: $(STAMP)

$(STAMP): pyproject.toml $(LOCK) $(DEV_LOCK)
	@$(PYTHON) -c 'import sys; sys.exit("Pacer needs Python 3.11 or newer") if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes -r $(DEV_LOCK)
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	rm -f $(VENV)/.installed-* && touch $@

lock: $(UV_STAMP)  ## pin every dependency with its hashes: requirements.lock (runtime) and requirements-dev.lock
	$(call compile_lock,$(LOCK),[project] dependencies,)
	$(call compile_lock,$(DEV_LOCK),[project] dependencies$(comma) the dev extra,--extra dev -c $(LOCK))

$(UV_STAMP):
	$(PYTHON) -m venv $(LOCK_VENV)
	$(LOCK_VENV)/bin/python -m pip install --quiet uv==$(UV_VERSION)
	rm -f $(LOCK_VENV)/.uv-* && touch $@

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
	$(BIN)/lint-imports --no-cache  # the import contracts in pyproject.toml

format: install
	$(BIN)/ruff format bot tests migrations benchmarks
	$(BIN)/ruff check --fix bot tests migrations benchmarks

bench: install  ## figures, never a pass/fail: HTTP latency, outbox fan-out, digest build
	$(BIN)/python -m benchmarks.http
	$(BIN)/python -m benchmarks.fanout
	$(BIN)/python -m benchmarks.digest

clean:
	rm -rf $(VENV) $(LOCK_VENV) .pytest_cache .mypy_cache .ruff_cache
