"""Task use-cases against in-memory fakes: ownership, validation, ordering, atomicity."""

from __future__ import annotations

import pytest

from selteq_core import (
    Conflict,
    CreateTask,
    CreateTasksBatch,
    DeleteTask,
    GetTasksBatch,
    InvalidField,
    ListRecentTasksBatch,
    ListTaskPage,
    LogTasks,
    NewTask,
    NotFound,
    RenameTask,
    ReportTasks,
    Task,
    TaskPage,
    Unavailable,
    UserId,
)
from selteq_core.memory import InMemoryDatabase, ManualClock
from tests.fakes import (
    FakeTaskBatchReader,
    FakeTaskLog,
    FaultyUnitOfWork,
    RefusingManyUnitOfWork,
)
from tests.unit.conftest import Core

ALICE, BOB = 1, 2


def titles(tasks: list) -> list[str]:  # type: ignore[type-arg]
    return [t.title.value for t in tasks]


def test_create_and_get(core: Core) -> None:
    task = core.create(ALICE, "  Buy milk ", 15)
    assert (task.title.value, task.duration.minutes, task.owner_id.value) == ("Buy milk", 15, ALICE)
    assert task.created_at == task.updated_at == core.clock.now()
    assert core.get(ALICE, task.id.value) == task


def test_create_names_every_invalid_field(core: Core) -> None:
    with pytest.raises(InvalidField) as error:
        core.create(ALICE, "", True)  # type: ignore[arg-type]
    assert set(error.value.fields) == {"title", "duration"}
    assert core.recent(ALICE) == []


def test_recent_is_the_newest_four_newest_first(core: Core) -> None:
    for n in range(6):
        core.create(ALICE, f"t{n}", 10)
        core.clock.advance(1)
    core.create(BOB, "bob's", 10)
    assert titles(core.recent(ALICE)) == ["t5", "t4", "t3", "t2"]


def test_recent_breaks_ties_by_id(core: Core) -> None:
    for n in range(3):
        core.create(ALICE, f"same-time-{n}", 10)
    assert titles(core.recent(ALICE)) == ["same-time-2", "same-time-1", "same-time-0"]


def test_recent_for_many_users_is_each_users_own_recent(core: Core) -> None:
    for n in range(6):
        core.create(ALICE, f"t{n}", 10)
        core.clock.advance(1)
    core.create(BOB, "bob's", 10)
    reader = FakeTaskBatchReader(core.db.unit_of_work)
    batch = ListRecentTasksBatch(reader)
    found = batch([BOB, 3, ALICE, BOB])
    # Each user's page is exactly the first page ListTaskPage gives them, token included.
    pages = ListTaskPage(core.db.unit_of_work)
    assert found == {BOB: pages(BOB), 3: TaskPage([], None), ALICE: pages(ALICE)}
    assert list(found) == [BOB, 3, ALICE]  # each user once, in the order asked
    assert titles(found[ALICE].tasks) == ["t5", "t4", "t3", "t2"]
    assert found[ALICE].next is not None
    assert found[BOB].next is None
    assert batch([]) == {}
    assert reader.reads == 1  # one read for the whole batch, none for an empty one


def test_recent_for_many_users_checks_every_id_before_reading(core: Core) -> None:
    reader = FakeTaskBatchReader(core.db.unit_of_work)
    with pytest.raises(InvalidField):
        ListRecentTasksBatch(reader)([ALICE, 0])
    assert reader.reads == 0


def test_tasks_read_for_many_callers_are_what_each_lone_read_gives(core: Core) -> None:
    mine = core.create(ALICE, "mine", 10)
    theirs = core.create(BOB, "theirs", 20)
    reader = FakeTaskBatchReader(core.db.unit_of_work)
    asks = [
        (ALICE, mine.id.value),
        (BOB, mine.id.value),  # not BOB's: not found, like a task that does not exist
        (BOB, theirs.id.value),
        (ALICE, 999),
        (ALICE, 0),  # cannot be a task's id: not found, and not read
        (ALICE, mine.id.value),  # asked twice: answered once
    ]
    found = GetTasksBatch(reader)(asks)
    assert list(found) == asks[:5]
    assert found[(ALICE, mine.id.value)] == core.get(ALICE, mine.id.value)
    assert found[(BOB, theirs.id.value)] == core.get(BOB, theirs.id.value)
    for ask in [(BOB, mine.id.value), (ALICE, 999), (ALICE, 0)]:
        with pytest.raises(NotFound):
            core.get(*ask)
        assert isinstance(found[ask], NotFound), ask
    assert reader.reads == 1
    impossible = GetTasksBatch(reader)([(ALICE, 0)])
    assert isinstance(impossible[(ALICE, 0)], NotFound)
    assert reader.reads == 1  # nothing that could be a task was asked: nothing read


def test_another_users_task_is_not_found_and_unchanged(core: Core) -> None:
    task = core.create(ALICE, "private", 10)
    with pytest.raises(NotFound):
        core.get(BOB, task.id.value)
    with pytest.raises(NotFound):
        core.rename(BOB, task.id.value, "hijacked")
    with pytest.raises(NotFound):
        core.delete(BOB, task.id.value)
    assert core.get(ALICE, task.id.value) == task


@pytest.mark.parametrize("task_id", [0, -1, 999])
def test_missing_or_impossible_ids_are_not_found(core: Core, task_id: int) -> None:
    with pytest.raises(NotFound):
        core.get(ALICE, task_id)


def test_rename_changes_only_title_and_updated_at(core: Core) -> None:
    task = core.create(ALICE, "old", 45)
    core.clock.advance(60)
    renamed = core.rename(ALICE, task.id.value, "new")
    stored = core.get(ALICE, task.id.value)
    assert stored == renamed
    assert (stored.title.value, stored.duration.minutes) == ("new", 45)
    assert stored.created_at == task.created_at
    assert stored.updated_at == core.clock.now()


