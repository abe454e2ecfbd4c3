"""``Database.fill_pool`` opens the whole pool, warmed, before a server takes load: on every
engine, the connections it opens then serve a burst of parallel units of work with no
connection opened on the way, and the pool never holds more than its size."""

from __future__ import annotations

import threading
import time
from typing import Any

from selteq_adapters.db import Database, open_database
from tests.integration.db import given
from tests.integration.db.engines import Engine

SIZE = 4


def test_fill_opens_the_pool_and_a_burst_opens_nothing_more(engine: Engine, db: Database) -> None:
    """``db`` empties the engine's tables; the pool under test is a new one on them."""
    opened: list[Any] = []
    database = open_database(engine.url, pool_size=SIZE, on_connect=opened.append)
    try:
        assert database.fill_pool(30) == SIZE
        stats = database.pool_stats()
        assert (len(opened), stats.idle, stats.in_use) == (SIZE, SIZE, 0)
        assert database.fill_pool(30) == SIZE  # full already: nothing more opens
        assert len(opened) == SIZE
        owner = given.user(database).id
        start, failures = threading.Barrier(SIZE), list[Exception]()

        def read() -> None:
            start.wait()
            try:
                with database.unit_of_work() as uow:
                    uow.tasks.recent(owner, 4)
                    time.sleep(0.05)  # all lent at once
            except Exception as error:  # noqa: BLE001 - reported by the assertion below
                failures.append(error)

        readers = [threading.Thread(target=read) for _ in range(SIZE)]
        for reader in readers:
            reader.start()
        for reader in readers:
            reader.join(timeout=30)
        assert failures == []
        assert len(opened) == SIZE
        assert database.pool_stats().unavailable == {"connect": 0, "broken": 0, "busy": 0}
    finally:
        database.close()


def test_fill_stops_at_a_database_that_cannot_be_reached() -> None:
    """Nothing listens there: one failed attempt, an empty pool, no exception."""
    database = open_database("postgresql://postgres@127.0.0.1:9/selteq", pool_size=SIZE)
    try:
        assert database.fill_pool(30) == 0
        assert database.pool_stats().idle == 0
    finally:
        database.close()
