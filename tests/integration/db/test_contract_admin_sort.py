"""The staff's sorted tables on every engine: users by id, name, date joined and task
count, every task by creation, title, duration and owner, each way, paged by keyset; and
the use-cases' tokens through the real container.

Names and titles are lowercase ASCII letters, which every engine's collation sorts alike.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from selteq_adapters.container import Container, Overrides, bootstrap
from selteq_adapters.db import Database
from selteq_adapters.hashing import Argon2PasswordHasher
from selteq_adapters.settings import Settings
from selteq_core import (
    InvalidField,
    SortKey,
    StaffTaskOrder,
    Task,
    TaskQuery,
    User,
    Username,
    UserOrder,
    UserQuery,
)
from selteq_core.memory import ManualClock
from tests.integration.db import given
from tests.integration.db.given import T0

PASSWORD = "correct horse battery"


@pytest.fixture
def app(db: Database, settings: Settings) -> Container:
    hasher = Argon2PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    return bootstrap(settings, Overrides(database=db, clock=ManualClock(T0), hasher=hasher))


def _people(db: Database) -> dict[str, tuple[User, int]]:
    """Four users joined out of name order, with 2, 0, 3 and 2 tasks (a tie)."""
    made: dict[str, tuple[User, int]] = {}
    plan = [("dora", 5, 2), ("bob", 1, 0), ("carl", 3, 3), ("abe", 2, 2)]
    for name, hours, count in plan:
        user = given.user(db, name, T0 + timedelta(hours=hours))
        for n in range(count):
            given.task(db, user.id, f"{name}{n}")
        made[name] = (user, count)
    return made


def _user_value(user: User, tasks: int, order: UserOrder) -> Any:
    return {
        "id": user.id.value,
        "username": user.username.value,
        "date_joined": user.created_at,
        "task_count": tasks,
    }[order.field]


def _read_users(db: Database, order: UserOrder, size: int) -> list[tuple[User, int]]:
    """Every user, a page of ``size`` at a time, each page after the last one's key."""
    seen: list[tuple[User, int]] = []
    after: SortKey | None = None
    while True:
        with db.unit_of_work() as uow:
            rows = uow.users.sorted(UserQuery(order=order, after=after), size)
        seen.extend(rows)
        if len(rows) < size:
            return seen
        user, tasks = rows[-1]
        value = _user_value(user, tasks, order)
        after = SortKey(order.value, value, user.id.value)


@pytest.mark.parametrize("order", list(UserOrder))
def test_users_sorted_each_way_and_paged(db: Database, order: UserOrder) -> None:
    made = _people(db)
    expected = sorted(
        made.values(),
        key=lambda row: (_user_value(row[0], row[1], order), row[0].id.value),
        reverse=order.descending,
    )
    with db.unit_of_work() as uow:
        assert uow.users.sorted(UserQuery(order=order), 10) == expected
    assert _read_users(db, order, 2) == expected
    assert _read_users(db, order, 1) == expected


def test_users_sorted_keep_the_filters(db: Database) -> None:
    made = _people(db)
    query = UserQuery("o", order=UserOrder.TASKS_DESC)
    with db.unit_of_work() as uow:
        assert uow.users.set_active(made["bob"][0].id, False, T0)
        uow.commit()
    with db.unit_of_work() as uow:
        assert [u.username.value for u, _ in uow.users.sorted(query, 10)] == ["dora", "bob"]
        only_active = UserQuery("o", active=True, order=UserOrder.TASKS_DESC)
        assert [(u.username.value, n) for u, n in uow.users.sorted(only_active, 10)] == [
            ("dora", 2)
        ]


def _tasks(db: Database) -> dict[str, Task]:
    """Tasks of two owners, created one minute apart out of title order; two share a
    duration (the tie)."""
    zed, amy = given.user(db, "zed"), given.user(db, "amy")
    plan = [("pear", zed, 30), ("apple", amy, 5), ("fig", zed, 30), ("kiwi", amy, 90)]
    made = {}
    for n, (title, owner, minutes) in enumerate(plan):
        at = T0 + timedelta(minutes=n)
        made[title] = given.task(db, owner.id, title, at, minutes)
    return made


