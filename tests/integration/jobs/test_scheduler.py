"""The scheduler against the real Redis and SQLite file: replicas reading one schedules
table, an edit followed at the next tick, a real worker recording the run, Redis going away."""

from __future__ import annotations

import signal
import subprocess
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import attrs
import pytest
import redis

from selteq_adapters.container import Container, Overrides, bootstrap
from selteq_adapters.db import Database, open_database
from selteq_adapters.settings import Settings
from selteq_core import JobRun, RunQuery, ScheduleSpec, Task, User
from selteq_core.memory import ManualClock
from selteq_jobs.actors import QUEUE
from selteq_jobs.scheduler import ScheduleTick

from .conftest import BIN, Process, free_port, job_env, wait_for

T0 = datetime(2026, 6, 1, 12, tzinfo=UTC)
PASSWORD = "correct horse battery"


def _queued(client: redis.Redis, namespace: str) -> int:
    return int(client.hlen(f"{namespace}:{QUEUE}.msgs"))


@pytest.fixture
def redis_settings(settings: Settings, redis_url: str, namespace: str) -> Settings:
    return attrs.evolve(settings, redis_url=redis_url, broker_namespace=namespace)


@pytest.fixture
def database(container: Container) -> Iterator[Database]:
    """The test's migrated database, without the schedules an install starts with."""
    made = open_database(container.settings.database_url)
    with made.jobs_unit_of_work() as uow:
        for schedule in uow.schedules.all():
            uow.schedules.remove(schedule.id)
        uow.commit()
    yield made
    made.close()


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(T0)


@pytest.fixture
def replicas(
    redis_settings: Settings, clock: ManualClock, database: Database
) -> Iterator[Callable[[], Container]]:
    """Scheduler replicas as `selteq-scheduler` builds them: each its own container, broker
    and Redis connection, sharing the database, the namespace and a test clock."""
    made: list[Container] = []

    def replica() -> Container:
        container = bootstrap(redis_settings, Overrides(clock=clock))
        made.append(container)
        return container

    yield replica
    for part in made:
        part.close()


def runs(database: Database) -> list[JobRun]:
    with database.jobs_unit_of_work() as uow:
        return uow.runs.newest(RunQuery(), None, 100)


def test_two_replicas_send_each_due_run_once_and_follow_an_edit_at_the_next_tick(
    replicas: Callable[[], Container],
    clock: ManualClock,
    database: Database,
    redis_url: str,
    namespace: str,
) -> None:
    one, two = replicas(), replicas()
    staff = one.register_user("root", PASSWORD, staff=True).id.value
    user = one.register_user("alice", PASSWORD).id.value
    spec = ScheduleSpec("print_user_tasks", user, every_seconds=10)
    made = one.jobs.create_schedule(staff, spec)
    ticks = [ScheduleTick(one.jobs.run_due_schedules), ScheduleTick(two.jobs.run_due_schedules)]
    sent: list[JobRun] = []
    for second in range(1, 31):
        clock.current = T0 + timedelta(seconds=second)
        for tick in ticks:
            sent += tick()
    assert [r.due_at for r in sent] == [T0 + timedelta(seconds=s) for s in (10, 20, 30)]
    client = redis.Redis.from_url(redis_url)
    assert _queued(client, namespace) == 3
    assert {r.id for r in runs(database)} == {r.id for r in sent}

    # Staff edit through one replica; the other sends at the new time, at its next tick.
    clock.current = T0 + timedelta(seconds=31)
    every_minute = ScheduleSpec("print_user_tasks", user, every_seconds=60)
    one.jobs.edit_schedule(staff, made.id.value, every_minute)
    clock.current = T0 + timedelta(seconds=40)
    assert ticks[1]() == []
    clock.current = T0 + timedelta(seconds=60)
    assert [r.due_at for r in ticks[1]() + ticks[0]()] == [T0 + timedelta(seconds=60)]
    one.jobs.pause_schedule(staff, made.id.value)
    clock.current = T0 + timedelta(minutes=5)
    assert ticks[0]() + ticks[1]() == []
    assert _queued(client, namespace) == 4
    client.close()


