"""The scheduler against the real Redis: replicas, a real worker, Redis going away."""

from __future__ import annotations

import logging
import math
import re
import signal
import subprocess
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import attrs
import pytest
import redis
from apscheduler.schedulers.background import BackgroundScheduler

from selteq_adapters.container import Container, bootstrap
from selteq_adapters.db import open_database
from selteq_adapters.settings import Settings
from selteq_core import CreateTask, Task, User
from selteq_core.memory import ManualClock
from selteq_jobs.actors import PRINT_USER_TASKS, PURGE_IDEMPOTENCY_KEYS, QUEUE, declare_actors
from selteq_jobs.scheduler import ReportTick, schedule

from .conftest import BIN, Process, free_port, job_env, wait_for


def _queued(client: redis.Redis, namespace: str) -> int:
    return int(client.hlen(f"{namespace}:{QUEUE}.msgs"))


@pytest.fixture
def redis_settings(settings: Settings, redis_url: str) -> Settings:
    return attrs.evolve(settings, redis_url=redis_url)


@pytest.fixture
def replicas(redis_settings: Settings, namespace: str) -> Iterator[Callable[[], ReportTick]]:
    """Builds scheduler replicas as `selteq-scheduler` does: each its own container, broker
    and Redis connection, all sharing one namespace."""
    made: list[Container] = []

    def replica() -> ReportTick:
        container = bootstrap(attrs.evolve(redis_settings, broker_namespace=namespace))
        made.append(container)
        actors = declare_actors(container.broker, container)
        assert container.tick_lock is not None
        return ReportTick(
            actors.print_user_tasks.send,
            container.tick_lock,
            container.clock,
            interval=1,
            user_id=1,
            name=f"{namespace}.{PRINT_USER_TASKS}",
        )

    yield replica
    for part in made:
        part.close()


def test_two_replicas_send_once_per_tick_between_them(
    replicas: Callable[[], ReportTick],
    redis_url: str,
    namespace: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="selteq.scheduler")
    start = datetime.fromtimestamp(math.ceil(datetime.now(UTC).timestamp()) + 1, UTC)
    end = start + timedelta(seconds=2.5)
    schedulers = [
        schedule(BackgroundScheduler(timezone=UTC), replicas(), start=start, end=end)
        for _ in range(2)
    ]
    for scheduler in schedulers:
        scheduler.start()
    try:
        wait_for(lambda: all(not s.get_jobs() for s in schedulers), "the three ticks to pass")
    finally:
        for scheduler in schedulers:
            scheduler.shutdown(wait=True)

    client = redis.Redis.from_url(redis_url)
    assert _queued(client, namespace) == 3
    sent = [m[1] for r in caplog.records if (m := re.match(r"tick (\d+): sent ", r.getMessage()))]
    ticks = {int(tick) for tick in sent}
    assert len(sent) == 3
    assert ticks == {int(start.timestamp()) + i for i in range(3)}
    client.close()


def test_a_tick_reaches_a_real_worker_process(
    redis_settings: Settings,
    namespace: str,
    container: Container,
    alice: tuple[User, list[Task]],
    replicas: Callable[[], ReportTick],
    processes: list[Process],
    tmp_path: Path,
) -> None:
    user, tasks = alice
    assert user.id.value == 1
    env = job_env(
        redis_settings,
        SELTEQ_REDIS_URL=str(redis_settings.redis_url),
        SELTEQ_BROKER_NAMESPACE=namespace,
    )
    args = [str(BIN / "dramatiq"), "selteq_jobs.worker", "--processes", "1", "--threads", "1"]
    worker = Process(args, env, tmp_path, tmp_path / "worker.log")
    processes.append(worker)

    assert replicas()()

    wait_for(lambda: "3 task(s) of user 1" in worker.output(), "the worker's report")
    output = worker.output()
    for task in tasks:
        assert f"task {task.id.value} owner=1 title={task.title.value!r}" in output
    assert "Bob's secret" not in output
    assert worker.stop() == 0


def test_a_purge_tick_reaches_a_real_worker_process(
    redis_settings: Settings,
    namespace: str,
    container: Container,
    processes: list[Process],
    tmp_path: Path,
) -> None:
    user = container.register_user("alice", "correct horse battery").id.value
    database = open_database(container.settings.database_url)
    two_days_ago = ManualClock(datetime.now(UTC) - timedelta(days=2))
    CreateTask(database.unit_of_work, two_days_ago)(user, "Old", 5, "old-key")
    database.close()
    env = job_env(
        redis_settings,
        SELTEQ_REDIS_URL=str(redis_settings.redis_url),
        SELTEQ_BROKER_NAMESPACE=namespace,
    )
    args = [str(BIN / "dramatiq"), "selteq_jobs.worker", "--processes", "1", "--threads", "1"]
    worker = Process(args, env, tmp_path, tmp_path / "worker.log")
    processes.append(worker)
    sender = bootstrap(attrs.evolve(redis_settings, broker_namespace=namespace))
    try:
        actors = declare_actors(sender.broker, sender)
        assert sender.tick_lock is not None
        purge = ReportTick(
            actors.purge_idempotency_keys.send,
            sender.tick_lock,
            sender.clock,
            interval=3600,
            user_id=None,
            name=f"{namespace}.{PURGE_IDEMPOTENCY_KEYS}",
        )
        assert purge()
        assert not purge()  # the same hour's tick again: another replica already sent it
    finally:
        sender.close()

    wait_for(lambda: "purged 1 expired idempotency key(s)" in worker.output(), "the purge")
    assert worker.stop() == 0


def test_the_scheduler_outlives_redis_going_away(
    settings: Settings,
    redis_server: Callable[[int], Process],
    processes: list[Process],
    tmp_path: Path,
) -> None:
    port = free_port()
    url = f"redis://127.0.0.1:{port}/0"
    server = redis_server(port)
    env = job_env(settings, SELTEQ_REDIS_URL=url, SELTEQ_REPORT_INTERVAL="1")
    scheduler = Process([str(BIN / "selteq-scheduler")], env, tmp_path, tmp_path / "sched.log")
    processes.append(scheduler)
    client = redis.Redis.from_url(url, socket_connect_timeout=1)

    wait_for(lambda: _queued(client, "selteq") >= 1, "a first send")
    server.stop()
    wait_for(lambda: "Redis unavailable" in scheduler.output(), "the outage to be noticed")
    assert scheduler.proc.poll() is None

    redis_server(port)
    wait_for(lambda: _queued(client, "selteq") >= 1, "a send after Redis came back")
    assert scheduler.proc.poll() is None
    scheduler.proc.send_signal(signal.SIGINT)
    assert scheduler.stop() == 0
    output = scheduler.output()
    assert "Redis is reachable again" in output
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