def _task_value(task: Task, owner: str, order: StaffTaskOrder) -> Any:
    return {
        "created_at": task.created_at,
        "title": task.title.value,
        "duration": task.duration.minutes,
        "owner": owner,
    }[order.field]


@pytest.mark.parametrize("order", list(StaffTaskOrder))
@pytest.mark.parametrize("one_owner", [False, True])
def test_every_task_sorted_each_way_and_paged(
    db: Database, order: StaffTaskOrder, one_owner: bool
) -> None:
    made = _tasks(db)
    names = {made["pear"].owner_id: "zed", made["apple"].owner_id: "amy"}
    owner = made["pear"].owner_id if one_owner else None
    wanted = [
        (task, Username(names[task.owner_id]))
        for task in made.values()
        if owner in (None, task.owner_id)
    ]
    wanted.sort(
        key=lambda row: (_task_value(row[0], row[1].value, order), row[0].id.value),
        reverse=order.descending,
    )
    query = TaskQuery(owner=owner)
    with db.unit_of_work() as uow:
        assert uow.tasks.sorted_named(query, order, None, 10) == wanted
        seen, after = [], None
        while True:
            rows = uow.tasks.sorted_named(query, order, after, 1)
            if not rows:
                break
            seen.extend(rows)
            task, who = rows[0]
            value = _task_value(task, who.value, order)
            after = SortKey(order.value, value, task.id.value)
    assert seen == wanted


def test_every_task_sorted_keeps_window_and_search(db: Database) -> None:
    made = _tasks(db)
    window = TaskQuery(
        created_from=made["apple"].created_at,
        created_to=made["kiwi"].created_at,
        title_contains="I",
    )
    with db.unit_of_work() as uow:
        rows = uow.tasks.sorted_named(window, StaffTaskOrder.TITLE, None, 10)
    assert [task.title.value for task, _ in rows] == ["fig"]


def test_sorted_tables_through_the_container(app: Container) -> None:
    root = app.register_user("root", PASSWORD, staff=True).id.value
    for name, count in [("cat", 1), ("ann", 3), ("bea", 0)]:
        ident = app.register_user(name, PASSWORD).id.value
        for n in range(count):
            app.create_task(ident, f"{name} task {n}", 10 + n)
    first = app.list_users(root, limit=2, ordering="username", total=True)
    assert [u.username.value for u in first.users] == ["ann", "bea"]
    assert isinstance(first.next, str)
    assert first.total == 4
    rest = app.list_users(root, after=first.next, limit=2, ordering="username")
    assert [u.username.value for u in rest.users] == ["cat", "root"]
    by_tasks = app.list_users(root, ordering="-task_count")
    assert [(u.username.value, by_tasks.task_counts[u.id]) for u in by_tasks.users][:2] == [
        ("ann", 3),
        ("cat", 1),
    ]
    with pytest.raises(InvalidField) as refused:
        app.list_users(root, after=first.next, ordering="-username")
    assert "after" in refused.value.fields
    with pytest.raises(InvalidField) as unknown:
        app.list_users(root, ordering="password_hash")
    assert "ordering" in unknown.value.fields
    longest = app.list_all_tasks(root, limit=2, ordering="-duration", total=True)
    assert [t.title.value for t in longest.tasks] == ["ann task 2", "ann task 1"]
    assert longest.total == 4
    assert longest.next is not None
    after = app.list_all_tasks(root, before=longest.next, limit=2, ordering="-duration")
    assert [t.title.value for t in after.tasks] == ["ann task 0", "cat task 0"]
    assert {name.value for name in after.owners.values()} == {"cat", "ann"}
    with pytest.raises(InvalidField) as other:
        app.list_all_tasks(root, before=longest.next, ordering="title")
    assert "before" in other.value.fields
