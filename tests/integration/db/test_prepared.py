"""PostgreSQL's hot reads run as prepared statements: prepared once per session, when the
pool opens it (``Connection.warm``), and executed by name after that. A session reset
under the pool costs one failed read, after which a fresh connection prepares again."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from selteq_adapters.db import Database, open_database
from selteq_adapters.db.statements import POSTGRESQL, postgres_prepared
from selteq_core import Unavailable
from tests.integration.db import given
from tests.integration.db.engines import PostgresServer


def test_placeholders_become_numbered_parameters_in_order() -> None:
    prepare, execute = postgres_prepared("pair", "SELECT a FROM t WHERE b = ? AND c > ? LIMIT ?")
    assert prepare == "PREPARE selteq_pair AS SELECT a FROM t WHERE b = $1 AND c > $2 LIMIT $3"
    assert execute == "EXECUTE selteq_pair (?, ?, ?)"


@pytest.mark.parametrize(
    ("name", "sql"),
    [
        ("quoted", "SELECT a FROM t WHERE b = '?'"),
        ("dollar", "SELECT $1"),
        ("bad name; DROP", "SELECT 1"),
    ],
)
def test_only_plain_statements_can_be_prepared(name: str, sql: str) -> None:
    with pytest.raises(ValueError, match="can be prepared"):
        postgres_prepared(name, sql)


def test_the_prepared_reads_are_the_dialects_own_statements() -> None:
    for name in POSTGRESQL.prepared:
        sql = getattr(POSTGRESQL, name)
        prepare, _ = postgres_prepared(name, sql)
        body = prepare.split(" AS ", 1)[1]
        for n in range(sql.count("?"), 0, -1):
            body = body.replace(f"${n}", "?")
        assert body == sql


@pytest.fixture
def one_session(postgres: PostgresServer) -> Iterator[tuple[Database, list[Any]]]:
    """A migrated PostgreSQL database behind a pool of one, and every raw connection the
    pool opened (so a test can look inside the session the reads ran in)."""
    made: list[Any] = []
    database = open_database(postgres.create(), pool_size=1, on_connect=made.append)
    try:
        database.migrate()
        del made[:]  # the migration's own connection, closed already
        yield database, made
    finally:
        database.close()


def _prepared(raw: Any) -> dict[str, int]:
    """The connection's own prepared statements and how often each ran (PostgreSQL 14+)."""
    cursor = raw.cursor()
    cursor.execute("SELECT name, generic_plans + custom_plans FROM pg_prepared_statements")
    return {name: int(runs) for name, runs in cursor.fetchall()}


def test_hot_reads_are_prepared_once_per_session(
    one_session: tuple[Database, list[Any]],
) -> None:
    database, made = one_session
    alice = given.user(database)
    tasks = given.tasks(database, alice.id, 5)
    for _ in range(3):
        with database.unit_of_work() as uow:
            assert uow.tasks.recent(alice.id, 4) == tasks[::-1][:4]
    for task in tasks[:2]:
        with database.unit_of_work() as uow:
            assert uow.tasks.get(task.id) == task
    for _ in range(2):
        found = database.batch_reader().recent_by_owner([alice.id], 4)
        assert found == {alice.id: tasks[::-1][:4]}
    assert database.batch_reader().by_ids([tasks[0].id]) == {tasks[0].id: tasks[0]}
    assert len(made) == 1  # one session served every read
    assert _prepared(made[0]) == {  # each ran once more, when the connection was warmed
        "selteq_task_recent": 4,
        "selteq_task_get": 3,
        "selteq_task_recent_owners": 3,
        "selteq_task_get_many": 2,
    }


def test_a_session_reset_under_the_pool_costs_one_failed_read(
    one_session: tuple[Database, list[Any]],
) -> None:
    database, made = one_session
    alice = given.user(database)
    task = given.task(database, alice.id, "kept")
    with database.unit_of_work() as uow:
        assert uow.tasks.get(task.id) == task
    made[-1].cursor().execute("DEALLOCATE ALL")  # what a pooler's DISCARD ALL does
    with pytest.raises(Unavailable), database.unit_of_work() as uow:
        uow.tasks.get(task.id)
    with database.unit_of_work() as uow:
        assert uow.tasks.get(task.id) == task
    assert len(made) == 2  # the reset session was discarded; the new one prepared again
    assert _prepared(made[-1]) == {  # warmed, then the one read
        "selteq_task_recent": 1,
        "selteq_task_get": 2,
        "selteq_task_recent_owners": 1,
        "selteq_task_get_many": 1,
    }
