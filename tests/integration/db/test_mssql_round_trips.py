"""The requests a unit of work sends SQL Server, read off the wire (``tds.TdsCounter``), on
both drivers: a read is one request, a write is BEGIN, the statement and COMMIT, and a
connection that committed goes back to the pool with no ROLLBACK. One that failed inside
its transaction is rolled back. Microsoft's driver never unprepares a kept statement;
FreeTDS unprepares before each new execution (docs/decisions/0460)."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest

from selteq_adapters.db import Database, open_database
from selteq_core import Conflict, Username
from tests.integration.db import given
from tests.integration.db.engines import MSSQL_DRIVERS, MssqlServer
from tests.integration.db.tds import TdsCounter

BEGIN, COMMIT = "BEGIN TRANSACTION", "COMMIT TRANSACTION"
ROLLBACK = "IF @@TRANCOUNT > 0 ROLLBACK TRANSACTION"


@pytest.fixture(params=list(MSSQL_DRIVERS))
def watched(
    request: pytest.FixtureRequest, mssql: MssqlServer
) -> Iterator[tuple[Database, TdsCounter, str]]:
    """A migrated database behind a pool of one connection, reached through a relay that
    reads its requests; the engine's name."""
    url = urlsplit(mssql.migrated(request.param))
    relay = TdsCounter((url.hostname or "127.0.0.1", url.port or 1433))
    with relay:
        relayed = url._replace(netloc=f"{url.username}:{url.password}@127.0.0.1:{relay.port}")
        database = open_database(relayed.geturl(), pool_size=1)
        try:
            assert database.fill_pool(30) == 1
            yield database, relay, request.param
        finally:
            database.close()


def _sent(relay: TdsCounter, engine: str) -> list[str]:
    """What was sent, each request by its text or procedure; FreeTDS's unprepare of the
    statement it prepares again is counted apart (Microsoft's driver sends none)."""
    sent = [request.what for request in relay.requests()]
    if engine == "mssql-odbc18":
        assert "sp_unprepare" not in sent
    return [what for what in sent if what != "sp_unprepare"]


def test_a_read_is_one_request(watched: tuple[Database, TdsCounter, str]) -> None:
    database, relay, engine = watched
    owner = given.user(database).id
    for _ in range(2):
        relay.watch()
        with database.unit_of_work() as uow:
            uow.tasks.recent(owner, 4)
        assert _sent(relay, engine) == ["sp_prepexec"]


def test_a_committed_write_is_not_rolled_back(watched: tuple[Database, TdsCounter, str]) -> None:
    database, relay, engine = watched
    owner = given.user(database).id
    for n in range(2):
        relay.watch()
        given.task(database, owner, f"task {n}")
        assert _sent(relay, engine) == [BEGIN, "sp_prepexec", COMMIT]


def test_a_failed_write_is_rolled_back(watched: tuple[Database, TdsCounter, str]) -> None:
    database, relay, engine = watched
    alice = given.user(database)
    relay.watch()
    with pytest.raises(Conflict), database.unit_of_work() as uow:
        uow.users.add(Username("alice"), "hash", given.T0)
    assert _sent(relay, engine) == [BEGIN, "sp_prepexec", ROLLBACK]
    relay.watch()
    given.task(database, alice.id)  # the same connection, sound and out of its transaction
    assert _sent(relay, engine) == [BEGIN, "sp_prepexec", COMMIT]


def test_an_uncommitted_write_is_rolled_back(watched: tuple[Database, TdsCounter, str]) -> None:
    database, relay, engine = watched
    owner = given.user(database).id
    relay.watch()
    with database.unit_of_work() as uow:
        uow.tasks.recent(owner, 1)
        uow.users.add(Username("bob"), "hash", given.T0)
    assert _sent(relay, engine) == ["sp_prepexec", BEGIN, "sp_prepexec", ROLLBACK]
    with database.unit_of_work() as uow:
        assert uow.users.by_username(Username("bob")) is None
