"""The embedded minute job: started by the app's lifespan, stopped with it."""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from contextlib import closing
from datetime import UTC, datetime

import attrs
import pytest
from litestar.testing import TestClient

from selteq_adapters.container import Overrides, bootstrap
from selteq_adapters.db import parse_database_url
from selteq_adapters.settings import Settings
from selteq_core import KEY_TTL, Unavailable
from selteq_core.memory import ManualClock
from selteq_http.server.app import create_app
from selteq_http.server.background import THREAD_NAME


def _scheduler_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == THREAD_NAME]


def test_background_jobs_report_the_users_tasks_and_stop_on_shutdown(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="selteq.tasks")
    container = bootstrap(attrs.evolve(settings, report_interval=1, report_user_id=1))
    container.migrate()
    user = container.register_user("reporter", "correct horse battery")
    assert user.id.value == 1
    container.create_task(1, "first", 5)
    container.create_task(1, "second", 10)
    threads_before = len(_scheduler_threads())

    with TestClient(create_app(container, background_jobs=True)):
        assert len(_scheduler_threads()) == threads_before + 1
        deadline = time.monotonic() + 15
        while not any("2 task(s) of user 1" in r.getMessage() for r in caplog.records):
            assert time.monotonic() < deadline, "the report job never ran"
            time.sleep(0.05)
    reported = [r.getMessage() for r in caplog.records if r.name == "selteq.tasks"]
    assert any("title='first'" in line for line in reported)
    assert any("title='second'" in line for line in reported)
    assert len(_scheduler_threads()) == threads_before


def test_without_background_jobs_no_scheduler_starts(settings: Settings) -> None:
    container = bootstrap(settings)
    container.migrate()
    before = len(_scheduler_threads())
    with TestClient(create_app(container)):
        assert len(_scheduler_threads()) == before


def test_shutting_the_app_down_closes_the_container(settings: Settings) -> None:
    container = bootstrap(settings)
    container.migrate()
    with TestClient(create_app(container)) as client:
        assert client.get("/health/ready").status_code == 200
        assert container.readiness() == {"database": True}
    with pytest.raises(Unavailable):
        container.list_task_page(1)  # the pool is closed


def _keys(settings: Settings) -> list[str]:
    path = parse_database_url(settings.database_url).path
    assert path is not None
    with closing(sqlite3.connect(path)) as db:
        return [row[0] for row in db.execute("SELECT idem_key FROM idempotency_keys")]


def test_background_jobs_purge_expired_idempotency_keys(settings: Settings) -> None:
    """The embedded schedules run the purge too: the expired key goes, the fresh one stays."""
    clock = ManualClock(datetime(2026, 5, 1, tzinfo=UTC))
    container = bootstrap(
        attrs.evolve(settings, purge_interval=1, report_interval=3600), Overrides(clock=clock)
    )
    container.migrate()
    user = container.register_user("keeper", "correct horse battery").id.value
    container.create_task(user, "old", 5, "old-key")
    clock.advance(KEY_TTL.total_seconds() + 60)
    container.create_task(user, "fresh", 5, "fresh-key")
    assert sorted(_keys(settings)) == ["fresh-key", "old-key"]

    with TestClient(create_app(container, background_jobs=True)):
        deadline = time.monotonic() + 15
        while "old-key" in _keys(settings):
            assert time.monotonic() < deadline, "the purge job never ran"
            clock.advance(1)  # the schedules' clock: the purge falls due every second
            time.sleep(0.05)
    assert _keys(settings) == ["fresh-key"]
