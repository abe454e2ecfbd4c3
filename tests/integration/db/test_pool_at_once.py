"""The pool's non-blocking path, which an event loop uses for short reads: a warm idle
connection at once, or WouldBlock; never a wait, a new connection or a ping."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from selteq_adapters.db import Database, WouldBlock, open_database
from tests.integration.db import given
from tests.integration.db.engines import sqlite_url


def made_database(
    tmp_path: Path, *, pool_size: int = 8, recheck_after: float = 2.0
) -> tuple[Database, list[object]]:
    """A migrated SQLite database, and the raw connections it opens."""
    connections: list[object] = []
    database = open_database(
        sqlite_url(tmp_path),
        pool_size=pool_size,
        recheck_after=recheck_after,
        on_connect=connections.append,
    )
    database.migrate()
    return database, connections


def test_a_warm_idle_connection_is_lent_at_once(tmp_path: Path) -> None:
    database, connections = made_database(tmp_path)
    alice = given.user(database)
    task = given.task(database, alice.id, "warm")
    with database.unit_of_work_at_once() as uow:
        assert uow.tasks.recent(alice.id, 4) == [task]
    assert len(connections) == 1  # the migrate's connection, reused every time
    database.close()


def test_no_idle_connection_would_block_and_connects_nothing(tmp_path: Path) -> None:
    connections: list[object] = []
    database = open_database(sqlite_url(tmp_path), on_connect=connections.append)
    with pytest.raises(WouldBlock), database.unit_of_work_at_once():
        pass
    assert connections == []
    database.close()


def test_a_connection_idle_past_its_recheck_is_left_for_the_waiting_path(
    tmp_path: Path,
) -> None:
    database, connections = made_database(tmp_path, recheck_after=0.0)
    with pytest.raises(WouldBlock), database.unit_of_work_at_once():
        pass
    with database.unit_of_work() as uow:  # the waiting path pings it and lends it
        assert uow.tasks.page(None, None, 10) == []
    assert len(connections) == 1
    database.close()


def test_every_slot_lent_would_block_and_the_slot_is_not_lost(tmp_path: Path) -> None:
    database, _ = made_database(tmp_path, pool_size=1)
    with database.unit_of_work(), pytest.raises(WouldBlock), database.unit_of_work_at_once():
        pass
    # The refused attempt gave its slot back: a waiting acquire on another thread succeeds.
    done = threading.Event()

    def borrow() -> None:
        with database.unit_of_work() as uow:
            uow.tasks.page(None, None, 1)
        done.set()

    worker = threading.Thread(target=borrow)
    worker.start()
    worker.join(timeout=15)
    assert done.is_set()
    with database.unit_of_work_at_once() as uow:
        assert uow.tasks.page(None, None, 1) == []
    database.close()


def test_a_closed_database_would_block(tmp_path: Path) -> None:
    database, _ = made_database(tmp_path)
    database.close()
    with pytest.raises(WouldBlock), database.unit_of_work_at_once():
        pass
