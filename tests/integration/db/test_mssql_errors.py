"""SQL Server's own errors, each provoked on the engine, answered as on the other engines.

A unique violation is a Conflict and keeps the pooled connection (with either driver: SQL
Server, under XACT_ABORT, has already ended the transaction, and FreeTDS's rollback then
fails with "no transaction", which is not a broken line). A deadlock victim, a lock wait
past LOCK_TIMEOUT, a statement past the query timeout and a killed session are Unavailable
(503 with Retry-After over HTTP), and the pool's next connection works.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import attrs
import pytest

from selteq_adapters.db import Database, open_database
from selteq_core import Conflict, Duration, Task, Title, Unavailable, Username
from tests.integration.db import given
from tests.integration.db.engines import MSSQL_DRIVERS, MssqlServer, query, raw_connection


@attrs.define
class Fresh:
    url: str
    database: Database
    made: list[Any]


def fresh(mssql: MssqlServer, engine: str, **options: Any) -> Fresh:
    """The session's migrated database, emptied, behind a pool of one of its own that
    counts the connections it opens."""
    url = mssql.migrated(engine)
    made: list[Any] = []
    # No idle check before lending (recheck_after): a slow machine must not replace the
    # killed connection before the test has used it.
    database = open_database(url, pool_size=1, on_connect=made.append, recheck_after=600, **options)
    return Fresh(url, database, made)


@pytest.fixture(params=sorted(MSSQL_DRIVERS))
def sqlserver(request: pytest.FixtureRequest, mssql: MssqlServer) -> Iterator[Fresh]:
    made = fresh(mssql, request.param)
    yield made
    made.database.close()


def test_a_unique_violation_is_a_conflict_and_keeps_the_connection(sqlserver: Fresh) -> None:
    database = sqlserver.database
    given.user(database, "alice")
    for _ in range(3):
        with pytest.raises(Conflict), database.unit_of_work() as uow:
            uow.users.add(Username("alice"), "hash", given.T0)
    bob = given.user(database, "bob")
    assert len(sqlserver.made) == 1
    assert database.pool_stats().unavailable["broken"] == 0
    with database.unit_of_work() as uow:
        assert uow.users.get(bob.id) == bob


def test_a_killed_session_is_unavailable_then_the_pool_reconnects(
    sqlserver: Fresh, mssql: MssqlServer
) -> None:
    database = sqlserver.database
    owner = given.user(database).id
    assert mssql.kill_sessions(sqlserver.url) >= 1
    with pytest.raises(Unavailable), database.unit_of_work() as uow:
        uow.tasks.add(owner, Title("lost"), Duration(5), given.T0)
    task = given.task(database, owner, "kept")
    with database.unit_of_work() as uow:
        assert uow.tasks.page(None, None, 10) == [task]
    assert len(sqlserver.made) == 2


def test_a_deadlock_victim_is_unavailable_and_the_survivor_commits(sqlserver: Fresh) -> None:
    database = open_database(sqlserver.url, pool_size=2, statement_timeout=30)
    owner = given.user(database).id
    first, second = given.task(database, owner, "one"), given.task(database, owner, "two")
    both_locked = threading.Barrier(2, timeout=10)
    outcomes: list[str] = []

    def rename(mine: Task, theirs: Task) -> None:
        try:
            with database.unit_of_work() as uow:
                uow.tasks.update(mine.rename(Title("mine"), given.T0))
                both_locked.wait()
                uow.tasks.update(theirs.rename(Title("theirs"), given.T0))
                uow.commit()
            outcomes.append("committed")
        except Unavailable:
            outcomes.append("unavailable")

    threads = [
        threading.Thread(target=rename, args=(first, second)),
        threading.Thread(target=rename, args=(second, first)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["committed", "unavailable"]
    given.task(database, owner, "after")  # the victim's connection was replaced
    database.close()


@pytest.mark.parametrize(
    ("statement_timeout", "kind"), [(30.0, "lock timeout"), (2.0, "query timeout")]
)
def test_a_lock_held_too_long_is_unavailable(
    mssql: MssqlServer, statement_timeout: float, kind: str
) -> None:
    """LOCK_TIMEOUT (5 s) ends the wait on the server; a shorter query timeout cancels the
    statement from the driver first. Either way the row is left as the holder wants it."""
    made = fresh(mssql, "mssql-odbc18", statement_timeout=statement_timeout)
    owner = given.user(made.database).id
    task = given.task(made.database, owner, "held")
    with raw_connection(made.url) as holder:
        holder.autocommit = False
        holder.execute("UPDATE tasks SET title = ? WHERE id = ?", ("holder", task.id.value))
        with pytest.raises(Unavailable), made.database.unit_of_work() as uow:
            uow.tasks.remove(task.id)
        holder.commit()
    made.database.close()
    assert query(made.url, "SELECT title FROM tasks WHERE id = ?", task.id.value) == [
        ("holder",)
    ], kind


def test_an_unreachable_server_is_unavailable_fast() -> None:
    """A stopped engine refuses connections: Unavailable, never a hang."""
    url = "mssql://sa:x@127.0.0.1:9/selteq?driver=FreeTDS"
    database = open_database(url, connect_timeout=1)
    with pytest.raises(Unavailable):
        database.ping()
    database.close()
