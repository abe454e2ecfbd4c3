"""The unit of work on every engine: commit keeps, everything else rolls back."""

from __future__ import annotations

import pytest

from selteq_adapters.db import Database
from selteq_core import Conflict, Duration, Title, UserId, Username
from tests.integration.db import given
from tests.integration.db.engines import Engine, query
from tests.integration.db.given import T0


class Boom(Exception):
    pass


def count_tasks(db: Database) -> int:
    with db.unit_of_work() as uow:
        return len(uow.tasks.page(None, None, 1000))


def add_then_raise(db: Database, owner: UserId, title: str = "lost") -> None:
    with db.unit_of_work() as uow:
        uow.tasks.add(owner, Title(title), Duration(5), T0)
        raise Boom


def add_bob_and_a_task_then_take_alices_name(db: Database) -> None:
    with db.unit_of_work() as uow:
        bob = uow.users.add(Username("bob"), "h", T0)
        uow.tasks.add(bob.id, Title("bob's"), Duration(5), T0)
        uow.users.add(Username("alice"), "h", T0)


def take_alices_name(db: Database) -> None:
    with db.unit_of_work() as uow:
        uow.users.add(Username("alice"), "h", T0)


def test_commit_keeps_the_work(db: Database) -> None:
    alice = given.user(db)
    with db.unit_of_work() as uow:
        made = uow.tasks.add(alice.id, Title("kept"), Duration(5), T0)
        uow.commit()
    with db.unit_of_work() as uow:
        assert uow.tasks.get(made.id) == made


def test_an_exception_rolls_back_and_passes_through(db: Database) -> None:
    alice = given.user(db)
    with pytest.raises(Boom):
        add_then_raise(db, alice.id)
    assert count_tasks(db) == 0


def test_leaving_without_commit_rolls_back(db: Database) -> None:
    alice = given.user(db)
    kept = given.task(db, alice.id, "kept")
    with db.unit_of_work() as uow:
        uow.tasks.add(alice.id, Title("lost"), Duration(5), T0)
        uow.tasks.remove(kept.id)
        uow.users.set_password_hash(alice.id, "changed", T0)
    with db.unit_of_work() as uow:
        assert uow.tasks.page(None, None, 10) == [kept]
        assert uow.users.get(alice.id) == alice


def test_work_after_a_commit_needs_its_own_commit(db: Database) -> None:
    alice = given.user(db)
    with db.unit_of_work() as uow:
        first = uow.tasks.add(alice.id, Title("first"), Duration(5), T0)
        uow.commit()
        uow.tasks.add(alice.id, Title("second"), Duration(5), T0)
    with db.unit_of_work() as uow:
        assert uow.tasks.page(None, None, 10) == [first]


def test_a_conflict_undoes_the_whole_unit(db: Database) -> None:
    given.user(db, "alice")
    with pytest.raises(Conflict):
        add_bob_and_a_task_then_take_alices_name(db)
    with db.unit_of_work() as uow:
        assert uow.users.by_username(Username("bob")) is None
    assert count_tasks(db) == 0


def test_connections_go_back_to_the_pool_whatever_happens(db: Database) -> None:
    alice = given.user(db)
    for n in range(30):  # several times the pool's size: a leak would exhaust it
        with pytest.raises(Boom):
            add_then_raise(db, alice.id, f"t{n}")
        with pytest.raises(Conflict):
            take_alices_name(db)
    db.ping()
    assert count_tasks(db) == 0


def test_the_repositories_exist_only_inside_with(db: Database) -> None:
    uow = db.unit_of_work()
    with pytest.raises(RuntimeError, match="inside `with uow:`"):
        _ = uow.tasks
    with uow, pytest.raises(RuntimeError, match="already in use"), uow:
        pass
    with uow:
        assert uow.users.by_username(Username("nobody")) is None


def test_ping_answers(db: Database) -> None:
    db.ping()


def open_transactions(engine: Engine) -> int | None:
    """Sessions of this database sitting in an open transaction (PostgreSQL; else None)."""
    if engine.name != "postgresql-odbc":
        return None
    rows = query(
        engine.url,
        "SELECT COUNT(*) FROM pg_stat_activity"
        " WHERE datname = current_database() AND state LIKE 'idle in transaction%'",
    )
    return int(rows[0][0])


def test_reads_hold_no_transaction_and_see_later_commits(db: Database, engine: Engine) -> None:
    """A transaction starts at the first write: until then each read is one autocommit
    statement, so a reader keeps no lock (SQLite: no write lock) and no open transaction."""
    alice = given.user(db)
    with db.unit_of_work() as reader:
        assert reader.tasks.recent(alice.id, 4) == []
        assert open_transactions(engine) in (None, 0)
        made = given.task(db, alice.id, "written meanwhile")  # another connection commits
        assert reader.tasks.recent(alice.id, 4) == [made]


def test_a_write_opens_the_transaction_that_later_reads_join(db: Database, engine: Engine) -> None:
    alice = given.user(db)
    with db.unit_of_work() as uow:
        made = uow.tasks.add(alice.id, Title("pending"), Duration(5), T0)
        assert open_transactions(engine) in (None, 1)
        assert uow.tasks.get(made.id) == made  # the read sees the uncommitted row
    assert open_transactions(engine) in (None, 0)
    assert count_tasks(db) == 0
