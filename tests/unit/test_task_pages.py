"""Paging through tasks newest first: my own, and (staff) everyone's with filters."""

from __future__ import annotations

import base64
from datetime import UTC, date, datetime, timedelta

import pytest

from selteq_core import Forbidden, InvalidField, TaskCursor, TaskId, TaskPage
from tests.unit.conftest import Core

PASSWORD = "correct horse"


def titles(page: TaskPage) -> list[str]:
    return [task.title.value for task in page.tasks]


def seven(core: Core, owner: int) -> None:
    for n in range(7):
        core.create(owner, f"t{n}", 5)
        core.clock.advance(1)


def test_pages_go_from_newest_to_oldest_and_the_last_says_so(core: Core) -> None:
    alice = core.register("alice", PASSWORD).id.value
    bob = core.register("bob", PASSWORD).id.value
    seven(core, alice)
    core.create(bob, "bob's", 5)
    first = core.page(alice)
    assert titles(first) == ["t6", "t5", "t4", "t3"]
    assert first.tasks == core.recent(alice)
    assert first.next is not None
    second = core.page(alice, first.next)
    assert titles(second) == ["t2", "t1", "t0"]
    assert second.next is None
    assert titles(core.page(alice, limit=7)) == [f"t{n}" for n in range(6, -1, -1)]
    assert core.page(alice, limit=7).next is None


def test_tasks_made_in_the_same_instant_are_ordered_by_id_and_none_is_lost(core: Core) -> None:
    alice = core.register("alice", PASSWORD).id.value
    made = [core.create(alice, f"t{n}", 5) for n in range(5)]
    seen, before = [], None
    while True:
        page = core.page(alice, before, limit=2)
        seen += page.tasks
        if page.next is None:
            break
        before = page.next
    assert seen == sorted(made, key=lambda t: t.id, reverse=True)


def test_a_new_task_does_not_shift_the_next_page(core: Core) -> None:
    alice = core.register("alice", PASSWORD).id.value
    seven(core, alice)
    first = core.page(alice)
    core.create(alice, "newer", 5)
    assert titles(core.page(alice, first.next)) == ["t2", "t1", "t0"]


@pytest.mark.parametrize("limit", [0, 101, -1, True, 2.5, "4"])
def test_a_bad_limit_names_limit(core: Core, limit: object) -> None:
    with pytest.raises(InvalidField) as error:
        core.page(1, None, limit)  # type: ignore[arg-type]
    assert set(error.value.fields) == {"limit"}


@pytest.mark.parametrize(
    "before",
    [
        "",
        "x",
        "!!!",
        "bm90IGEgY3Vyc29y",  # "not a cursor"
        base64.urlsafe_b64encode(b"2026-01-01T00:00:00|1").decode(),  # no time zone
        base64.urlsafe_b64encode(b"2026-01-01T00:00:00+00:00|0").decode(),  # no such id
        "A" * 101,
    ],
)
def test_a_bad_cursor_names_before(core: Core, before: str) -> None:
    with pytest.raises(InvalidField) as error:
        core.page(1, before)
    assert set(error.value.fields) == {"before"}


def test_a_cursor_round_trips_and_refuses_a_naive_time() -> None:
    cursor = TaskCursor(datetime(2026, 1, 2, 3, 4, 5, 678901, tzinfo=UTC), TaskId(42))
    assert TaskCursor.parse(cursor.token()) == cursor
    assert "=" not in cursor.token()
    naive = TaskCursor(datetime(2026, 1, 2), TaskId(1))
    with pytest.raises(ValueError, match="naive"):
        naive.token()


def everyone(core: Core) -> tuple[int, int, int]:
    staff = core.register("root", PASSWORD, staff=True).id.value
    alice = core.register("alice", PASSWORD).id.value
    bob = core.register("bob", PASSWORD).id.value
    core.clock.current = datetime(2026, 3, 1, 12, tzinfo=UTC)
    for n, title in enumerate(["Write REPORT", "buy milk", "100% done", "under_score"]):
        core.create(alice if n % 2 == 0 else bob, title, 5)
        core.clock.advance(86_400)
    return staff, alice, bob


def test_staff_see_every_task_newest_first_and_filter_them(core: Core) -> None:
    staff, alice, bob = everyone(core)
    assert titles(core.all_tasks(staff)) == ["under_score", "100% done", "buy milk", "Write REPORT"]
    assert titles(core.all_tasks(staff, owner=alice)) == ["100% done", "Write REPORT"]
    assert titles(core.all_tasks(staff, search="report")) == ["Write REPORT"]
    assert titles(core.all_tasks(staff, search="%")) == ["100% done"]
    assert titles(core.all_tasks(staff, search="_")) == ["under_score"]
    assert titles(core.all_tasks(staff, search="  ")) == titles(core.all_tasks(staff))
    window = core.all_tasks(staff, created_from=date(2026, 3, 2), created_to=date(2026, 3, 3))
    assert titles(window) == ["100% done", "buy milk"]
    start = datetime(2026, 3, 2, 12, tzinfo=UTC)
    exact = core.all_tasks(staff, created_from=start, created_to=start + timedelta(seconds=1))
    assert titles(exact) == ["buy milk"]
    first = core.all_tasks(staff, owner=bob, limit=1)
    assert titles(first) == ["under_score"]
    assert titles(core.all_tasks(staff, owner=bob, before=first.next)) == ["buy milk"]


@pytest.mark.parametrize(
    ("filters", "field"),
    [
        ({"owner": 0}, "owner"),
        ({"created_from": date(2026, 3, 3), "created_to": date(2026, 3, 1)}, "created_to"),
        ({"created_from": datetime(2026, 3, 3)}, "created_from"),
        ({"search": "x" * 201}, "search"),
        ({"limit": 0}, "limit"),
        ({"before": "nope"}, "before"),
    ],
)
def test_bad_filters_name_their_field(core: Core, filters: dict[str, object], field: str) -> None:
    staff, _, _ = everyone(core)
    with pytest.raises(InvalidField) as error:
        core.all_tasks(staff, **filters)  # type: ignore[arg-type]
    assert set(error.value.fields) == {field}


def test_only_staff_see_every_task(core: Core) -> None:
    _, alice, _ = everyone(core)
    with pytest.raises(Forbidden):
        core.all_tasks(alice)
