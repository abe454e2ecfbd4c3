"""The print_user_tasks actor on Dramatiq's StubBroker with a real Worker."""

from __future__ import annotations

import logging
import subprocess
import sys
from types import TracebackType

import dramatiq
import pytest
from dramatiq.brokers.stub import StubBroker
from dramatiq.middleware import TimeLimitExceeded

from selteq_adapters.container import Container, Overrides, bootstrap
from selteq_adapters.db import Database, open_database
from selteq_adapters.settings import Settings
from selteq_core import (
    InvalidField,
    NotFound,
    Task,
    Unavailable,
    UnitOfWork,
    UnitOfWorkFactory,
    User,
)
from selteq_jobs.actors import PRINT_USER_TASKS, QUEUE, ActorPolicy, Actors, declare_actors

FAST = ActorPolicy(max_retries=3, min_backoff_ms=10, max_backoff_ms=20)


class FlakyUnitOfWork:
    """A unit-of-work factory that fails ``failures`` times with ``error``, then delegates:
    a database that comes back (or never does)."""

    def __init__(self, inner: UnitOfWorkFactory, failures: int, error: Exception) -> None:
        self.inner, self.failures, self.error = inner, failures, error
        self.calls = 0

    def __call__(self) -> UnitOfWork:
        self.calls += 1
        if self.calls <= self.failures:
            raise self.error
        return self.inner()


class Run:
    """A Worker on the broker for the duration of a ``with`` block."""

    def __init__(self, broker: dramatiq.Broker) -> None:
        self.broker = broker
        self.worker = dramatiq.Worker(broker, worker_timeout=50, worker_threads=1)

    def __enter__(self) -> Run:
        self.worker.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.worker.stop()

    def drain(self, *, fail_fast: bool = True) -> None:
        assert isinstance(self.broker, StubBroker)
        self.broker.join(QUEUE, fail_fast=fail_fast, timeout=10_000)
        self.worker.join()


def _database(settings: Settings) -> Database:
    return open_database(settings.database_url)


def _declared(container: Container, policy: ActorPolicy = FAST) -> tuple[StubBroker, Actors]:
    broker = container.broker
    assert isinstance(broker, StubBroker), "no SELTEQ_REDIS_URL: the container gives a stub"
    return broker, declare_actors(broker, container, policy)


def _report(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "selteq.tasks"]


@pytest.fixture
def report_logs(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.INFO, logger="selteq.tasks")
    return caplog


def test_logs_each_task_with_its_timestamps_and_a_summary(
    container: Container,
    alice: tuple[User, list[Task]],
    report_logs: pytest.LogCaptureFixture,
) -> None:
    user, tasks = alice
    broker, actors = _declared(container)

    with Run(broker) as run:
        actors.print_user_tasks.send(user.id.value)
        run.drain()

    lines = _report(report_logs)
    assert len(lines) == len(tasks) + 1
    for task, line in zip(tasks, lines, strict=False):
        assert repr(task.title.value) in line
        assert f"duration={task.duration.minutes}" in line
        assert f"created_at={task.created_at.isoformat()}" in line
        assert f"updated_at={task.updated_at.isoformat()}" in line
    assert lines[-1] == f"3 task(s) of user {user.id.value}"
    assert not any("Bob's secret" in line for line in lines)


def test_declared_with_a_time_limit_backoff_and_its_exact_name(container: Container) -> None:
    policy = ActorPolicy()
    broker, actors = _declared(container, policy)
    actor = broker.get_actor(PRINT_USER_TASKS)
    assert actor is actors.print_user_tasks
    assert actor.queue_name == QUEUE
    assert actor.options["time_limit"] == 60_000
    assert actor.options["min_backoff"] < actor.options["max_backoff"]
    assert actor.options["retry_when"] == policy.should_retry
    assert actor.options["throws"] == (InvalidField, NotFound)


def test_only_a_passing_outage_is_worth_a_retry() -> None:
    policy = ActorPolicy(max_retries=2)
    assert policy.should_retry(0, Unavailable("down"))
    assert policy.should_retry(1, TimeLimitExceeded())
    assert not policy.should_retry(2, Unavailable("still down"))
    assert not policy.should_retry(0, InvalidField("user_id", "must be positive"))
    assert not policy.should_retry(0, RuntimeError("a bug"))


def test_unavailable_is_retried_with_backoff_until_it_works(
    settings: Settings,
    container: Container,
    alice: tuple[User, list[Task]],
    report_logs: pytest.LogCaptureFixture,
) -> None:
    user, _ = alice
    flaky = FlakyUnitOfWork(
        _database(settings).unit_of_work, failures=2, error=Unavailable("database restarting")
    )
    retrying = bootstrap(settings, Overrides(uow=flaky))
    broker, actors = _declared(retrying)

    with Run(broker) as run:
        actors.print_user_tasks.send(user.id.value)
        run.drain()

    assert flaky.calls == 3
    assert broker.dead_letters == []
    assert _report(report_logs)[-1] == f"3 task(s) of user {user.id.value}"


def test_gives_up_after_max_retries(
    settings: Settings, container: Container, alice: tuple[User, list[Task]]
) -> None:
    user, _ = alice
    down = FlakyUnitOfWork(
        _database(settings).unit_of_work, failures=100, error=Unavailable("database down")
    )
    broker, actors = _declared(bootstrap(settings, Overrides(uow=down)))

    with Run(broker) as run:
        actors.print_user_tasks.send(user.id.value)
        with pytest.raises(Unavailable):
            run.drain()

    assert down.calls == 1 + FAST.max_retries
    assert [m.options["retries"] for m in broker.dead_letters] == [1 + FAST.max_retries]


def test_a_bad_user_id_is_not_retried(container: Container) -> None:
    broker, actors = _declared(container)

    with Run(broker) as run:
        actors.print_user_tasks.send(0)
        with pytest.raises(InvalidField):
            run.drain()

    [dead] = broker.dead_letters
    assert dead.args == (0,)
    assert "retries" not in dead.options


def test_an_unexpected_error_is_not_retried(
    settings: Settings, container: Container, alice: tuple[User, list[Task]]
) -> None:
    user, _ = alice
    broken = FlakyUnitOfWork(
        _database(settings).unit_of_work, failures=100, error=RuntimeError("a bug")
    )
    broker, actors = _declared(bootstrap(settings, Overrides(uow=broken)))

    with Run(broker) as run:
        actors.print_user_tasks.send(user.id.value)
        with pytest.raises(RuntimeError):
            run.drain()

    assert broken.calls == 1
    assert [m.options["retries"] for m in broker.dead_letters] == [1]


def test_importing_the_job_modules_creates_no_broker() -> None:
    code = (
        "import dramatiq.broker as b\n"
        "import selteq_jobs.actors, selteq_jobs.scheduler, selteq_jobs.watch\n"
        "import selteq_adapters.broker, selteq_adapters.ticklock, selteq_adapters.container\n"
        "print(b.global_broker)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.strip() == "None"