def test_a_due_run_reaches_a_real_worker_and_its_run_is_recorded(
    redis_settings: Settings,
    alice: tuple[User, list[Task]],
    replicas: Callable[[], Container],
    clock: ManualClock,
    database: Database,
    processes: list[Process],
    tmp_path: Path,
) -> None:
    user, tasks = alice
    env = job_env(
        redis_settings,
        SELTEQ_REDIS_URL=str(redis_settings.redis_url),
        SELTEQ_BROKER_NAMESPACE=redis_settings.broker_namespace,
    )
    args = [str(BIN / "dramatiq"), "selteq_jobs.worker", "--processes", "1", "--threads", "1"]
    worker = Process(args, env, tmp_path, tmp_path / "worker.log")
    processes.append(worker)
    sender = replicas()
    staff = sender.register_user("root", PASSWORD, staff=True).id.value
    made = sender.jobs.create_schedule(
        staff, ScheduleSpec("print_user_tasks", user.id.value, cron="0 3 * * *")
    )
    sender.jobs.run_schedule_now(staff, made.id.value)
    [run] = sender.jobs.run_due_schedules()

    wait_for(lambda: "3 task(s) of user 1" in worker.output(), "the worker's report")
    output = worker.output()
    for task in tasks:
        assert f"task {task.id.value} owner=1 title={task.title.value!r}" in output
    wait_for(lambda: runs(database)[0].outcome == "succeeded", "the run to be recorded")
    [recorded] = runs(database)
    assert recorded.id == run.id
    assert recorded.schedule_id == made.id
    assert recorded.reported == "3 task(s) logged"
    assert recorded.started_at is not None
    assert recorded.duration_ms is not None
    page = sender.jobs.list_runs(staff, schedule_id=made.id.value, outcome="succeeded")
    assert [r.id for r in page.runs] == [run.id]
    assert worker.stop() == 0


def test_the_scheduler_outlives_redis_going_away(
    container: Container,
    redis_server: Callable[[int], Process],
    processes: list[Process],
    tmp_path: Path,
) -> None:
    port = free_port()
    url = f"redis://127.0.0.1:{port}/0"
    server = redis_server(port)
    env = job_env(container.settings, SELTEQ_REDIS_URL=url, SELTEQ_REPORT_INTERVAL="1")
    scheduler = Process([str(BIN / "selteq-scheduler")], env, tmp_path, tmp_path / "sched.log")
    processes.append(scheduler)
    client = redis.Redis.from_url(url, socket_connect_timeout=1)

    wait_for(lambda: _queued(client, "selteq") >= 1, "a first send")
    server.stop()
    wait_for(lambda: "tick lost" in scheduler.output(), "the outage to be noticed")
    assert scheduler.proc.poll() is None

    redis_server(port)
    wait_for(lambda: _queued(client, "selteq") >= 1, "a send after Redis came back")
    assert scheduler.proc.poll() is None
    scheduler.proc.send_signal(signal.SIGINT)
    assert scheduler.stop() == 0
    output = scheduler.output()
    assert "answer again" in output
    assert "scheduler stopped" in output
    assert "Traceback" not in output
    client.close()


def test_the_scheduler_refuses_to_start_without_redis(settings: Settings, tmp_path: Path) -> None:
    done = subprocess.run(
        [str(BIN / "selteq-scheduler")],
        env=job_env(settings),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "SELTEQ_REDIS_URL is not set" in done.stderr


def test_the_worker_refuses_to_start_without_redis(settings: Settings, tmp_path: Path) -> None:
    done = subprocess.run(
        [str(BIN / "dramatiq"), "selteq_jobs.worker", "--processes", "1", "--threads", "1"],
        env=job_env(settings),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "selteq-worker: SELTEQ_REDIS_URL is not set" in done.stderr
    assert "Traceback" not in done.stderr
