"""The watcher, a worker's report (the batched list) and a worker's purge on SQL Server.

The tests are the SQLite ones, collected again here with ``settings`` on a new SQL Server
database of each test's own (Microsoft's ODBC Driver 18), so both engines run the same
assertions.
"""

from __future__ import annotations

import pytest

from selteq_adapters.settings import Settings
from tests.integration.db.engines import MssqlServer

from .test_scheduler import redis_settings, replicas
from .test_scheduler import (
    test_a_purge_tick_reaches_a_real_worker_process as test_a_purge_tick_on_sql_server,
)
from .test_scheduler import (
    test_a_tick_reaches_a_real_worker_process as test_a_tick_reaches_a_worker_on_sql_server,
)
from .test_watch import (
    test_logs_every_task_on_every_tick_through_logging_only as test_watch_on_sql_server,
)

__all__ = [  # collected here again; the fixtures they take, from their modules
    "redis_settings",
    "replicas",
    "test_a_purge_tick_on_sql_server",
    "test_a_tick_reaches_a_worker_on_sql_server",
    "test_watch_on_sql_server",
]


@pytest.fixture
def settings(mssql: MssqlServer) -> Settings:
    return Settings(
        env="test",
        database_url=mssql.create("mssql-odbc18"),
        jwt_secret="test-secret-that-is-at-least-32-bytes-long",
    )
