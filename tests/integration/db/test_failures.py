"""When the connection dies, the core sees Unavailable, nothing half-done is kept, and the
pool recovers with a fresh connection. An unreachable database fails fast, as Unavailable.
"""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import attrs
import pytest

from selteq_adapters.db import Database, open_database
from selteq_core import Duration, Task, Title, Unavailable, UnitOfWork
from tests.integration.db import given
from tests.integration.db.engines import PostgresServer, sqlite_odbc_url, sqlite_url
from tests.integration.db.given import T0
from tests.services import odbc_driver

LATER = T0 + timedelta(hours=1)


@attrs.define
class Breakable:
    """A fresh database whose live connection the test can cut, and the connections made."""

    database: Database
    cut: Callable[[], None]
    made: list[Any]


def breakable_database(
    request: pytest.FixtureRequest, tmp_path: Path, *, recheck_after: float
) -> Iterator[Breakable]:
    made: list[Any] = []
    if request.param == "postgresql-odbc":
        server: PostgresServer = request.getfixturevalue("postgres")
        url = server.create()

        def cut() -> None:
            assert server.terminate_connections(url) >= 1
    else:
        url = sqlite_url(tmp_path) if request.param == "sqlite3" else sqlite_odbc_url(tmp_path)

        def cut() -> None:
            made[-1].close()  # the pool holds one connection: the one in use

    database = open_database(url, pool_size=1, recheck_after=recheck_after, on_connect=made.append)
    database.migrate()
    del made[:]  # the migration's own connection, closed already; only the pool's count
    yield Breakable(database, cut, made)
    database.close()


@pytest.fixture(params=["sqlite3", "sqlite-odbc", "postgresql-odbc"])
def breakable(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Breakable]:
    yield from breakable_database(request, tmp_path, recheck_after=60.0)


@pytest.fixture(params=["sqlite3", "postgresql-odbc"])
def checked(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Breakable]:
    """Like ``breakable``, but every idle connection is pinged before it is lent."""
    yield from breakable_database(request, tmp_path, recheck_after=0.0)


def everything(database: Database) -> list[Task]:
    with database.unit_of_work() as uow:
        return uow.tasks.page(None, None, 1000)


def create(uow: UnitOfWork, first: Task, second: Task, cut: Callable[[], None]) -> None:
    uow.tasks.add(first.owner_id, Title("new one"), Duration(5), LATER)
    cut()
    uow.tasks.add(first.owner_id, Title("new two"), Duration(5), LATER)


def rename(uow: UnitOfWork, first: Task, second: Task, cut: Callable[[], None]) -> None:
    current = uow.tasks.get(first.id)
    assert current is not None
    uow.tasks.update(current.rename(Title("renamed"), LATER))
    cut()
    uow.tasks.update(second.rename(Title("renamed too"), LATER))


def delete(uow: UnitOfWork, first: Task, second: Task, cut: Callable[[], None]) -> None:
    uow.tasks.remove(first.id)
    cut()
    uow.tasks.remove(second.id)


def change_and_commit(
    db: Database, change: Callable[..., None], first: Task, second: Task, cut: Callable[[], None]
) -> None:
    with db.unit_of_work() as uow:
        change(uow, first, second, cut)
        uow.commit()


@pytest.mark.parametrize("change", [create, rename, delete], ids=lambda f: f.__name__)
def test_a_connection_lost_half_way_changes_nothing(
    breakable: Breakable, change: Callable[..., None]
) -> None:
    db = breakable.database
    alice = given.user(db)
    first, second = given.task(db, alice.id, "first"), given.task(db, alice.id, "second")
    before = everything(db)
    with pytest.raises(Unavailable) as error:
        change_and_commit(db, change, first, second, breakable.cut)
    assert type(error.value.__cause__).__module__ in {"sqlite3", "pyodbc"}
    assert everything(db) == before
    assert len(breakable.made) == 2  # the dead connection was replaced, not lent again
    given.task(db, alice.id, "after")
    assert len(everything(db)) == len(before) + 1


def test_a_dead_idle_connection_is_replaced_before_it_is_lent(checked: Breakable) -> None:
    db = checked.database
    alice = given.user(db)
    checked.cut()
    made = given.task(db, alice.id, "after the cut")
    assert everything(db) == [made]
    assert len(checked.made) == 2


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def unreachable_urls() -> list[Any]:
    port = closed_port()
    return [
        pytest.param(f"postgresql://postgres@127.0.0.1:{port}/nowhere", id="postgresql"),
        pytest.param(f"mssql://sa:secret@127.0.0.1:{port}/nowhere?driver=FreeTDS", id="freetds"),
        pytest.param("sqlite:////proc/selteq-cannot-exist/selteq.db", id="sqlite"),
    ]


@pytest.mark.timeout(30)
@pytest.mark.parametrize("url", unreachable_urls())
def test_an_unreachable_database_is_unavailable(url: str) -> None:
    if "postgresql" in url:
        odbc_driver("PostgreSQL Unicode")
    if "FreeTDS" in url:
        odbc_driver("FreeTDS")
    database = open_database(url, connect_timeout=2)
    with pytest.raises(Unavailable) as error:
        database.ping()
    assert error.value.__cause__ is not None
    with pytest.raises(Unavailable), database.unit_of_work():
        pass
    database.close()
