"""IdempotencyKeyStore contract, on every engine: a key is held once per user, round trips
exactly, and the keyed create makes one task however many run at once."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest

from selteq_adapters.db import Database
from selteq_core import (
    Conflict,
    CreateTask,
    Duration,
    IdempotencyKey,
    KeyedCreate,
    KeyReused,
    Task,
    TaskId,
    Title,
    UserId,
)
from selteq_core.memory import ManualClock
from tests.integration.db import given
from tests.integration.db.given import T0

KEY = IdempotencyKey("8e03978e-40d5-43e8-bc93-6894a57f9324")
RACERS = 8


def keyed(owner: UserId, key: IdempotencyKey = KEY, task_id: int = 41) -> KeyedCreate:
    title, duration = Title("caf\u00e9 \U0001f600 report"), Duration(2_147_483_647)
    task = Task(TaskId(task_id), owner, title, duration, T0, T0)
    return KeyedCreate(owner, key, "f" * 64, task)


def stored(db: Database, owner: UserId, key: IdempotencyKey = KEY) -> KeyedCreate | None:
    with db.unit_of_work() as uow:
        return uow.idempotency_keys.get(owner, key)


def test_add_then_get_round_trips(db: Database) -> None:
    alice = given.user(db)
    with db.unit_of_work() as uow:
        uow.idempotency_keys.add(keyed(alice.id))
        uow.commit()
    assert stored(db, alice.id) == keyed(alice.id)
    assert stored(db, alice.id, IdempotencyKey(KEY.value.upper())) is None  # keys are exact
    assert stored(db, given.user(db, "bob").id) is None


def test_a_key_is_held_once_per_user_and_the_connection_stays_usable(db: Database) -> None:
    alice, bob = given.user(db).id, given.user(db, "bob").id
    with db.unit_of_work() as uow:
        uow.idempotency_keys.add(keyed(alice))
        uow.commit()
    with db.unit_of_work() as uow, pytest.raises(Conflict):
        uow.idempotency_keys.add(keyed(alice, task_id=42))
    with db.unit_of_work() as uow:
        uow.idempotency_keys.add(keyed(bob, task_id=43))
        uow.commit()
    assert stored(db, alice) == keyed(alice)
    assert stored(db, bob) == keyed(bob, task_id=43)


def test_remove_forgets_the_key_and_uncommitted_adds_vanish(db: Database) -> None:
    alice = given.user(db).id
    with db.unit_of_work() as uow:
        uow.idempotency_keys.add(keyed(alice))
    assert stored(db, alice) is None
    with db.unit_of_work() as uow:
        uow.idempotency_keys.add(keyed(alice))
        uow.commit()
    with db.unit_of_work() as uow:
        uow.idempotency_keys.remove(alice, KEY)
        uow.idempotency_keys.remove(alice, IdempotencyKey("never-held"))
        uow.commit()
    assert stored(db, alice) is None


def test_concurrent_keyed_creates_make_one_task_and_answer_it_to_all(db: Database) -> None:
    alice = given.user(db).id
    create = CreateTask(db.unit_of_work, ManualClock(T0 + timedelta(microseconds=7)))
    start = threading.Barrier(RACERS, timeout=20)
    answers: list[Task] = []
    errors: list[BaseException] = []

    def race() -> None:
        start.wait()
        try:
            answers.append(create(alice.value, "Report", 30, KEY.value))
        except BaseException as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)

    threads = [threading.Thread(target=race) for _ in range(RACERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert len(answers) == RACERS
    assert len(set(answers)) == 1
    with db.unit_of_work() as uow:
        assert uow.tasks.page(None, None, 100) == [answers[0]]
    with pytest.raises(KeyReused):
        create(alice.value, "Report", 31, KEY.value)
