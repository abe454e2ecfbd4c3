"""The purge of expired idempotency keys, on every engine: only keys older than the window
go, in bounded batches, and a key purged stands for a new create."""

from __future__ import annotations

from datetime import datetime, timedelta

from selteq_adapters.db import Database
from selteq_core import (
    KEY_TTL,
    CreateTask,
    Duration,
    IdempotencyKey,
    KeyedCreate,
    PurgeIdempotencyKeys,
    Task,
    TaskId,
    Title,
    UserId,
)
from selteq_core.memory import ManualClock
from tests.integration.db import given
from tests.integration.db.given import T0


def hold(db: Database, owner: UserId, key: str, at: datetime) -> None:
    task = Task(TaskId(1), owner, Title("Report"), Duration(30), at, at)
    with db.unit_of_work() as uow:
        uow.idempotency_keys.add(KeyedCreate(owner, IdempotencyKey(key), "f" * 64, task))
        uow.commit()


def held(db: Database, owner: UserId, *keys: str) -> list[str]:
    with db.unit_of_work() as uow:
        return [k for k in keys if uow.idempotency_keys.get(owner, IdempotencyKey(k))]


def test_purge_deletes_at_most_the_limit_of_keys_older_than_the_cut_oldest_first(
    db: Database,
) -> None:
    alice = given.user(db).id
    for n in range(4):
        hold(db, alice, f"old-{n}", T0 - timedelta(minutes=10 - n))
    hold(db, alice, "at-the-cut", T0)
    hold(db, alice, "fresh", T0 + timedelta(microseconds=1))

    with db.unit_of_work() as uow:
        assert uow.idempotency_keys.purge(T0, 3) == 3
        uow.commit()
    everything = ("old-0", "old-1", "old-2", "old-3", "at-the-cut", "fresh")
    assert held(db, alice, *everything) == ["old-3", "at-the-cut", "fresh"]

    with db.unit_of_work() as uow:
        assert uow.idempotency_keys.purge(T0, 3) == 1
        assert uow.idempotency_keys.purge(T0, 3) == 0
        uow.commit()
    assert held(db, alice, *everything) == ["at-the-cut", "fresh"]


def test_an_uncommitted_purge_deletes_nothing(db: Database) -> None:
    alice = given.user(db).id
    hold(db, alice, "old", T0 - timedelta(days=2))
    with db.unit_of_work() as uow:
        assert uow.idempotency_keys.purge(T0, 10) == 1
    assert held(db, alice, "old") == ["old"]


def test_the_use_case_purges_every_expired_key_in_batches_and_keeps_the_fresh(
    db: Database,
) -> None:
    alice, bob = given.user(db).id, given.user(db, "bob").id
    now = T0 + KEY_TTL + timedelta(hours=1)
    for n in range(7):
        hold(db, alice if n % 2 else bob, f"expired-{n}", T0 + timedelta(seconds=n))
    hold(db, alice, "fresh", now - KEY_TTL + timedelta(seconds=1))
    hold(db, bob, "fresh", now)

    purge = PurgeIdempotencyKeys(db.unit_of_work, ManualClock(now), batch_size=2)
    assert purge() == 7
    assert purge() == 0
    expired = [f"expired-{n}" for n in range(7)]
    assert held(db, alice, *expired, "fresh") == ["fresh"]
    assert held(db, bob, *expired, "fresh") == ["fresh"]


def test_a_replay_after_its_key_was_purged_creates_anew(db: Database) -> None:
    alice = given.user(db).id.value
    clock = ManualClock(T0)
    create = CreateTask(db.unit_of_work, clock)
    purge = PurgeIdempotencyKeys(db.unit_of_work, clock)
    first = create(alice, "Report", 30, "retry-me")
    clock.advance(1)
    kept = create(alice, "Kept", 5, "still-fresh")

    clock.advance(KEY_TTL.total_seconds() - 1.5)  # "retry-me" is half a second from expiry
    assert purge() == 0
    assert create(alice, "Report", 30, "retry-me") == first

    clock.advance(1)  # expired for half a second; "still-fresh" has half a second left
    assert purge() == 1
    again = create(alice, "Report", 30, "retry-me")
    assert again.id != first.id
    assert again.created_at == clock.now()
    assert create(alice, "Kept", 5, "still-fresh") == kept
    with db.unit_of_work() as uow:
        assert [t.id for t in uow.tasks.page(None, None, 10)] == [first.id, kept.id, again.id]
