"""TaskRepository contract, on every engine."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from selteq_adapters.db import Database
from selteq_core import Conflict, Duration, TaskId, Title, UserId, Username
from tests.integration.db import given
from tests.integration.db.given import T0


def titles(tasks: list) -> list[str]:  # type: ignore[type-arg]
    return [t.title.value for t in tasks]


def test_add_then_get_round_trips_every_field(db: Database) -> None:
    alice = given.user(db)
    made = given.task(db, alice.id, "Buy milk", minutes=25)
    assert made.id.value >= 1
    assert (made.owner_id, made.title, made.duration) == (alice.id, Title("Buy milk"), Duration(25))
    with db.unit_of_work() as uow:
        assert uow.tasks.get(made.id) == made


def test_get_of_a_missing_task_is_none(db: Database) -> None:
    with db.unit_of_work() as uow:
        assert uow.tasks.get(TaskId(987654321)) is None


def test_times_come_back_aware_utc_to_the_microsecond(db: Database) -> None:
    alice = given.user(db)
    plus_two = datetime(2026, 7, 1, 14, 0, 0, 999999, tzinfo=timezone(timedelta(hours=2)))
    made = given.task(db, alice.id, at=plus_two)
    with db.unit_of_work() as uow:
        stored = uow.tasks.get(made.id)
    assert stored is not None
    assert stored.created_at == plus_two
    assert stored.created_at.tzinfo == UTC
    assert (stored.created_at.hour, stored.created_at.microsecond) == (12, 999999)
    assert stored.updated_at == made.created_at


def test_unicode_titles_and_extreme_durations_survive(db: Database) -> None:
    alice = given.user(db)
    long_title = "Ünïcødé ✓ 🚀 " + "é" * 170 + "🚀" * 18  # 200 characters, some astral
    assert len(long_title) == 200
    made = given.task(db, alice.id, long_title, minutes=2_147_483_647)
    with db.unit_of_work() as uow:
        stored = uow.tasks.get(made.id)
    assert stored is not None
    assert stored.title.value == long_title
    assert stored.duration.minutes == 2_147_483_647


HOSTILE = [
    "'); DROP TABLE tasks; --",
    "O'Brien \\' \\\\ \\x00 ?",
    "$1 $$ $q$ :name %s %(x)s {0}",
    "E'\\\\' ; COMMIT; DELETE FROM users",
]


@pytest.mark.parametrize("title", HOSTILE)
def test_hostile_text_is_stored_as_data(db: Database, title: str) -> None:
    """Parameters are data whatever binds them (psqlODBC binds client-side, escaped)."""
    alice = given.user(db, "o.brien")
    made = given.task(db, alice.id, title)
    with db.unit_of_work() as uow:
        stored = uow.tasks.get(made.id)
        assert uow.users.by_username(Username("o.brien")) == alice
        recent = uow.tasks.recent(alice.id, 4)
    assert stored is not None
    assert stored.title.value == title
    assert titles(recent) == [title]


def test_recent_is_the_owners_newest_first_and_limited(db: Database) -> None:
    alice, bob = given.user(db, "alice"), given.user(db, "bob")
    given.tasks(db, alice.id, 6)
    given.task(db, bob.id, "bob's", T0 + timedelta(hours=1))
    with db.unit_of_work() as uow:
        assert titles(uow.tasks.recent(alice.id, 4)) == ["t5", "t4", "t3", "t2"]
        assert titles(uow.tasks.recent(bob.id, 4)) == ["bob's"]
        assert uow.tasks.recent(UserId(987654321), 4) == []


def test_recent_breaks_ties_on_created_at_by_the_newest_id(db: Database) -> None:
    alice = given.user(db)
    same = [given.task(db, alice.id, f"same{n}", T0) for n in range(5)]
    older = given.task(db, alice.id, "older", T0 - timedelta(microseconds=1))
    with db.unit_of_work() as uow:
        recent = uow.tasks.recent(alice.id, 4)
        everything = uow.tasks.recent(alice.id, 10)
    assert [t.id for t in recent] == sorted((t.id for t in same), reverse=True)[:4]
    assert everything[-1] == older


def test_the_batch_read_answers_each_owner_as_recent_would(db: Database) -> None:
    alice, bob, carol = (given.user(db, name) for name in ("alice", "bob", "carol"))
    given.tasks(db, alice.id, 6)
    given.task(db, bob.id, "bob's", T0 + timedelta(hours=1))
    same = [given.task(db, carol.id, f"same{n}", T0) for n in range(5)]
    nobody = UserId(987654321)
    owners = [carol.id, nobody, alice.id, bob.id]
    batch = db.batch_reader()
    found = batch.recent_by_owner(owners, 4)
    assert batch.recent_by_owner([alice.id], 2) == {alice.id: found[alice.id][:2]}
    assert batch.recent_by_owner([], 4) == {}
    with db.unit_of_work() as uow:
        one_by_one = {owner: uow.tasks.recent(owner, 4) for owner in owners}
    assert found == one_by_one
    assert list(found) == owners
    assert titles(found[alice.id]) == ["t5", "t4", "t3", "t2"]
    assert [t.id for t in found[carol.id]] == sorted((t.id for t in same), reverse=True)[:4]
    assert found[nobody] == []


def test_add_many_stores_each_task_and_answers_in_the_order_given(db: Database) -> None:
    alice, bob = given.user(db, "alice"), given.user(db, "bob")
    asked = [
        (bob.id, Title("same"), Duration(5)),
        (alice.id, Title("名前 é\"'; --"), Duration(2147483647)),
        (bob.id, Title("same"), Duration(5)),
        (alice.id, Title("x" * 200), Duration(1)),
    ]
    with db.unit_of_work() as uow:
        made = uow.tasks.add_many(asked, T0)
        uow.commit()
    assert [(t.owner_id, t.title, t.duration) for t in made] == asked
    assert len({t.id for t in made}) == 4  # asks alike are still two tasks
    with db.unit_of_work() as uow:
        assert [uow.tasks.get(t.id) for t in made] == made
        assert uow.tasks.add_many([], T0) == []
    assert all(t.created_at == t.updated_at == T0 for t in made)


def test_add_many_uncommitted_keeps_nothing(db: Database) -> None:
    alice = given.user(db)
    with db.unit_of_work() as uow:
        made = uow.tasks.add_many([(alice.id, Title("gone"), Duration(1))] * 3, T0)
    with db.unit_of_work() as uow:
        assert all(uow.tasks.get(t.id) is None for t in made)
        assert uow.tasks.recent(alice.id, 4) == []


def test_the_batch_read_by_id_is_each_ids_own_get(db: Database) -> None:
    alice, bob = given.user(db, "alice"), given.user(db, "bob")
    made = [given.task(db, owner, f"t{n}", T0) for n, owner in enumerate([alice.id, bob.id] * 3)]
    asked = [made[4].id, TaskId(987654321), made[1].id, made[0].id]
    found = db.batch_reader().by_ids(asked)
    with db.unit_of_work() as uow:
        one_by_one = {task_id: uow.tasks.get(task_id) for task_id in asked}
    assert found == {k: v for k, v in one_by_one.items() if v is not None}
    assert set(found) == {made[4].id, made[1].id, made[0].id}
    assert found[made[1].id].owner_id == bob.id
    assert db.batch_reader().by_ids([]) == {}


def test_the_batch_read_reads_a_full_batch_of_long_titles_whole(db: Database) -> None:
    """Sixteen owners' four tasks at the longest title, in three scripts and with JSON's
    own metacharacters (the owners travel as a JSON array), come back exactly."""
    owners = [given.user(db, f"owner{n}").id for n in range(16)]
    body = 'é"\\/\n\t{}[],:ü 名前 \u2028'
    for n, owner in enumerate(owners):
        for k in range(4):
            title = f"{n}-{k} " + body * 20
            at = T0 + timedelta(seconds=k, microseconds=n * 1000 + 1)
            given.task(db, owner, title[:200], at, minutes=k + 1)
    found = db.batch_reader().recent_by_owner(owners, 4)
    with db.unit_of_work() as uow:
        one_by_one = {owner: uow.tasks.recent(owner, 4) for owner in owners}
    assert found == one_by_one
    assert all(len(tasks) == 4 for tasks in found.values())
    assert all(len(t.title.value) == 200 for tasks in found.values() for t in tasks)
    assert found[owners[3]][0].created_at == T0 + timedelta(seconds=3, microseconds=3001)


@pytest.mark.parametrize("title", HOSTILE)
def test_the_batch_read_returns_hostile_titles_as_data(db: Database, title: str) -> None:
    alice, bob = given.user(db, "alice"), given.user(db, "bob")
    made = given.task(db, alice.id, title)
    found = db.batch_reader().recent_by_owner([bob.id, alice.id], 4)
    assert found == {bob.id: [], alice.id: [made]}


def test_update_writes_title_and_updated_at_only(db: Database) -> None:
    alice = given.user(db)
    made = given.task(db, alice.id, "old", minutes=30)
    renamed = made.rename(Title("new"), T0 + timedelta(minutes=5))
    with db.unit_of_work() as uow:
        assert uow.tasks.update(renamed) is True
        uow.commit()
    with db.unit_of_work() as uow:
        stored = uow.tasks.get(made.id)
    assert stored == renamed
    assert stored is not None
    assert (stored.duration.minutes, stored.created_at) == (30, made.created_at)


def test_update_and_remove_of_a_missing_task_say_so(db: Database) -> None:
    alice = given.user(db)
    made = given.task(db, alice.id)
    with db.unit_of_work() as uow:
        assert uow.tasks.remove(made.id) is True
        assert uow.tasks.remove(made.id) is False
        assert uow.tasks.update(made.rename(Title("x"), T0)) is False
        uow.commit()
    with db.unit_of_work() as uow:
        assert uow.tasks.get(made.id) is None


def test_page_walks_every_task_in_id_order(db: Database) -> None:
    alice, bob = given.user(db, "alice"), given.user(db, "bob")
    made = [given.task(db, owner.id, f"p{n}") for n in range(4) for owner in (alice, bob)]
    ids = sorted(t.id for t in made)
    seen: list[TaskId] = []
    after: TaskId | None = None
    with db.unit_of_work() as uow:
        while batch := uow.tasks.page(after, None, 3):
            assert len(batch) <= 3
            seen.extend(t.id for t in batch)
            after = batch[-1].id
    assert seen == ids


def test_page_of_one_owner_skips_the_others(db: Database) -> None:
    alice, bob = given.user(db, "alice"), given.user(db, "bob")
    for n in range(3):
        given.task(db, alice.id, f"a{n}")
        given.task(db, bob.id, f"b{n}")
    with db.unit_of_work() as uow:
        first = uow.tasks.page(None, bob.id, 2)
        rest = uow.tasks.page(first[-1].id, bob.id, 2)
        assert uow.tasks.page(rest[-1].id, bob.id, 2) == []
    assert titles(first + rest) == ["b0", "b1", "b2"]
    assert all(t.owner_id == bob.id for t in first + rest)


def test_a_task_for_a_missing_owner_is_a_conflict(db: Database) -> None:
    with pytest.raises(Conflict), db.unit_of_work() as uow:
        uow.tasks.add(UserId(987654321), Title("orphan"), Duration(5), T0)
