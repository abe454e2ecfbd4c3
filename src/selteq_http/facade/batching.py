"""List requests that arrive together are answered by one query, in one database thread.

Under load, many list requests become ready on a worker's event loop at the same moment.
Each one joins the current batch and waits; on the loop's next turn the batch is read in a
database thread with a single statement for up to ``SELTEQ_LIST_BATCH`` owners (the
store's optional batch read, the core's ``ListRecentTasksBatch``) while the loop serves the
next requests, and every request gets its own owner's page. The hand-off and the
database's per-statement work are paid once per batch instead of once per request; each
owner's rows are still one index range, exactly what a single list reads (docs/decisions).

What a request sees does not change: its read starts after it arrived, so it sees every
write acknowledged before it was sent; an owner's tasks go only to that owner's requests;
a failed read fails only the requests of its batch, each with the error a lone read would
have raised (503 for an unavailable database).
"""

from __future__ import annotations

import asyncio
import contextvars
import itertools
from collections.abc import Awaitable, Callable, Sequence

from selteq_core import TaskPage, UserId

Waiting = dict[int, list["asyncio.Future[TaskPage]"]]
ReadMany = Callable[[Sequence[int]], dict[int, TaskPage]]
Hand = Callable[[ReadMany, list[int]], Awaitable[dict[int, TaskPage]]]
"""How a batch reaches a database thread: ``await hand(read, owners)``."""


class ListBatcher:
    """One per app (one per worker process); used only from its event loop. ``read`` is
    the batch read, ``hand`` runs it in a database thread under the deadline, ``size`` is
    the most owners one statement reads."""

    def __init__(self, read: ReadMany, size: int, hand: Hand) -> None:
        if size < 2:
            raise ValueError("a batch holds at least two owners (size 1 means no batching)")
        self._read = read
        self._hand = hand
        self._size = size
        self._loop: asyncio.AbstractEventLoop | None = None
        self._waiting: Waiting = {}
        self._scheduled = False
        self._reads: set[asyncio.Task[None]] = set()

    async def __call__(self, user_id: int) -> TaskPage:
        """The user's newest page, read together with whoever else is waiting."""
        UserId(user_id)  # a bad id fails its own request, not the batch it would join
        loop = asyncio.get_running_loop()
        if loop is not self._loop:  # first use, or a new loop (test clients): start clean
            self._loop, self._waiting, self._scheduled = loop, {}, False
        future: asyncio.Future[TaskPage] = loop.create_future()
        self._waiting.setdefault(user_id, []).append(future)
        if not self._scheduled:
            self._scheduled = True
            self._schedule(loop)
        return await future

    def _schedule(self, loop: asyncio.AbstractEventLoop) -> None:
        # A batch belongs to no single request: its own log lines carry no request id.
        loop.call_soon(self._flush, context=contextvars.Context())

    def _flush(self) -> None:
        batch = self._take()  # never empty: a flush is scheduled only for a waiter
        assert self._loop is not None
        read = self._loop.create_task(self._read_batch(batch))
        self._reads.add(read)
        read.add_done_callback(self._reads.discard)

    def _take(self) -> Waiting:
        """The oldest waiting owners, at most a batch of them; the rest go on the next turn."""
        if len(self._waiting) <= self._size:
            batch, self._waiting = self._waiting, {}
            self._scheduled = False
            return batch
        owners = list(itertools.islice(self._waiting, self._size))
        assert self._loop is not None
        self._schedule(self._loop)
        return {owner: self._waiting.pop(owner) for owner in owners}

    async def _read_batch(self, batch: Waiting) -> None:
        try:
            found = await self._hand(self._read, list(batch))
        except asyncio.CancelledError:
            for futures in batch.values():
                for future in futures:
                    future.cancel()
            raise
        except Exception as exc:  # noqa: BLE001 - handed to every waiter, raised there
            _fail(batch, exc)
            return
        _deliver(batch, found)


def _deliver(batch: Waiting, found: dict[int, TaskPage]) -> None:
    for owner, futures in batch.items():
        page = found[owner]
        for future in futures:
            if not future.done():  # a request whose client went away was cancelled
                future.set_result(page)


def _fail(batch: Waiting, exc: Exception) -> None:
    for futures in batch.values():
        for future in futures:
            if not future.done():
                future.set_exception(exc)
