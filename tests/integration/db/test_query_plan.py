"""The "last 4 tasks" query is served by ix_tasks_user_recent: no sort, at any table size.

Seeded like a busy service (200 users x 100 tasks, times spread so each user's tasks
interleave with everyone's), statistics gathered, then the real statement's plan is read.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from selteq_adapters.db import Database, open_database
from selteq_core import UserId
from tests.integration.db.engines import PostgresServer, raw_connection, sqlite_url
from tests.integration.db.given import T0
from tests.seeding import insert_tasks, insert_users

USERS, TASKS_EACH = 200, 100
INDEX = "ix_tasks_user_recent"


def seeded(url: str, users: int = USERS) -> tuple[Database, list[int]]:
    database = open_database(url)
    database.migrate()
    ids = insert_users(database, (f"user{n}" for n in range(users)), T0)
    rows = (
        (ids[(n * 7919) % users], f"task {n}", 1 + n % 90, when, when)
        for n in range(users * TASKS_EACH)
        for when in [T0 + timedelta(seconds=(n * 104729) % 86_400)]
    )
    assert insert_tasks(database, rows) == users * TASKS_EACH
    return database, ids


def plan_nodes(plan: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield plan
    for child in plan.get("Plans", []):
        yield from plan_nodes(child)


def sqlite_plan(url: str, statement: str, params: tuple[object, ...]) -> list[str]:
    """EXPLAIN QUERY PLAN's detail lines, after ANALYZE."""
    with raw_connection(url) as connection:
        connection.execute("ANALYZE")
        return [row[3] for row in connection.execute(f"EXPLAIN QUERY PLAN {statement}", params)]


def postgres_plan(url: str, statement: str, params: tuple[object, ...]) -> list[dict[str, Any]]:
    """Every node of the JSON plan, outermost first, after ANALYZE."""
    with raw_connection(url) as connection:
        connection.execute("ANALYZE")
        (text,) = connection.execute(f"EXPLAIN (FORMAT JSON) {statement}", params).fetchone()
    return list(plan_nodes(json.loads(text)[0]["Plan"]))


@pytest.mark.slow
def test_sqlite_plan_searches_the_index_without_a_temp_btree(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path)
    database, ids = seeded(url)
    params = database.dialect.limited((ids[42],), 4)
    details = sqlite_plan(url, database.dialect.sql.task_recent, params)
    assert any(INDEX in detail and detail.startswith("SEARCH") for detail in details), details
    assert not any("TEMP B-TREE" in detail for detail in details), details
    with database.unit_of_work() as uow:
        recent = uow.tasks.recent(UserId(ids[42]), 4)
    assert [(t.created_at, t.id) for t in recent] == sorted(
        ((t.created_at, t.id) for t in recent), reverse=True
    )
    database.close()


@pytest.mark.slow
def test_postgresql_plan_scans_the_index_without_a_sort(postgres: PostgresServer) -> None:
    url = postgres.create()
    database, ids = seeded(url)
    params = database.dialect.limited((ids[42],), 4)
    nodes = postgres_plan(url, database.dialect.sql.task_recent, params)
    kinds = [node["Node Type"] for node in nodes]
    assert kinds[0] == "Limit", kinds
    assert any(node.get("Index Name") == INDEX for node in nodes), nodes
    assert not any("Sort" in kind for kind in kinds), kinds
    database.close()


def owners_params(ids: list[int], owners: int = 4) -> tuple[str, int]:
    return json.dumps(ids[:owners]), 4


@pytest.mark.slow
@pytest.mark.parametrize(("users", "owners"), [(USERS, 4), (20, 20)])
def test_sqlite_batched_plan_searches_the_index_once_per_owner(
    tmp_path: Path, users: int, owners: int
) -> None:
    """The list of several owners at once: per owner one index range (LIMIT 4), each row
    fetched by its key; only the batch's few rows are sorted, never the table. Also on a
    small table whose statistics once made the planner scan it (the benchmark's smoke)."""
    url = sqlite_url(tmp_path)
    database, ids = seeded(url, users)
    params = owners_params(ids, owners)
    details = sqlite_plan(url, database.dialect.sql.task_recent_owners, params)
    assert any(d.startswith("SEARCH tasks USING") and INDEX in d for d in details), details
    assert any(d.startswith("SEARCH t USING INTEGER PRIMARY KEY") for d in details), details
    assert not any(d.startswith(("SCAN t", "SCAN tasks")) for d in details), details
    database.close()


@pytest.mark.slow
def test_postgresql_batched_plan_limits_an_index_scan_per_owner(postgres: PostgresServer) -> None:
    url = postgres.create()
    database, ids = seeded(url)
    nodes = postgres_plan(url, database.dialect.sql.task_recent_owners, owners_params(ids))
    kinds = [node["Node Type"] for node in nodes]
    limits = [node for node in nodes if node["Node Type"] == "Limit"]
    assert len(limits) == 1, kinds
    (scan,) = limits[0]["Plans"]
    assert (scan["Node Type"], scan.get("Index Name")) == ("Index Scan", INDEX), kinds
    assert "Seq Scan" not in kinds, kinds
    assert not any("Sort" in kind for kind in kinds[1:]), kinds  # at most the batch's rows
    database.close()
