"""The reads people need for their own tasks, on every engine: counts, a title search in
which wildcards are plain text, four orders paged by keyset, and staff's list of every
task with its owner's name."""

from __future__ import annotations

from datetime import timedelta

import attrs
import pytest

from selteq_adapters.db import Database
from selteq_core import Task, TaskCursor, TaskOrder, TaskQuery, UserId, Username
from tests.integration.db import given
from tests.integration.db.given import T0

TERMS = ("report", "%", "_", "[x]", "x] b", "!", "[", "]", "^", "REP")


def sample(db: Database) -> tuple[UserId, UserId, list[Task]]:
    alice, bob = given.user(db, "alice").id, given.user(db, "bob").id
    same = T0 + timedelta(hours=1)
    rows = [
        given.task(db, alice, "Write REPORT", T0, minutes=30),
        given.task(db, alice, "100% done", same, minutes=90),
        given.task(db, alice, "under_score", same, minutes=30),
        given.task(db, alice, "[x] box!", T0 + timedelta(days=1), minutes=2_147_483_647),
        given.task(db, alice, "a^b]c", T0 - timedelta(days=1), minutes=1),
        given.task(db, bob, "bob's report", same, minutes=45),
    ]
    return alice, bob, rows


def in_order(rows: list[Task], order: TaskOrder) -> list[Task]:
    def key(task: Task) -> tuple[object, int]:
        first = task.duration.minutes if order.by_duration else task.created_at
        return first, task.id.value

    return sorted(rows, key=key, reverse=order.descending)


@pytest.mark.parametrize("order", list(TaskOrder))
def test_each_order_pages_by_keyset_without_losing_a_task(db: Database, order: TaskOrder) -> None:
    alice, _, rows = sample(db)
    expected = in_order(rows[:5], order)
    seen: list[Task] = []
    query = TaskQuery(owner=alice, order=order)
    with db.unit_of_work() as uow:
        while True:
            page = uow.tasks.ordered(query, 2)
            seen += page
            if len(page) < 2:
                break
            query = TaskQuery(owner=alice, order=order, before=TaskCursor.of(page[-1], order))
    assert seen == expected


def test_ordered_search_holds_wildcards_as_plain_text(db: Database) -> None:
    alice, _, _ = sample(db)
    with db.unit_of_work() as uow:
        found = {
            term: [
                t.title.value
                for t in uow.tasks.ordered(
                    TaskQuery(owner=alice, title_contains=term, order=TaskOrder.OLDEST), 10
                )
            ]
            for term in TERMS
        }
    assert found == {
        "report": ["Write REPORT"],
        "%": ["100% done"],
        "_": ["under_score"],
        "[x]": ["[x] box!"],
        "x] b": ["[x] box!"],
        "!": ["[x] box!"],
        "[": ["[x] box!"],
        "]": ["a^b]c", "[x] box!"],
        "^": ["a^b]c"],
        "REP": ["Write REPORT"],
    }


def test_count_all_or_matching_of_one_owner(db: Database) -> None:
    alice, bob, _ = sample(db)
    with db.unit_of_work() as uow:
        assert uow.tasks.count(alice) == 5
        assert uow.tasks.count(bob) == 1
        assert uow.tasks.count(UserId(987654)) == 0
        assert {term: uow.tasks.count(alice, term) for term in TERMS} == {
            "report": 1,
            "%": 1,
            "_": 1,
            "[x]": 1,
            "x] b": 1,
            "!": 1,
            "[": 1,
            "]": 2,
            "^": 1,
            "REP": 1,
        }


def test_newest_search_holds_brackets_and_carets_as_plain_text(db: Database) -> None:
    sample(db)
    with db.unit_of_work() as uow:
        found = {
            term: [t.title.value for t in uow.tasks.newest(TaskQuery(title_contains=term), 10)]
            for term in ("[", "]", "^", "report")
        }
    assert found == {
        "[": ["[x] box!"],
        "]": ["[x] box!", "a^b]c"],
        "^": ["a^b]c"],
        "report": ["bob's report", "Write REPORT"],
    }


def test_newest_named_gives_each_task_its_owners_name(db: Database) -> None:
    alice, bob, rows = sample(db)
    with db.unit_of_work() as uow:
        every = uow.tasks.newest_named(TaskQuery(), 10)
        bobs = uow.tasks.newest_named(TaskQuery(owner=bob), 10)
        after = uow.tasks.newest_named(TaskQuery(before=TaskCursor.of(every[0][0])), 10)
        plain = uow.tasks.newest(TaskQuery(), 10)
    assert [task for task, _ in every] == plain
    names = {alice: "alice", bob: "bob"}
    assert all(who.value == names[task.owner_id] for task, who in every)
    assert [(task.title.value, who.value) for task, who in bobs] == [("bob's report", "bob")]
    assert after == every[1:]
    assert len(every) == len(rows)
    same = T0 + timedelta(hours=1)
    with db.unit_of_work() as uow:
        assert uow.tasks.count_matching(TaskQuery(before=TaskCursor.of(rows[0]))) == len(rows)
        assert uow.tasks.count_matching(TaskQuery(owner=bob)) == 1
        assert uow.tasks.count_matching(TaskQuery(title_contains="REPORT")) == 2
        assert uow.tasks.count_matching(TaskQuery(title_contains="]")) == 2
        window = TaskQuery(created_from=same, created_to=same + timedelta(microseconds=1))
        assert uow.tasks.count_matching(window) == 3
        assert uow.tasks.count_matching(attrs.evolve(window, owner=alice)) == 2


def test_users_filtered_by_active_and_staff(db: Database) -> None:
    with db.unit_of_work() as uow:
        root = uow.users.add(Username("root"), "h", T0, is_staff=True)
        alice = uow.users.add(Username("alice"), "h", T0)
        gone = uow.users.add(Username("gone"), "h", T0)
        uow.users.set_active(gone.id, False, T0)
        assert uow.users.set_staff(alice.id, True, T0 + timedelta(hours=1))
        assert not uow.users.set_staff(UserId(987654), True, T0)
        uow.commit()
    with db.unit_of_work() as uow:

        def names(**flags: bool | None) -> list[str]:
            return [u.username.value for u in uow.users.page("", None, 10, **flags)]

        assert names() == ["root", "alice", "gone"]
        assert names(active=True) == ["root", "alice"]
        assert names(active=False) == ["gone"]
        assert names(staff=True) == ["root", "alice"]
        assert names(staff=False, active=False) == ["gone"]
        assert names(staff=False, active=True) == []
        assert uow.users.count("") == 3
        assert uow.users.count("O", active=True) == 1
        assert uow.users.count("_") == 0
        assert uow.users.count("", staff=True, active=True) == 2
        stored = uow.users.get(alice.id)
        assert stored is not None
        assert (stored.is_staff, stored.updated_at) == (True, T0 + timedelta(hours=1))
        assert uow.users.active_staff() == 2
    assert root.is_staff
