"""Requests that arrive together share one statement (selteq_http.facade.batching): lists,
single-task reads and creates, on the real use-cases and database. Each caller gets exactly
its own answer, failures reach only their batch, and ``SELTEQ_LIST_BATCH=1`` makes one call
per request."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import attrs
import httpx
import pytest

from selteq_adapters.container import Container, Overrides, bootstrap
from selteq_adapters.db import open_database
from selteq_adapters.settings import Settings
from selteq_core import (
    InvalidField,
    Task,
    TaskBatchReader,
    TaskId,
    TaskPage,
    Unavailable,
    UnitOfWork,
    UserId,
)
from selteq_core.memory import ManualClock
from selteq_http.facade.batching import Batcher
from selteq_http.facade.threads import DatabaseThreads
from tests.integration.http.conftest import running

Many = Callable[[Sequence[int]], dict[int, TaskPage]]


@attrs.define
class Spy:
    """Records the owners of every batch read, then reads them for real (or fails)."""

    read: Many
    calls: list[list[int]] = attrs.field(factory=list)
    fail_with: Exception | None = None

    def __call__(self, owners: Sequence[int]) -> dict[int, TaskPage]:
        self.calls.append(list(owners))
        if self.fail_with is not None:
            raise self.fail_with
        return self.read(owners)


@pytest.fixture
def container(settings: Settings, clock: ManualClock) -> Iterator[Container]:
    made = bootstrap(settings, Overrides(clock=clock))
    made.migrate()
    yield made
    made.close()


def batch_of(container: Container) -> Many:
    assert container.list_recent_tasks_batch is not None  # the SQL store offers one
    return container.list_recent_tasks_batch


def recent(container: Container, user: int) -> TaskPage:
    """What a lone list answers: the user's newest page, read alone."""
    return container.list_task_page(user)


def batcher_over(read: Many, size: int) -> Batcher[int, TaskPage]:
    """A batcher handing its reads to database threads, as the façade's does."""
    threads = DatabaseThreads(2)

    async def hand(read: Many, owners: list[int], waited: float) -> dict[int, TaskPage]:
        return await threads.run(5.0 - waited, read, owners)

    return Batcher(read, size, hand, check=UserId)


def seed(container: Container, owners: int, each: int) -> list[int]:
    """``owners`` users (no password needed) with ``each`` tasks apiece; their ids."""
    ids = []
    for n in range(owners):
        user = container.register_user(f"user{n}", "correct horse battery")
        ids.append(user.id.value)
        for k in range(each):
            container.create_task(user.id.value, f"u{n} t{k}", k + 1)
    return ids


def gather(batcher: Batcher[int, TaskPage], users: Sequence[int]) -> list[Any]:
    """Every user's list requested at once on one loop, as requests arriving together are."""

    async def all_at_once() -> list[Any]:
        return await asyncio.gather(*(batcher(user) for user in users), return_exceptions=True)

    return asyncio.run(all_at_once())


def test_callers_arriving_together_share_one_read_and_get_their_own(
    container: Container,
) -> None:
    owners = seed(container, 3, 5)
    spy = Spy(batch_of(container))
    batcher = batcher_over(spy, 4)
    callers = [owners[0], owners[1], owners[0], owners[2], owners[1], 987654]
    results = gather(batcher, callers)
    assert spy.calls == [[owners[0], owners[1], owners[2], 987654]]
    for user, result in zip(callers, results, strict=True):
        assert result == recent(container, user)
    assert [task.title.value for task in results[0].tasks] == ["u0 t4", "u0 t3", "u0 t2", "u0 t1"]
    assert results[-1] == TaskPage([], None)


def test_a_batch_holds_at_most_size_owners_oldest_first(container: Container) -> None:
    owners = seed(container, 5, 1)
    spy = Spy(batch_of(container))
    results = gather(batcher_over(spy, 2), owners)
    # each batch reads in a thread of its own, so the reads may finish in any order
    assert sorted(spy.calls) == sorted([owners[0:2], owners[2:4], owners[4:5]])
    assert results == [recent(container, user) for user in owners]


