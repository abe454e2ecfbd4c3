"""The watcher, the scheduler's replicas over the schedules table and a worker's recorded
run on SQL Server.

The tests are the SQLite ones, collected again here with ``settings`` on a new SQL Server
database of each test's own (Microsoft's ODBC Driver 18), so both engines run the same
assertions.
"""

from __future__ import annotations

import pytest

from selteq_adapters.settings import Settings
from tests.integration.db.engines import MssqlServer

from .test_scheduler import clock, database, redis_settings, replicas
from .test_scheduler import (
    test_a_due_run_reaches_a_real_worker_and_its_run_is_recorded as test_a_run_on_sql_server,
)
from .test_scheduler import (
    test_two_replicas_send_each_due_run_once_and_follow_an_edit_at_the_next_tick as test_replicas,
)
from .test_watch import (
    test_logs_every_task_on_every_tick_through_logging_only as test_watch_on_sql_server,
)

__all__ = [  # collected here again; the fixtures they take, from their modules
    "clock",
    "database",
    "redis_settings",
    "replicas",
    "test_a_run_on_sql_server",
    "test_replicas",
    "test_watch_on_sql_server",
]


@pytest.fixture
def settings(mssql: MssqlServer) -> Settings:
    return Settings(
        env="test",
        database_url=mssql.create("mssql-odbc18"),
        jwt_secret="test-secret-that-is-at-least-32-bytes-long",
    )
