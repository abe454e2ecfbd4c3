"""What the scheduler's and the watcher's counters count, tick by tick (in this process's
default registry, so each test reads how far a counter moved)."""

from __future__ import annotations

from collections.abc import Callable

from prometheus_client import REGISTRY

from selteq_core import CreateTask, LogTasks, RegisterUser, ReportTasks, Unavailable
from selteq_core.memory import InMemoryDatabase, ManualClock
from selteq_jobs.scheduler import ReportTick
from selteq_jobs.watch import Watcher
from tests.fakes import FakeHasher, FakeSignupThrottle, FakeTaskLog, FaultyUnitOfWork


def reading(*names: str, **labels: str) -> Callable[[], list[float]]:
    return lambda: [REGISTRY.get_sample_value(n, labels) or 0.0 for n in names]


class Lock:
    def __init__(self, answers: list[bool | Exception]) -> None:
        self.answers = answers

    def acquire(self, name: str, tick: str, ttl: int) -> bool:
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer


def test_each_tick_counts_once_as_sent_skipped_or_lost() -> None:
    names = ("ticks", "messages_sent", "ticks_skipped")
    read = reading(*(f"selteq_scheduler_{name}_total" for name in names))
    errors = reading("selteq_scheduler_errors_total", service="redis")
    before, errors_before = read(), errors()
    sent: list[int] = []
    lock = Lock([True, False, Unavailable("Redis is away"), True])
    tick = ReportTick(sent.append, lock, ManualClock(), interval=60, user_id=1)
    assert [tick() for _ in range(4)] == [True, False, False, True]
    assert sent == [1, 1]
    assert [a - b for a, b in zip(read(), before, strict=True)] == [4, 2, 1]
    assert errors()[0] - errors_before[0] == 1


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
