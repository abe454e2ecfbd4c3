"""Reads that arrive together are answered by one query, in one database thread.

Under load, many requests become ready on a worker's event loop at the same moment. Each
read that a store can batch (the newest page of a user's tasks, one task by id, a new
task) joins the current batch of its kind and waits; the batch is read in a database
thread with a single statement for up to ``SELTEQ_LIST_BATCH`` keys (the store's optional
batch read, behind the core's ``ListRecentTasksBatch``, ``GetTasksBatch`` and
``CreateTasksBatch``) while the loop serves the next requests, and every request gets its
own answer. The hand-off and the database's per-statement work are paid once per batch
instead of once per request; each key is still the index lookup a lone read makes.

When it goes: on the loop's next turn when no batch of its kind is being read; else when
that read ends, so what arrives meanwhile fills the next batch instead of sending a
statement of its own (under load batches grow by themselves, and the database sees fewer,
fuller statements); and at once whenever a full batch is waiting, so a slow link to the
database still carries several statements at a time. The wait for its turn counts toward
a key's deadline: a batch is handed over with the time its oldest key has already waited
(docs/decisions/0485-one-batch-in-flight-unless-full.md).

What a request sees does not change: its read starts after it arrived, so it sees every
write acknowledged before it was sent; an answer goes only to the requests that asked for
its key; an error the core gives one key (a task that is not the caller's) is raised in
that key's requests only; a failed read fails only the requests of its batch, each with
the error a lone read would have raised (503 for an unavailable database).
"""

from __future__ import annotations

import asyncio
import contextvars
import itertools
from collections.abc import Awaitable, Callable, Hashable, Mapping, Sequence
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

ReadMany = Callable[[Sequence[K]], Mapping[K, V | Exception]]
"""The batch read: every key asked for maps to its answer, or to the error it raises."""
Hand = Callable[[ReadMany[K, V], list[K], float], Awaitable[Mapping[K, V | Exception]]]
"""How a batch reaches a database thread: ``await hand(read, keys, waited)``, ``waited``
the seconds its oldest key has already waited for its turn (taken off its deadline)."""


class Batcher(Generic[K, V]):
    """One per read and app (one per worker process); used only from its event loop.
    ``read`` is the batch read, ``hand`` runs it in a database thread under the deadline,
    ``size`` is the most keys one statement reads; ``check`` (when given) refuses a key
    before it joins a batch, so a bad key fails its own request, not the batch it would join."""

    def __init__(
        self,
        read: ReadMany[K, V],
        size: int,
        hand: Hand[K, V],
        check: Callable[[K], object] | None = None,
    ) -> None:
        if size < 2:
            raise ValueError("a batch holds at least two keys (size 1 means no batching)")
        self._read = read
        self._check = check
        self._hand = hand
        self._size = size
        self._loop: asyncio.AbstractEventLoop | None = None
        self._waiting: dict[K, list[asyncio.Future[V]]] = {}
        self._scheduled = False
        self._since = 0.0  # when the oldest waiting key arrived
        self._first: contextvars.Context | None = None
        self._reads: set[asyncio.Task[None]] = set()

    async def __call__(self, key: K) -> V:
        """The answer for ``key``, read together with whatever else is waiting."""
        if self._check is not None:
            self._check(key)
        loop = asyncio.get_running_loop()
        if loop is not self._loop:  # first use, or a new loop (test clients): start clean
            self._loop, self._waiting, self._scheduled = loop, {}, False
            self._reads = set()
        future: asyncio.Future[V] = loop.create_future()
        if not self._waiting:
            self._since = loop.time()
            self._first = contextvars.copy_context()
        self._waiting.setdefault(key, []).append(future)
        if not self._scheduled and (not self._reads or len(self._waiting) >= self._size):
            self._schedule(loop)
        return await future

    def _schedule(self, loop: asyncio.AbstractEventLoop) -> None:
        self._scheduled = True
        loop.call_soon(self._flush, context=contextvars.Context())

    def _flush(self) -> None:
        self._scheduled = False
        loop = self._loop
        if not self._waiting or loop is None:  # taken by an earlier flush
            return
        first, self._first = self._first, None
        waited = loop.time() - self._since
        batch = self._take()
        # A batch of one request reads as that request (its log lines, its trace); a
        # batch of several belongs to none of them: its lines carry no request id.
        alone = len(batch) == 1 and len(next(iter(batch.values()))) == 1
        context = first if alone and first is not None else contextvars.Context()
        read = loop.create_task(self._read_batch(batch, waited), context=context)
        self._reads.add(read)
        read.add_done_callback(self._read_done)
        if len(self._waiting) >= self._size:  # another full batch: it goes too
            self._schedule(loop)

    def _read_done(self, read: asyncio.Task[None]) -> None:
        """The next batch goes when the read before it ends (see the module's text)."""
        if read not in self._reads:  # a read begun on an earlier loop
            return
        self._reads.discard(read)
        if self._waiting and not self._scheduled and self._loop is not None:
            self._schedule(self._loop)

    def _take(self) -> dict[K, list[asyncio.Future[V]]]:
        """The oldest waiting keys, at most a batch of them; the rest wait their turn (their
        wait counted from the oldest's arrival: never shorter than it was)."""
        if len(self._waiting) <= self._size:
            batch, self._waiting = self._waiting, {}
            return batch
        keys = list(itertools.islice(self._waiting, self._size))
        return {key: self._waiting.pop(key) for key in keys}

    async def _read_batch(self, batch: dict[K, list[asyncio.Future[V]]], waited: float) -> None:
        try:
            found = await self._hand(self._read, list(batch), waited)
        except asyncio.CancelledError:
            for futures in batch.values():
                for future in futures:
                    future.cancel()
            raise
        except Exception as exc:  # noqa: BLE001 - handed to every waiter, raised there
            found = dict.fromkeys(batch, exc)
        for key, futures in batch.items():
            answer = found[key]
            for future in futures:
                if future.done():  # a request whose client went away was cancelled
                    continue
                if isinstance(answer, Exception):
                    future.set_exception(answer)
                else:
                    future.set_result(answer)
