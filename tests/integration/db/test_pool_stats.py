"""The pool's counts for the metrics: lent, idle, waiting, waits and unavailability."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from selteq_adapters.db import Database
from selteq_adapters.db.url import parse_database_url
from selteq_core import Unavailable
from tests.integration.db.engines import sqlite_url


def test_stats_follow_connections_lent_returned_and_waited_for(tmp_path: Path) -> None:
    database = Database(parse_database_url(sqlite_url(tmp_path)), pool_size=1, acquire_timeout=5)
    database.migrate()  # on a connection of its own, outside the pool
    database.ping()
    stats = database.pool_stats()
    assert (stats.size, stats.in_use, stats.idle, stats.waiting, stats.waits) == (1, 0, 1, 0, 0)
    waiter_done = threading.Event()
    with database.unit_of_work():
        assert (database.pool_stats().in_use, database.pool_stats().idle) == (1, 0)

        def wait_for_it() -> None:
            database.ping()
            waiter_done.set()

        waiter = threading.Thread(target=wait_for_it)
        waiter.start()
        while database.pool_stats().waiting == 0:
            assert waiter.is_alive()
    waiter.join(timeout=10)
    assert waiter_done.is_set()
    stats = database.pool_stats()
    assert (stats.in_use, stats.idle, stats.waiting, stats.waits) == (0, 1, 0, 1)
    assert stats.unavailable == {"connect": 0, "broken": 0, "busy": 0}
    database.close()


def test_stats_count_each_way_the_database_was_unavailable(tmp_path: Path) -> None:
    folder = tmp_path / "not-a-folder"
    folder.write_text("")
    down = Database(parse_database_url(f"sqlite:///{folder}/x.db"), pool_size=1)
    with pytest.raises(Unavailable):
        down.ping()
    assert down.pool_stats().unavailable["connect"] == 1

    busy = Database(parse_database_url(sqlite_url(tmp_path)), pool_size=1, acquire_timeout=0.01)
    busy.migrate()
    with busy.unit_of_work(), pytest.raises(Unavailable, match="busy"):
        busy.ping()
    assert busy.pool_stats().unavailable["busy"] == 1
    busy.close()
