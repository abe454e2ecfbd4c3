"""Conditional writes on every engine: a rename or delete sent with the version the caller
saw changes nothing once the task has moved on, and of two racing with one version,
exactly one wins."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest

from selteq_adapters.db import Database
from selteq_core import DeleteTask, PreconditionFailed, RenameTask, Task
from selteq_core.memory import ManualClock
from tests.integration.db import given
from tests.integration.db.given import T0

RACERS = 6


def stored(db: Database, task: Task) -> Task | None:
    with db.unit_of_work() as uow:
        return uow.tasks.get(task.id)


def test_a_stale_version_renames_and_deletes_nothing(db: Database) -> None:
    clock = ManualClock(T0 + timedelta(seconds=1, microseconds=321))
    rename, delete = RenameTask(db.unit_of_work, clock), DeleteTask(db.unit_of_work)
    task = given.task(db, given.user(db).id)
    owner = task.owner_id.value
    read = stored(db, task)
    assert read is not None
    assert read.version == task.version
    renamed = rename(owner, task.id.value, "First", [read.version])
    assert renamed.version != read.version
    clock.advance(1)
    with pytest.raises(PreconditionFailed):
        rename(owner, task.id.value, "Second", [read.version])
    with pytest.raises(PreconditionFailed):
        delete(owner, task.id.value, [read.version, '"not-a-version"'])
    assert stored(db, task) == renamed
    assert rename(owner, task.id.value, "Any", ["*"]).title.value == "Any"
    current = stored(db, task)
    assert current is not None
    delete(owner, task.id.value, ["stale", current.version])
    assert stored(db, task) is None


def test_the_repository_compares_what_it_read(db: Database) -> None:
    task = given.task(db, given.user(db).id)
    moved = task.rename(task.title, T0 + timedelta(microseconds=1))
    with db.unit_of_work() as uow:
        assert uow.tasks.update(moved, expected=task)
        uow.commit()
    with db.unit_of_work() as uow:
        assert not uow.tasks.update(task, expected=task)
        assert not uow.tasks.remove(task.id, expected=task)
        assert uow.tasks.remove(task.id, expected=moved)
        uow.commit()


def test_of_racing_renames_with_one_version_exactly_one_wins(db: Database) -> None:
    task = given.task(db, given.user(db).id)
    owner, version = task.owner_id.value, task.version
    rename = RenameTask(db.unit_of_work, ManualClock(T0 + timedelta(seconds=5)))
    start = threading.Barrier(RACERS, timeout=20)
    outcomes: list[str] = []

    def race(n: int) -> None:
        start.wait()
        try:
            outcomes.append(rename(owner, task.id.value, f"racer {n}", [version]).title.value)
        except PreconditionFailed:
            outcomes.append("412")

    threads = [threading.Thread(target=race, args=(n,)) for n in range(RACERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    winners = [outcome for outcome in outcomes if outcome != "412"]
    assert len(outcomes) == RACERS
    assert len(winners) == 1
    final = stored(db, task)
    assert final is not None
    assert final.title.value == winners[0]
