"""A small, bounded, thread-safe LIFO pool of connections.

LIFO keeps the few busiest connections warm and lets the rest idle. ``fill`` opens the
whole pool before a server takes load, so no request pays for opening (and warming) a
connection right after a start. A connection that has
idled longer than ``recheck_after`` seconds answers a ``SELECT 1`` before it is lent, so a
database restart costs one failed ping instead of one failed request; one that saw a
driver error (``broken``) is closed on return and never lent again.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import attrs

from selteq_core import Unavailable

from .connection import Connection

log = logging.getLogger("selteq.db")


@attrs.frozen
class PoolStats:
    """A moment of the pool, for metrics: connections lent and idle, threads waiting for a
    slot now, and running totals of waits and of each way the database was unavailable."""

    size: int
    in_use: int
    idle: int
    waiting: int
    waits: int
    unavailable: dict[str, int]


class Pool:
    def __init__(
        self,
        connect: Callable[[], Connection],
        *,
        size: int,
        recheck_after: float,
        acquire_timeout: float,
    ) -> None:
        if size < 1:
            raise ValueError("pool_size must be at least 1")
        self._connect = connect
        self._recheck_after = recheck_after
        self._acquire_timeout = acquire_timeout
        self._slots = threading.BoundedSemaphore(size)
        self._lock = threading.Lock()
        self._idle: list[Connection] = []
        self._closed = False
        self._size = size
        self._lent = self._waiting = self._waits = 0
        self._taken = 0  # slots held: each holder has at most one connection
        self._unavailable = {"connect": 0, "broken": 0, "busy": 0}

    def acquire(self) -> Connection:
        """A healthy connection for the calling thread alone; Unavailable if none can be had."""
        if not self._slots.acquire(blocking=False) and not self._wait_for_slot():
            self._count("busy")
            raise Unavailable("every database connection is busy")
        self._took()
        try:
            connection = self._checkout()
        except BaseException:
            self._give_back()
            raise
        with self._lock:
            self._lent += 1
        return connection

    def fill(self, deadline: float, workers: int = 2) -> int:
        """Open connections until the pool holds its full size, ``workers`` at a time, and
        stop at ``deadline`` (``time.monotonic()``) or at the first that cannot be opened
        (a database that is down is the readiness check's to report, not this one's).
        Each new connection is set up and warmed as any other. The number now open."""
        failed = threading.Event()

        def open_some() -> None:
            while not failed.is_set() and time.monotonic() < deadline:
                if not self._slots.acquire(blocking=False):
                    return
                self._took()
                try:
                    with self._lock:
                        if self._closed or len(self._idle) + self._taken > self._size:
                            return
                    try:
                        connection = self._connect()
                    except Unavailable as error:
                        log.warning("could not open the pool: %s", error)
                        failed.set()
                        return
                    with self._lock:
                        keep = not self._closed
                        if keep:
                            connection.last_used = time.monotonic()
                            self._idle.append(connection)
                    if not keep:
                        connection.close()
                finally:
                    self._give_back()

        threads = [
            threading.Thread(target=open_some, name=f"selteq-pool-fill-{n}", daemon=True)
            for n in range(max(1, min(workers, self._size)))
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        with self._lock:
            return len(self._idle) + self._lent

    def _took(self) -> None:
        with self._lock:
            self._taken += 1

    def _give_back(self) -> None:
        with self._lock:
            self._taken -= 1
        self._slots.release()

    def stats(self) -> PoolStats:
        with self._lock:
            return PoolStats(
                self._size,
                self._lent,
                len(self._idle),
                self._waiting,
                self._waits,
                dict(self._unavailable),
            )

    def _wait_for_slot(self) -> bool:
        with self._lock:
            self._waiting += 1
            self._waits += 1
        try:
            return self._slots.acquire(timeout=self._acquire_timeout)
        finally:
            with self._lock:
                self._waiting -= 1

    def _count(self, reason: str) -> None:
        with self._lock:
            self._unavailable[reason] += 1

    def release(self, connection: Connection) -> None:
        """Take a connection back: whatever is uncommitted is rolled back, a broken one closed."""
        try:
            connection.rollback()
            with self._lock:
                self._lent -= 1
                self._unavailable["broken"] += connection.broken
                keep = not (connection.broken or self._closed)
                if keep:
                    connection.last_used = time.monotonic()
                    self._idle.append(connection)
            if not keep:
                connection.close()
        finally:
            self._give_back()

    @contextmanager
    def connection(self) -> Iterator[Connection]:
        connection = self.acquire()
        try:
            yield connection
        finally:
            self.release(connection)

    def close(self) -> None:
        with self._lock:
            self._closed = True
            idle, self._idle = self._idle, []
        for connection in idle:
            connection.close()

    def _checkout(self) -> Connection:
        while True:
            with self._lock:
                if self._closed:
                    raise Unavailable("the database has been closed")
                connection = self._idle.pop() if self._idle else None
            if connection is None:
                try:
                    return self._connect()
                except Unavailable:
                    self._count("connect")
                    raise
            if time.monotonic() - connection.last_used <= self._recheck_after:
                return connection
            try:
                connection.ping()
                return connection
            except Unavailable:
                log.info("a pooled connection failed its check; replacing it")
                connection.close()