def test_rename_validates_title(core: Core) -> None:
    task = core.create(ALICE, "old", 45)
    with pytest.raises(InvalidField):
        core.rename(ALICE, task.id.value, " ")
    assert core.get(ALICE, task.id.value).title.value == "old"


def test_delete(core: Core) -> None:
    task = core.create(ALICE, "gone", 5)
    core.delete(ALICE, task.id.value)
    with pytest.raises(NotFound):
        core.get(ALICE, task.id.value)
    with pytest.raises(NotFound):
        core.delete(ALICE, task.id.value)


@pytest.mark.parametrize("calls", [0, 1])
def test_a_failure_half_way_leaves_everything_as_it_was(calls: int) -> None:
    db, clock = InMemoryDatabase(), ManualClock()
    healthy = CreateTask(db.unit_of_work, clock)
    task = healthy(ALICE, "keep me", 30)
    with db.unit_of_work() as uow:
        before = uow.tasks.page(None, None, 100)

    def faulty() -> FaultyUnitOfWork:
        return FaultyUnitOfWork(db, calls=calls)

    with pytest.raises(Unavailable):
        RenameTask(faulty, clock)(ALICE, task.id.value, "renamed")
    with pytest.raises(Unavailable):
        DeleteTask(faulty)(ALICE, task.id.value)
    with pytest.raises(Unavailable):
        CreateTask(faulty, clock)(ALICE, "never stored", 10)
    with db.unit_of_work() as uow:
        assert uow.tasks.page(None, None, 100) == before


def test_report_streams_in_batches_in_id_order(core: Core) -> None:
    made = [core.create(ALICE if n % 2 else BOB, f"r{n}", n + 1) for n in range(8)]
    assert [t.id for t in core.report()] == [t.id for t in made]
    assert titles(list(core.report(ALICE))) == ["r1", "r3", "r5", "r7"]


def test_report_reads_one_batch_at_a_time() -> None:
    db = InMemoryDatabase()
    create = CreateTask(db.unit_of_work, ManualClock())
    for n in range(7):
        create(ALICE, f"r{n}", 1)
    opened: list[int] = []

    def counting_uow():  # type: ignore[no-untyped-def]
        opened.append(1)
        return db.unit_of_work()

    from selteq_core import ReportTasks

    stream = ReportTasks(counting_uow, batch_size=3)(None)
    first_three = [next(stream) for _ in range(3)]
    assert len(first_three) == 3
    assert len(opened) == 1
    assert len(list(stream)) == 4
    assert len(opened) == 3


def test_log_tasks_writes_each_task_then_a_summary(core: Core) -> None:
    mine = [core.create(ALICE, f"t{n}", 10) for n in range(3)]
    core.create(BOB, "bob's", 10)
    sink = FakeTaskLog()
    log_tasks = LogTasks(ReportTasks(core.db.unit_of_work, batch_size=2), sink)

    assert log_tasks(ALICE) == 3
    assert sink.tasks == mine
    assert sink.summaries == [(UserId(ALICE), 3)]
    assert log_tasks() == 4
    assert sink.summaries[-1] == (None, 4)
    with pytest.raises(InvalidField):
        log_tasks(0)


def test_creates_written_together_are_what_each_create_alone_gives(core: Core) -> None:
    batch = CreateTasksBatch(core.db.unit_of_work, core.clock)
    same = [NewTask(ALICE, "twice", 10), NewTask(ALICE, "twice", 10)]
    bad = NewTask(BOB, "", 0)
    theirs = NewTask(BOB, "bob's", 5)
    made = batch([same[0], bad, theirs, same[1]])
    assert list(made) == [same[0], bad, theirs, same[1]]
    first, second, bobs = made[same[0]], made[same[1]], made[theirs]
    assert isinstance(first, Task)
    assert isinstance(second, Task)
    assert isinstance(bobs, Task)
    assert first.id != second.id  # two requests, two tasks, though they asked the same
    assert (bobs.owner_id, bobs.title.value, bobs.duration.minutes) == (UserId(BOB), "bob's", 5)
    refused = made[bad]
    assert isinstance(refused, InvalidField)
    assert set(refused.fields) == {"title", "duration"}  # both fields, in one pass
    assert titles(core.recent(ALICE)) == ["twice", "twice"]
    assert core.get(BOB, bobs.id.value) == bobs


def test_a_refused_batch_write_is_retried_one_by_one(core: Core) -> None:
    """The store refuses the shared write (as a database does when one owner was deleted
    meanwhile): nothing of it is kept, and each create is tried alone."""
    refusing = RefusingManyUnitOfWork(core.db.unit_of_work, Conflict("an owner is gone"))
    made = CreateTasksBatch(refusing, core.clock)([NewTask(ALICE, "a", 1), NewTask(BOB, "b", 2)])
    assert all(isinstance(task, Task) for task in made.values()), made
    assert titles(core.recent(ALICE)) == ["a"]
    assert titles(core.recent(BOB)) == ["b"]


def test_an_unavailable_store_fails_every_create_of_the_batch(core: Core) -> None:
    down = RefusingManyUnitOfWork(core.db.unit_of_work, Unavailable("database down"))
    asks = [NewTask(ALICE, "a", 1), NewTask(BOB, "b", 2)]
    made = CreateTasksBatch(down, core.clock)(asks)
    assert all(isinstance(made[ask], Unavailable) for ask in asks)
    assert core.recent(ALICE) == []
    assert core.recent(BOB) == []