def test_a_failed_read_fails_its_batch_only(container: Container) -> None:
    owners = seed(container, 2, 1)
    spy = Spy(batch_of(container), fail_with=Unavailable("db down"))
    batcher = batcher_over(spy, 4)
    failed = gather(batcher, owners)
    assert all(isinstance(result, Unavailable) for result in failed), failed
    spy.fail_with = None
    assert gather(batcher, owners) == [recent(container, user) for user in owners]


def test_a_bad_id_fails_its_own_call_and_not_the_batch(container: Container) -> None:
    owners = seed(container, 1, 1)
    spy = Spy(batch_of(container))
    results = gather(batcher_over(spy, 4), [0, owners[0]])
    assert isinstance(results[0], InvalidField)
    assert results[1] == recent(container, owners[0])
    assert spy.calls == [owners]


def test_a_caller_that_goes_away_leaves_the_others_served(container: Container) -> None:
    owners = seed(container, 2, 1)
    spy = Spy(batch_of(container))
    batcher = batcher_over(spy, 4)

    async def one_cancelled() -> list[Any]:
        gone = asyncio.ensure_future(batcher(owners[0]))
        kept = asyncio.ensure_future(batcher(owners[1]))
        await asyncio.sleep(0)  # both are waiting for the batch now
        gone.cancel()
        return await asyncio.gather(gone, kept, return_exceptions=True)

    gone, kept = asyncio.run(one_cancelled())
    assert isinstance(gone, asyncio.CancelledError)
    assert kept == recent(container, owners[1])
    assert spy.calls == [owners]


@attrs.define
class Held:
    """A batch read that waits in its thread until let go (the first ``held`` calls), and
    records each call's owners and the wait its batcher reported."""

    read: Many
    held: int = 1
    calls: list[list[int]] = attrs.field(factory=list)
    waits: list[float] = attrs.field(factory=list)
    gate: threading.Event = attrs.field(factory=threading.Event)

    def __call__(self, owners: Sequence[int]) -> dict[int, TaskPage]:
        self.calls.append(list(owners))
        if len(self.calls) <= self.held:
            assert self.gate.wait(10)
        return self.read(owners)


def held_batcher(held: Held, size: int, deadline: float = 5.0) -> Batcher[int, TaskPage]:
    threads = DatabaseThreads(4)

    async def hand(read: Many, owners: list[int], waited: float) -> dict[int, TaskPage]:
        held.waits.append(waited)
        return await threads.run(deadline - waited, read, owners)

    return Batcher(held, size, hand, check=UserId)


async def first_held(batcher: Batcher[int, TaskPage], held: Held, owner: int) -> Any:
    """``owner``'s list asked alone; returned once its read is held in its thread."""
    first = asyncio.ensure_future(batcher(owner))
    while not held.calls:
        await asyncio.sleep(0.005)
    return first


def test_what_arrives_during_a_read_waits_and_goes_in_the_next_batch(
    container: Container,
) -> None:
    owners = seed(container, 4, 1)
    held = Held(batch_of(container))
    batcher = held_batcher(held, 8)

    async def scenario() -> list[Any]:
        first = await first_held(batcher, held, owners[0])
        later = [asyncio.ensure_future(batcher(owner)) for owner in owners[1:]]
        await asyncio.sleep(0.1)
        calls_while_held = list(held.calls)
        held.gate.set()
        return [calls_while_held, *await asyncio.gather(first, *later)]

    calls_while_held, *results = asyncio.run(scenario())
    assert calls_while_held == [owners[:1]]  # nothing more was sent while it was read
    assert held.calls == [owners[:1], owners[1:]]  # then the three went together
    assert results == [recent(container, user) for user in owners]


def test_a_full_batch_goes_at_once_even_while_another_is_read(container: Container) -> None:
    owners = seed(container, 5, 1)
    held = Held(batch_of(container))
    batcher = held_batcher(held, 2)

    async def scenario() -> list[Any]:
        first = await first_held(batcher, held, owners[0])
        later = [asyncio.ensure_future(batcher(owner)) for owner in owners[1:]]
        while len(held.calls) < 3:  # two full batches, with the first still held
            await asyncio.sleep(0.005)
        held.gate.set()
        return list(await asyncio.gather(first, *later))

    results = asyncio.run(scenario())
    assert held.calls == [owners[:1], owners[1:3], owners[3:5]]
    assert results == [recent(container, user) for user in owners]


