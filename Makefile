# Selteq's user interface. `make help` lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help
UV ?= uv
RUN := $(UV) run --frozen
export PYTHONPATH :=

.PHONY: help install run test lint typecheck imports unit integration e2e test-cluster migrate user watch worker scheduler bench bench-smoke clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  make %-12s %s\n", $$1, $$2}'

install: ## create .venv from uv.lock (needs uv: pip install uv)
	@command -v $(UV) >/dev/null || python3 -m pip install --quiet uv
	$(UV) sync --frozen

run: install ## migrate the embedded SQLite database and serve the API on SELTEQ_HOST:SELTEQ_PORT
	$(RUN) selteq migrate
	$(RUN) selteq-api

migrate: install ## apply database migrations (idempotent)
	$(RUN) selteq migrate

user: install ## create a user: prompts, or `make user USERNAME=alice` with SELTEQ_PASSWORD set
	$(RUN) selteq user $(if $(USERNAME),--username $(USERNAME)) $(ARGS)

lint: install ## ruff, format check, mypy --strict on the core, import-linter
	$(RUN) ruff check src tests bench
	$(RUN) ruff format --check src tests bench
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
	$(RUN) dramatiq selteq_jobs.worker --processes 1 --threads 4

scheduler: install ## send print_user_tasks(1) every minute through Redis (needs SELTEQ_REDIS_URL)
	$(RUN) selteq-scheduler

bench: install ## load benchmark with wrk (ARGS="--database URL --tasks N"; see README Performance)
	$(RUN) python -m bench $(ARGS)

bench-smoke: install ## a few seconds per benchmark scenario, no speed assertion (part of make test)
	$(RUN) python -m bench --smoke $(ARGS)

test: lint ## every check CI runs
	$(RUN) pytest -q

clean: ## remove caches and the embedded database
	rm -rf .mypy_cache .ruff_cache .pytest_cache var/selteq.db*
