# Selteq's user interface. `make help` lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help
# uv from PATH; without it (a fresh Debian 12 / Ubuntu 24.04, whose system Python refuses
# `pip install`, PEP 668) a private copy is bootstrapped into .tools/ by `make .tools/bin/uv`.
UV ?= $(or $(shell command -v uv 2>/dev/null),.tools/bin/uv)
RUN := $(UV) run --frozen
# What `make run` needs and nothing more: no test tools.
SERVE := $(UV) run --frozen --no-dev
export PYTHONPATH :=

.PHONY: help install install-run babelfish babelfish-stop run test lint typecheck imports unit integration e2e test-cluster migrate user watch worker scheduler bench bench-smoke bench-docs lighthouse clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  make %-12s %s\n", $$1, $$2}'

.tools/bin/uv:
	python3 -m venv .tools
	.tools/bin/pip install --quiet uv

install: $(if $(filter .tools/bin/uv,$(UV)),.tools/bin/uv) ## create .venv from uv.lock, test tools included
	$(UV) sync --frozen
	@bash scripts/register-msodbc18.sh "$${UV_PROJECT_ENVIRONMENT:-.venv}"

# What running needs; --inexact leaves test tools that `make install` put there.
install-run: $(if $(filter .tools/bin/uv,$(UV)),.tools/bin/uv)
	$(UV) sync --frozen --no-dev --inexact

# Babelfish for PostgreSQL (T-SQL over TDS on 127.0.0.1:1433) from a prebuilt tree, for the
# SQL Server tests: docs/operations.md, "SQL Server".
BABELFISH ?= ../shared/babelfish
babelfish: ## start Babelfish (SQL Server for the tests) from BABELFISH; prints the URLs to export
	@bash $(BABELFISH)/start.sh
	@echo 'export SELTEQ_TEST_MSSQL_URL="mssql://babelfish_user:Babelfish_Pass123@127.0.0.1:1433/selteq?driver=ODBC+Driver+18+for+SQL+Server&Encrypt=no&TrustServerCertificate=yes"'

babelfish-stop: ## stop the Babelfish that `make babelfish` started (its data is kept)
	@bash $(BABELFISH)/stop.sh

run: install-run ## make the dev secret, migrate the embedded SQLite database, serve on SELTEQ_HOST:SELTEQ_PORT
	$(SERVE) selteq secret
	$(SERVE) selteq migrate
	$(SERVE) selteq-api

migrate: install ## apply database migrations (idempotent)
	$(RUN) selteq migrate

user: install ## create a user: prompts, or `make user USERNAME=alice` with SELTEQ_PASSWORD set; ARGS=--admin for staff
	$(RUN) selteq user $(if $(USERNAME),--username $(USERNAME)) $(ARGS)

lint: install ## ruff, format check, mypy --strict on the core, import-linter
	$(RUN) ruff check src tests bench scripts
	$(RUN) ruff format --check src tests bench scripts
	$(RUN) mypy
	$(RUN) lint-imports

unit: install ## core tests against in-memory fakes
	$(RUN) pytest tests/unit -q

integration: install ## adapters against the real databases, Redis, argon2, pyjwt
	$(RUN) pytest tests/integration -q

e2e: install ## the app over HTTP, a real server process, the README's commands
	$(RUN) pytest tests/e2e -q

test-cluster: install ## scale-out on namespaced hosts: HAProxy, 3 APIs, PostgreSQL, Redis (root; in make test)
	$(RUN) pytest tests/cluster -m cluster -q

watch: install ## log every task every 10 s to the console and var/tasks.log (ARGS="--help")
	$(RUN) selteq-watch $(ARGS)

worker: install ## the Dramatiq worker (needs SELTEQ_REDIS_URL)
	$(RUN) selteq-worker --processes 1 --threads 4

scheduler: install ## send the due schedules (the schedules table) through Redis (needs SELTEQ_REDIS_URL)
	$(RUN) selteq-scheduler

bench: install ## load benchmark with wrk (ARGS="--database URL --compare REV --scale"; docs/performance.md)
	$(RUN) python -m bench $(ARGS)

bench-smoke: install ## a few seconds per benchmark scenario, no speed assertion (part of make test)
	$(RUN) python -m bench --smoke $(ARGS)

bench-docs: install ## rewrite docs/performance.md from the newest full run in var/bench/
	$(RUN) python -m bench --render $(ARGS)

lighthouse: install ## Lighthouse scores of every web page and Swagger UI into var/lighthouse/ (npm, Chromium)
	$(RUN) python scripts/lighthouse.py $(ARGS)

test: lint ## every check CI runs
	$(RUN) pytest -q --durations=15

clean: ## remove caches and the embedded database
	rm -rf .mypy_cache .ruff_cache .pytest_cache .tools var/selteq.db*
