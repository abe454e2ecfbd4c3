"""Several processes migrating one empty database at once leave one correct schema."""

from __future__ import annotations

import multiprocessing
from pathlib import Path
from typing import Any

import pytest

from selteq_adapters.db.migrations import available
from tests.integration.db.engines import PostgresServer, query, sqlite_url
from tests.integration.db.migrate_worker import migrate_together

PROCESSES = 4


def migrate_from_processes(url: str) -> list[tuple[str, Any]]:
    context = multiprocessing.get_context("spawn")
    start, results = context.Barrier(PROCESSES), context.Queue()
    workers = [
        context.Process(target=migrate_together, args=(url, start, results))
        for _ in range(PROCESSES)
    ]
    for worker in workers:
        worker.start()
    try:
        return [results.get(timeout=90) for _ in workers]
    finally:
        for worker in workers:
            worker.join(timeout=30)


def check_one_schema(url: str, dialect: str) -> None:
    versions = [version for version, _ in available(dialect)]
    outcomes = migrate_from_processes(url)
    assert sorted(outcomes) == [("applied", [])] * (PROCESSES - 1) + [("applied", versions)]
    rows = query(url, "SELECT version, COUNT(*) FROM schema_migrations GROUP BY version")
    assert sorted(rows) == [(version, 1) for version in versions]
    assert query(url, "SELECT COUNT(*) FROM tasks") == [(0,)]


@pytest.mark.slow
def test_sqlite_migrated_from_four_processes_at_once(tmp_path: Path) -> None:
    check_one_schema(sqlite_url(tmp_path), "sqlite")


@pytest.mark.slow
def test_postgresql_migrated_from_four_processes_at_once(postgres: PostgresServer) -> None:
    check_one_schema(postgres.create(), "postgresql")
