"""The purge of expired idempotency keys as a job: the actor on Dramatiq's StubBroker with a
real Worker and SQLite file, and the scheduler's tick that sends it without arguments."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from dramatiq.brokers.stub import StubBroker

from selteq_adapters.container import Container, Overrides, bootstrap
from selteq_adapters.db import open_database
from selteq_adapters.settings import Settings
from selteq_core import KEY_TTL, IdempotencyKey, UserId
from selteq_core.memory import ManualClock
from selteq_jobs.actors import PURGE_IDEMPOTENCY_KEYS, declare_actors

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


def test_the_purge_schedule_runs_in_process_without_redis_and_is_recorded(
    timed: Container, clock: ManualClock
) -> None:
    """The embedded mode: one call per tick runs the due schedules here, and records them."""
    jobs = timed.jobs
    clock.current = T0 + timedelta(hours=3)
    assert jobs.run_due_schedules() == []  # the first tick only computes the next due times
    clock.current = T0 + timedelta(hours=4)
    ran = jobs.run_due_schedules()
    assert sorted(r.job.kind for r in ran) == ["print_user_tasks", PURGE_IDEMPOTENCY_KEYS]
    with timed.jobs.start_run.uow() as work:
        recorded = {r.job.kind: r for r in (work.runs.get(run.id) for run in ran) if r}
    purge = recorded[PURGE_IDEMPOTENCY_KEYS]
    assert (purge.outcome, purge.reported) == ("succeeded", "0 expired record(s) purged")
    assert recorded["print_user_tasks"].reported == "0 task(s) logged"
