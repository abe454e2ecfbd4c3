"""The purge of expired idempotency keys as a job: the actor on Dramatiq's StubBroker with a
real Worker and SQLite file, and the scheduler's tick that sends it without arguments."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from apscheduler.schedulers.background import BackgroundScheduler
from dramatiq.brokers.stub import StubBroker

from selteq_adapters.container import Container, Overrides, bootstrap
from selteq_adapters.db import open_database
from selteq_adapters.settings import Settings
from selteq_core import KEY_TTL, IdempotencyKey, UserId
from selteq_core.memory import ManualClock
from selteq_jobs.actors import PURGE_IDEMPOTENCY_KEYS, declare_actors
from selteq_jobs.scheduler import ReportTick, schedule

from .test_actors import FAST, Run

T0 = datetime(2026, 5, 1, 12, tzinfo=UTC)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(T0)


@pytest.fixture
def timed(settings: Settings, clock: ManualClock) -> Iterator[Container]:
    made = bootstrap(settings, Overrides(clock=clock))
    made.migrate()
    yield made
    made.close()


def test_the_actor_forgets_expired_keys_and_keeps_fresh_ones(
    timed: Container, clock: ManualClock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="selteq.purge")
    user = timed.register_user("alice", "correct horse battery").id.value
    timed.create_task(user, "Old", 5, "old-key")
    clock.advance(3600)
    fresh = timed.create_task(user, "Fresh", 5, "fresh-key")
    clock.advance(KEY_TTL.total_seconds() - 1800)  # old-key expired half an hour ago
    broker = timed.broker
    assert isinstance(broker, StubBroker)
    actors = declare_actors(broker, timed, FAST)

    with Run(broker) as run:
        actors.purge_idempotency_keys.send()
        run.drain()

    assert [r.getMessage() for r in caplog.records if r.name == "selteq.purge"] == [
        "purged 1 expired idempotency key(s)"
    ]
    database = open_database(timed.settings.database_url)
    with database.unit_of_work() as uow:
        assert uow.idempotency_keys.get(UserId(user), IdempotencyKey("old-key")) is None
        kept = uow.idempotency_keys.get(UserId(user), IdempotencyKey("fresh-key"))
    database.close()
    assert kept is not None
    assert kept.task == fresh


def test_the_purge_tick_sends_no_arguments_and_says_so(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="selteq.scheduler")
    calls: list[tuple[object, ...]] = []

    class Lock:
        def acquire(self, name: str, tick: str, ttl: int) -> bool:
            return True

    tick = ReportTick(
        lambda *args: calls.append(args),
        Lock(),
        ManualClock(T0),
        interval=3600,
        user_id=None,
        name=PURGE_IDEMPOTENCY_KEYS,
    )
    assert tick()
    assert calls == [()]
    hour = int(T0.timestamp()) // 3600
    assert caplog.records[-1].getMessage() == f"tick {hour}: sent purge_idempotency_keys()"


def test_the_report_and_the_purge_are_two_jobs_of_one_scheduler() -> None:
    def tick(name: str, interval: int, user_id: int | None) -> ReportTick:
        return ReportTick(print, None, ManualClock(T0), interval, user_id, name=name)  # type: ignore[arg-type]

    scheduler = BackgroundScheduler(timezone=UTC)
    schedule(schedule(scheduler, tick("report", 60, 1)), tick("purge", 3600, None))
    jobs = {job.id: job for job in scheduler.get_jobs()}
    assert sorted(jobs) == ["purge", "report"]
    assert jobs["purge"].name == "send purge()"
    assert jobs["report"].name == "send report(1)"
    assert jobs["purge"].trigger.interval == timedelta(hours=1)