def test_the_wait_for_a_turn_counts_toward_the_deadline(container: Container) -> None:
    """The batch behind a read that hangs is handed over with the time it has waited, so
    its requests get Unavailable at their own deadline, not a whole deadline later."""
    owners = seed(container, 2, 1)
    held = Held(batch_of(container), held=2)
    batcher = held_batcher(held, 8, deadline=0.6)

    async def scenario() -> list[Any]:
        first = asyncio.ensure_future(batcher(owners[0]))
        await asyncio.sleep(0.3)
        second = asyncio.ensure_future(batcher(owners[1]))
        return list(await asyncio.gather(first, second, return_exceptions=True))

    results = asyncio.run(scenario())
    held.gate.set()
    assert [type(result) for result in results] == [Unavailable, Unavailable]
    assert held.calls == [owners[:1], owners[1:]]
    assert held.waits[0] < 0.1  # the first went on the next turn
    assert 0.2 < held.waits[1] < 0.6  # the second waited for the first's deadline


@pytest.mark.parametrize(("size", "reads"), [(1, 24), (4, 2)])
def test_concurrent_list_requests_through_the_app(
    settings: Settings, clock: ManualClock, size: int, reads: int
) -> None:
    """24 requests of 6 users at once through the ASGI app: every response is its caller's
    own list; batched, 6 owners take two reads (4 + 2), unbatched one read each."""
    opened: list[int] = []
    database = open_database(settings.database_url)

    def counted() -> UnitOfWork:
        opened.append(1)
        return database.unit_of_work()

    @attrs.frozen
    class CountedBatch(TaskBatchReader):
        reader: TaskBatchReader

        def recent_by_owner(
            self, owner_ids: Sequence[UserId], limit: int
        ) -> dict[UserId, list[Task]]:
            opened.append(1)
            return self.reader.recent_by_owner(owner_ids, limit)

        def by_ids(self, task_ids: Sequence[TaskId]) -> dict[TaskId, Task]:
            opened.append(1)
            return self.reader.by_ids(task_ids)

    batched = attrs.evolve(settings, list_batch=size)
    reader = CountedBatch(database.batch_reader())
    overrides = Overrides(database=database, uow=counted, batch_reader=reader)
    with running(batched, clock, overrides) as app:
        users = [app.user(f"user{n}") for n in range(6)]
        expected = []
        for n, headers in enumerate(users):
            for k in range(n):
                app.create(headers, title=f"u{n} t{k}", duration=k + 1)
            expected.append(app.client.get("/api/tasks/", headers=headers).json())
        assert [len(tasks) for tasks in expected] == [0, 1, 2, 3, 4, 4]
        del opened[:]

        async def all_at_once() -> list[httpx.Response]:
            transport = httpx.ASGITransport(app=app.client.app)
            async with httpx.AsyncClient(transport=transport, base_url="http://api") as client:
                calls = [client.get("/api/tasks/", headers=h) for h in users * 4]
                return await asyncio.gather(*calls)

        responses = asyncio.run(all_at_once())
    assert [r.status_code for r in responses] == [200] * 24
    assert [r.json() for r in responses] == expected * 4
    assert len(opened) == reads


@attrs.frozen
class CountedByIds(TaskBatchReader):
    """The batch read, counting the ids of each read by id."""

    reader: TaskBatchReader
    reads: list[int] = attrs.field(factory=list)

    def recent_by_owner(self, owner_ids: Sequence[UserId], limit: int) -> dict[UserId, list[Task]]:
        return self.reader.recent_by_owner(owner_ids, limit)

    def by_ids(self, task_ids: Sequence[TaskId]) -> dict[TaskId, Task]:
        self.reads.append(len(task_ids))
        return self.reader.by_ids(task_ids)


