"""A user's own tasks searched, sorted, counted and paged both ways, on the fakes."""

from __future__ import annotations

import base64

import pytest

from selteq_core import (
    DEFAULT_RECENT,
    ORDERINGS,
    WEB_PAGE_SIZE,
    InvalidField,
    TaskCursor,
    TaskOrder,
    TaskPage,
)
from tests.unit.conftest import Core

PASSWORD = "correct horse"
MINUTES = [30, 5, 90, 5, 60, 1, 90]


def titles(page: TaskPage) -> list[str]:
    return [task.title.value for task in page.tasks]


def alice_with_seven(core: Core) -> int:
    alice = core.register("alice", PASSWORD).id.value
    bob = core.register("bob", PASSWORD).id.value
    for n, minutes in enumerate(MINUTES):
        core.create(alice, f"t{n}" if n % 3 else f"Report_{n}", minutes)
        core.clock.advance(1)
    core.create(bob, "bob's report", 500)
    return alice


def walk(core: Core, alice: int, ordering: str, limit: int) -> list[str]:
    seen, before = [], None
    while True:
        page = core.page(alice, before, limit, ordering=ordering)
        seen += titles(page)
        if page.next is None:
            return seen
        before = page.next


def test_the_page_sizes_the_edges_use() -> None:
    assert (DEFAULT_RECENT, WEB_PAGE_SIZE) == (4, 20)
    assert ORDERINGS == ("-created_at", "created_at", "-duration", "duration")


@pytest.mark.parametrize(
    ("ordering", "expected"),
    [
        (None, ["Report_6", "t5", "t4", "Report_3", "t2", "t1", "Report_0"]),
        ("-created_at", ["Report_6", "t5", "t4", "Report_3", "t2", "t1", "Report_0"]),
        ("created_at", ["Report_0", "t1", "t2", "Report_3", "t4", "t5", "Report_6"]),
        ("-duration", ["Report_6", "t2", "t4", "Report_0", "Report_3", "t1", "t5"]),
        ("duration", ["t5", "t1", "Report_3", "Report_0", "t4", "t2", "Report_6"]),
    ],
)
@pytest.mark.parametrize("limit", [1, 2, 3, 7])
def test_every_order_walks_every_task_once(
    core: Core, ordering: str | None, expected: list[str], limit: int
) -> None:
    alice = alice_with_seven(core)
    assert walk(core, alice, ordering or "", limit) == expected


def test_previous_goes_back_page_by_page_and_ends_on_a_full_first_page(core: Core) -> None:
    alice = alice_with_seven(core)
    first = core.page(alice, limit=3, ordering="-duration")
    assert first.previous is None
    second = core.page(alice, first.next, 3, ordering="-duration")
    third = core.page(alice, second.next, 3, ordering="-duration")
    assert (titles(second), titles(third)) == (["Report_0", "Report_3", "t1"], ["t5"])
    assert third.next is None
    assert third.previous is not None
    back = core.page(alice, third.previous, 3, ordering="-duration")
    assert back == second
    again = core.page(alice, back.previous, 3, ordering="-duration")
    assert titles(again) == titles(first)
    assert again.previous is None


def test_a_short_way_back_lands_on_the_first_page(core: Core) -> None:
    alice = alice_with_seven(core)
    first = core.page(alice, limit=3)
    second = core.page(alice, first.next, 3)
    core.delete(alice, first.tasks[0].id.value)
    back = core.page(alice, second.previous, 3)
    assert titles(back) == ["t5", "t4", "Report_3"]
    assert back.previous is None


def test_search_is_plain_text_and_the_total_counts_matches(core: Core) -> None:
    alice = alice_with_seven(core)
    page = core.page(alice, limit=2, search=" report_ ", ordering="created_at", total=True)
    assert (titles(page), page.total) == (["Report_0", "Report_3"], 3)
    assert core.page(alice, total=True).total == 7
    assert core.page(alice).total is None
    assert core.page(alice, search="%", total=True).total == 0
    assert core.count_tasks(alice) == 7
    assert core.count_tasks(alice, "REPORT") == 3
    assert core.count_tasks(alice, "_") == 3
    assert core.count_tasks(alice, "%") == 0


def test_a_cursor_of_one_order_is_refused_by_another(core: Core) -> None:
    alice = alice_with_seven(core)
    newest = core.page(alice, limit=2)
    longest = core.page(alice, limit=2, ordering="-duration")
    assert newest.next is not None
    assert longest.next is not None
    with pytest.raises(InvalidField) as error:
        core.page(alice, newest.next, 2, ordering="-duration")
    assert "another order" in error.value.fields["before"]
    with pytest.raises(InvalidField):
        core.page(alice, longest.next, 2)
    with pytest.raises(InvalidField):
        core.page(alice, longest.next, 2, ordering="duration")


def test_a_newest_first_token_keeps_its_old_form() -> None:
    """Tokens given out before orders existed still work, and still look the same."""
    token = base64.urlsafe_b64encode(b"2026-01-02T03:04:05.678901+00:00|42").decode()
    cursor = TaskCursor.parse(token.rstrip("="))
    assert (cursor.order, cursor.backward, cursor.id.value) == (TaskOrder.NEWEST, False, 42)
    assert cursor.token() == token.rstrip("=")


@pytest.mark.parametrize("order", list(TaskOrder))
@pytest.mark.parametrize("backward", [False, True])
def test_every_cursor_comes_back_from_its_token(
    core: Core, order: TaskOrder, backward: bool
) -> None:
    alice = core.register("alice", PASSWORD).id.value
    task = core.create(alice, "x", 2_147_483_647)
    cursor = TaskCursor.of(task, order, backward)
    assert TaskCursor.parse(cursor.token(), order=order) == cursor


@pytest.mark.parametrize(
    "text",
    [
        b"-duration|f|2026-01-01T00:00:00+00:00||1",  # no duration for a duration order
        b"-created_at|f|2026-01-01T00:00:00+00:00|5|1",  # a duration it does not use
        b"-created_at|x|2026-01-01T00:00:00+00:00||1",  # no such direction
        b"title|f|2026-01-01T00:00:00+00:00||1",  # no such order
        b"-duration|f|2026-01-01T00:00:00+00:00|-5|1",
        b"-duration|f|2026-01-01T00:00:00+00:00|0|1",  # no task lasts 0 minutes
        b"-duration|f|2026-01-01T00:00:00+00:00|99999999999|1",  # nor longer than an INT
        b"-duration|b|2026-01-01T00:00:00+00:00|5|99999999999999999999",
    ],
)
def test_a_forged_cursor_names_before(core: Core, text: bytes) -> None:
    alice = core.register("alice", PASSWORD).id.value
    token = base64.urlsafe_b64encode(text).decode().rstrip("=")
    with pytest.raises(InvalidField) as error:
        core.page(alice, token, ordering="-duration")
    assert set(error.value.fields) == {"before"}


@pytest.mark.parametrize("ordering", ["title", "-id", "newest", 3])
def test_an_unknown_ordering_names_ordering(core: Core, ordering: object) -> None:
    with pytest.raises(InvalidField) as error:
        core.page(1, ordering=ordering)  # type: ignore[arg-type]
    assert set(error.value.fields) == {"ordering"}
    assert "-created_at" in error.value.fields["ordering"]
