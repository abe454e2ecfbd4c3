"""LogTasksOneByOne against in-memory fakes: every task once, in id order, a pause between
two records and none around them, and a stop between two records ends the walk."""

from __future__ import annotations

from selteq_core import LogTasksOneByOne, UserId
from tests.fakes import FakeTaskLog
from tests.unit.conftest import Core

ALICE, BOB = 1, 2


class Pauses:
    """Counts the pauses, and answers "stop" from the ``stop_at``-th one on."""

    def __init__(self, log: FakeTaskLog, stop_at: int | None = None) -> None:
        self.log, self.stop_at = log, stop_at
        self.logged_before: list[int] = []

    def __call__(self) -> bool:
        self.logged_before.append(len(self.log.tasks))
        return self.stop_at is not None and len(self.logged_before) >= self.stop_at


def test_every_task_once_in_id_order_with_a_pause_between_two(core: Core) -> None:
    made = [core.create(ALICE if n % 2 else BOB, f"t{n}", n + 1) for n in range(7)]
    log = FakeTaskLog()
    pauses = Pauses(log)
    walk = LogTasksOneByOne(core.report, log, core.clock)
    assert walk(pauses) == 7  # the report reads 3 at a time
    assert log.tasks == made
    assert pauses.logged_before == [1, 2, 3, 4, 5, 6]  # none before the first, none after
    assert log.summaries == [(None, 7)]


def test_one_users_tasks_and_an_empty_walk_never_pauses(core: Core) -> None:
    made = [core.create(ALICE if n % 2 else BOB, f"t{n}", n + 1) for n in range(5)]
    log = FakeTaskLog()
    pauses = Pauses(log)
    assert LogTasksOneByOne(core.report, log, core.clock)(pauses, ALICE) == 2
    assert log.tasks == made[1::2]
    assert LogTasksOneByOne(core.report, log, core.clock)(pauses, 99) == 0
    assert pauses.logged_before == [1]
    assert log.summaries == [(UserId(ALICE), 2), (UserId(99), 0)]


def test_a_stop_during_a_pause_ends_the_walk_with_its_summary(core: Core) -> None:
    for n in range(5):
        core.create(ALICE, f"t{n}", n + 1)
    log = FakeTaskLog()
    assert LogTasksOneByOne(core.report, log, core.clock)(Pauses(log, stop_at=2)) == 2
    assert [t.title.value for t in log.tasks] == ["t0", "t1"]
    assert log.summaries == [(None, 2)]


def test_tasks_created_after_the_walk_began_are_passed_over(core: Core) -> None:
    made = [core.create(ALICE, f"t{n}", n + 1) for n in range(3)]
    log = FakeTaskLog()

    def pause_while_new_tasks_arrive() -> bool:
        core.clock.advance(10)
        core.create(BOB, "arrived during the walk", 5)
        return False

    walk = LogTasksOneByOne(core.report, log, core.clock)
    assert walk(pause_while_new_tasks_arrive) == 3
    assert log.tasks == made
    assert log.summaries == [(None, 3)]