def _task_reads_at_once(
    settings: Settings, clock: ManualClock, size: int
) -> tuple[list[tuple[int, bytes]], list[int]]:
    """Three users each ask for all three users' tasks (and a missing one), three times
    over, all at once: every answer, checked, and the sizes of the batch reads by id."""
    database = open_database(settings.database_url)
    reader = CountedByIds(database.batch_reader())
    overrides = Overrides(database=database, batch_reader=reader)
    with running(attrs.evolve(settings, list_batch=size), clock, overrides) as app:
        users = [app.user(f"user{n}") for n in range(3)]
        ids = [app.create(h, title=f"task of {n}")["id"] for n, h in enumerate(users)]
        asks = [(n, task_id) for n in range(3) for task_id in ids] + [(0, 987654)]

        async def all_at_once() -> list[httpx.Response]:
            transport = httpx.ASGITransport(app=app.client.app)
            async with httpx.AsyncClient(transport=transport, base_url="http://api") as c:
                calls = [c.get(f"/api/tasks/{t}/", headers=users[n]) for n, t in asks * 3]
                return await asyncio.gather(*calls)

        responses = asyncio.run(all_at_once())
    for (n, task_id), response in zip(asks * 3, responses, strict=True):
        if task_id in ids and ids.index(task_id) == n:
            assert response.status_code == 200, response.text
            assert response.json()["id"] == task_id
            assert response.headers["etag"]
        else:
            assert response.status_code == 404, response.text
    return [(r.status_code, r.content) for r in responses], list(reader.reads)


def test_task_reads_arriving_together_share_one_read_and_each_gets_its_own(
    settings: Settings, clock: ManualClock
) -> None:
    """Thirty GET /api/tasks/{id}/ at once: each caller's own task (200 with its ETag) or 404
    for another's or a missing one, the four distinct ids in one batch read."""
    answers, reads = _task_reads_at_once(settings, clock, 16)
    assert reads == [4]  # three tasks and a missing id, each read once for all callers
    assert [status for status, _ in answers].count(200) == 9


def test_task_reads_unbatched_answer_the_same(settings: Settings, clock: ManualClock) -> None:
    answers, reads = _task_reads_at_once(settings, clock, 1)
    assert reads == []  # one GetTask a request instead
    assert [status for status, _ in answers].count(200) == 9


def _creates_at_once(settings: Settings, clock: ManualClock, size: int) -> list[httpx.Response]:
    """Three users each create the same two tasks and one with an empty title, all at once,
    twice over; every answer checked against the stored tasks."""
    with running(attrs.evolve(settings, list_batch=size), clock) as app:
        users = [app.user(f"user{n}") for n in range(3)]
        bodies = [{"title": "same", "duration": 5}, {"title": "other", "duration": 7}]
        asks = [(n, body) for n in range(3) for body in [*bodies, {"title": "", "duration": 1}]]

        async def all_at_once() -> list[httpx.Response]:
            transport = httpx.ASGITransport(app=app.client.app)
            async with httpx.AsyncClient(transport=transport, base_url="http://api") as c:
                calls = [c.post("/api/tasks/", json=b, headers=users[n]) for n, b in asks * 2]
                return await asyncio.gather(*calls)

        responses = asyncio.run(all_at_once())
        for (n, body), response in zip(asks * 2, responses, strict=True):
            if body["title"]:
                assert response.status_code == 201, response.text
                made = response.json()
                assert (made["title"], made["duration"]) == (body["title"], body["duration"])
                assert response.headers["location"] == f"/api/tasks/{made['id']}/"
                stored = app.client.get(response.headers["location"], headers=users[n])
                assert stored.json() == made
                assert stored.headers["etag"] == response.headers["etag"]
            else:
                assert response.status_code == 400, response.text
        for headers in users:
            listed = app.client.get("/api/tasks/?limit=10", headers=headers).json()
            assert sorted(t["title"] for t in listed) == ["other", "other", "same", "same"]
    return responses


def test_creates_arriving_together_are_each_their_own_task(
    settings: Settings, clock: ManualClock
) -> None:
    responses = _creates_at_once(settings, clock, 16)
    ids = [r.json()["id"] for r in responses if r.status_code == 201]
    assert len(ids) == len(set(ids)) == 12  # two asks alike are two tasks


def test_creates_unbatched_answer_the_same(settings: Settings, clock: ManualClock) -> None:
    responses = _creates_at_once(settings, clock, 1)
    assert [r.status_code for r in responses].count(201) == 12
