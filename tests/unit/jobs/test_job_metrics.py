"""What the scheduler's and the watcher's counters count, tick by tick (in this process's
default registry, so each test reads how far a counter moved)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from prometheus_client import REGISTRY

from selteq_core import (
    CreateTask,
    Job,
    JobRun,
    LogTasks,
    RegisterUser,
    ReportTasks,
    ScheduleId,
    Unavailable,
)
from selteq_core.memory import InMemoryDatabase, ManualClock
from selteq_jobs.scheduler import ScheduleTick
from selteq_jobs.watch import Watcher
from tests.fakes import FakeHasher, FakeSignupThrottle, FakeTaskLog, FaultyUnitOfWork

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def reading(*names: str, **labels: str) -> Callable[[], list[float]]:
    return lambda: [REGISTRY.get_sample_value(n, labels) or 0.0 for n in names]


def test_each_tick_counts_once_as_it_sent_or_was_lost() -> None:
    names = ("ticks", "messages_sent")
    read = reading(*(f"selteq_scheduler_{name}_total" for name in names))
    errors = reading("selteq_scheduler_errors_total", service="redis")
    per_schedule = reading("selteq_schedule_runs_sent_total", schedule="4")
    before, errors_before, schedule_before = read(), errors(), per_schedule()
    run = JobRun("m", Job.of("purge_idempotency_keys"), ScheduleId(4), T0, T0)
    answers: list[list[JobRun] | Exception] = [[run], [], Unavailable("Redis is away"), [run]]

    def run_due() -> list[JobRun]:
        answer = answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    tick = ScheduleTick(run_due)
    assert [len(tick()) for _ in range(4)] == [1, 0, 0, 1]
    assert [a - b for a, b in zip(read(), before, strict=True)] == [4, 2]
    assert errors()[0] - errors_before[0] == 1
    assert per_schedule()[0] - schedule_before[0] == 2


def test_the_watcher_counts_passes_tasks_and_database_errors() -> None:
    read = reading("selteq_watch_ticks_total", "selteq_watch_tasks_logged_total")
    errors = reading("selteq_watch_errors_total", service="database")
    db, clock = InMemoryDatabase(), ManualClock()
    user = RegisterUser(db.unit_of_work, FakeHasher(), clock, FakeSignupThrottle())(
        "ada", "correct horse battery"
    )
    for title in ("one", "two", "three"):
        CreateTask(db.unit_of_work, clock)(user.id.value, title, 5)
    before, errors_before = read(), errors()
    sink = FakeTaskLog()
    assert Watcher(LogTasks(ReportTasks(db.unit_of_work), sink)).tick() == 3
    assert Watcher(LogTasks(ReportTasks(lambda: FaultyUnitOfWork(db, 0)), sink)).tick() is None
    assert [a - b for a, b in zip(read(), before, strict=True)] == [2, 3]
    assert errors()[0] - errors_before[0] == 1
