"""Password checks take a database thread only when a hashing slot is free.

A process has a few database threads (threads.py). A login flood that sent every login
straight to them would hold all of them waiting for argon2, and the task routes would
queue behind them. Here logins and sign-ups wait on an asyncio semaphore, holding no
thread, so at most ``slots`` threads ever wait on hashing work and the rest stay free for
the other requests.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import ParamSpec, Protocol, TypeVar

from selteq_http.facade.threads import DatabaseThreads

P = ParamSpec("P")
T = TypeVar("T")


class Level(Protocol):
    """A gauge of how many are in some state (a Prometheus gauge fits)."""

    def inc(self) -> None: ...
    def dec(self) -> None: ...


class _Untracked:
    def inc(self) -> None:
        pass

    def dec(self) -> None:
        pass


UNTRACKED = _Untracked()


class HashingGate:
    """``deadline`` bounds the thread's work (the database part of a login), not the wait
    for a slot: a login flood makes logins wait, it is not an outage.

    Before queueing for a slot a call checks that the database answers (``ping``, bounded by
    the same deadline, holding no slot): when the database is down or frozen every login
    then answers 503 at the deadline, side by side, instead of one slot-holder at a time
    each waiting out its own deadline while the rest queue behind it."""

    def __init__(
        self,
        threads: DatabaseThreads,
        slots: int,
        deadline: float,
        ping: Callable[[], object],
        waiting: Level = UNTRACKED,
        running: Level = UNTRACKED,
    ) -> None:
        self._threads = threads
        self._slots = asyncio.Semaphore(slots)
        self._deadline = deadline
        self._ping = ping
        self._waiting, self._running = waiting, running

    async def run(self, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        await self._threads.run(self._deadline, self._ping)
        self._waiting.inc()
        try:
            await self._slots.acquire()
        finally:
            self._waiting.dec()
        self._running.inc()
        try:
            return await self._threads.run(self._deadline, fn, *args, **kwargs)
        finally:
            self._running.dec()
            self._slots.release()
