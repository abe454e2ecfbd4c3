"""The one way the HTTP edge reaches the core: ``backend_of(request)``.

Routes and pages call use-cases through this façade and never name a thread, a pool or a
deadline. It owns the hand-off of every database call to a database thread and the
request's deadline (``SELTEQ_DB_TIMEOUT``, then Unavailable: 503), the hashing gate for
calls that hash a password, and the batched read of the newest page. The app factory
builds one per app and keeps it in the app's state.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

from litestar.connection import ASGIConnection

from selteq_adapters.container import Container, Settings
from selteq_core import DEFAULT_RECENT, NewTask, Task, TaskPage, UserId
from selteq_http.facade.batching import Batcher
from selteq_http.facade.gate import UNTRACKED, HashingGate, Level
from selteq_http.facade.threads import DatabaseThreads

P = ParamSpec("P")
T = TypeVar("T")
K = TypeVar("K")
R = TypeVar("R")
STATE_KEY = "backend"


class Backend:
    """``cases``: the container's use-cases and services; ``settings``: the process's."""

    def __init__(
        self, cases: Container, waiting: Level = UNTRACKED, running: Level = UNTRACKED
    ) -> None:
        settings = cases.settings
        self.cases = cases
        self.settings: Settings = settings
        self._deadline = float(settings.db_timeout)
        self._threads = DatabaseThreads(settings.db_pool_size)
        self._gate = HashingGate(
            self._threads,
            settings.hash_concurrency,
            self._deadline,
            cases.ping_database,
            waiting,
            running,
        )
        newest, by_id = cases.list_recent_tasks_batch, cases.get_tasks_batch
        size = settings.list_batch
        self._newest: Batcher[int, TaskPage] | None = (
            None if newest is None else Batcher(newest, size, self._hand, check=UserId)
        )
        self._by_id: Batcher[tuple[int, int], Task] | None = (
            None if by_id is None else Batcher(by_id, size, self._hand)
        )
        creates = cases.create_tasks_batch
        self._creates: Batcher[NewTask, Task] | None = (
            None if creates is None else Batcher(creates, size, self._hand)
        )

    async def run(self, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> T:
        """``fn(*args, **kwargs)`` (a use-case, a readiness check) in a database thread;
        Unavailable past the database deadline."""
        return await self._threads.run(self._deadline, fn, *args, **kwargs)

    async def hashing(self, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> T:
        """A call that hashes a password (login, sign-up, a new password): as :meth:`run`,
        once the hashing gate has a slot (gate.py)."""
        return await self._gate.run(fn, *args, **kwargs)

    async def newest_tasks(self, user_id: int) -> TaskPage:
        """The user's newest page (``DEFAULT_RECENT`` tasks and the next page's token),
        read together with other requests' when the store has a batch read."""
        if self._newest is not None:
            return await self._newest(user_id)
        return await self.run(self.cases.list_task_page, user_id, None, DEFAULT_RECENT)

    async def task(self, user_id: int, task_id: int) -> Task:
        """The caller's task (``GetTask``), read together with other requests' when the
        store has a batch read."""
        if self._by_id is not None:
            return await self._by_id((user_id, task_id))
        return await self.run(self.cases.get_task, user_id, task_id)

    async def create_task(
        self, user_id: int, title: str, duration: int, idempotency_key: str | None
    ) -> Task:
        """A new task for the caller (``CreateTask``); without an idempotency key, written
        together with other requests' creates in one transaction when batching is on."""
        if self._creates is not None and idempotency_key is None:
            return await self._creates(NewTask(user_id, title, duration))
        create = self.cases.create_task
        return await self.run(create, user_id, title, duration, idempotency_key)

    async def _hand(self, read: Callable[[list[K]], R], keys: list[K], waited: float) -> R:
        """A batch's read, under what is left of its oldest request's deadline."""
        return await self._threads.run(max(self._deadline - waited, 0.0), read, keys)

    def close(self) -> None:
        self._threads.close()


def backend_of(connection: ASGIConnection[Any, Any, Any, Any]) -> Backend:
    backend: Backend = connection.app.state[STATE_KEY]
    return backend
