"""Database threads: where the edge's blocking calls run, so none runs on the event loop.

A few threads per server process (one per pooled connection, ``SELTEQ_DB_POOL_SIZE``) take
calls from one queue. Handing a call over costs a queue put, and a wake only when a thread
is idle; a thread that finishes a call takes the next one without sleeping, so under load
the threads stay warm and the loop is woken once per result. Results come back on the
event loop of the request that asked.

A database that stops answering (a frozen server, a network that drops packets) leaves a
call waiting in its thread. The request does not wait with it: past the deadline it
answers 503 and the call is abandoned to finish (or fail) on its own; a call whose request
has already given up when a thread reaches it is skipped. Once the database answers again
the threads return to the queue and serve the next requests, with no restart.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import queue
import threading
import weakref
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

from selteq_adapters.container import CALLER_GONE
from selteq_core import Unavailable

P = ParamSpec("P")
T = TypeVar("T")

_Call = tuple[
    "asyncio.Future[Any]",
    asyncio.AbstractEventLoop,
    contextvars.Context,
    Callable[..., Any],
    tuple[Any, ...],
    dict[str, Any],
]


class _Expiry:
    """The deadline's timer callback: cancels the waiting future and remembers that it
    did, so a cancellation by the deadline is told apart from the request's own."""

    __slots__ = ("fired", "future")

    def __init__(self, future: asyncio.Future[Any]) -> None:
        self.future = future
        self.fired = False

    def __call__(self) -> None:
        if not self.future.done():
            self.fired = True
            self.future.cancel()


def _deliver(future: asyncio.Future[Any], result: Any) -> None:
    if not future.done():
        future.set_result(result)


def _fail(future: asyncio.Future[Any], error: BaseException) -> None:
    if not future.done():
        future.set_exception(error)


class DatabaseThreads:
    """``count`` daemon threads fed by one queue, started on first use (in a server
    worker, never at import) and stopped by :meth:`close`."""

    def __init__(self, count: int, name: str = "selteq-db") -> None:
        if count < 1:
            raise ValueError("at least one database thread")
        self._count = count
        self._name = name
        self._calls: queue.SimpleQueue[_Call | None] = queue.SimpleQueue()
        self._threads: list[threading.Thread] = []
        self._lock = threading.Lock()

    async def run(
        self, deadline: float, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs
    ) -> T:
        """``fn(*args, **kwargs)`` in a database thread, in the caller's context (its log
        lines carry the request id); Unavailable once ``deadline`` seconds pass."""
        if not self._threads:
            self._start()
        loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = loop.create_future()
        self._calls.put((future, loop, contextvars.copy_context(), fn, args, kwargs))
        expired = _Expiry(future)
        timer = loop.call_later(deadline, expired)
        try:
            return await future
        except asyncio.CancelledError:
            if expired.fired:  # the deadline, not the request, cancelled it
                raise Unavailable("the database did not answer in time") from None
            raise
        finally:
            timer.cancel()

    def _start(self) -> None:
        with self._lock:
            if self._threads:
                return
            for n in range(self._count):
                thread = threading.Thread(
                    target=_serve, args=(self._calls,), name=f"{self._name}-{n}", daemon=True
                )
                thread.start()
                self._threads.append(thread)
            # An app dropped without its shutdown (a test's) stops its threads too.
            weakref.finalize(self, _stop, self._calls, self._count)

    def close(self) -> None:
        """Let each thread finish its call and stop; calls still queued are dropped."""
        with self._lock:
            threads, self._threads = self._threads, []
        _stop(self._calls, len(threads))


def _stop(calls: queue.SimpleQueue[_Call | None], count: int) -> None:
    for _ in range(count):
        calls.put(None)


def _serve(calls: queue.SimpleQueue[_Call | None]) -> None:
    """A database thread: run calls until told to stop. It holds the queue, never the
    ``DatabaseThreads``, so an app that is dropped can be collected."""
    while (call := calls.get()) is not None:
        future, loop, context, fn, args, kwargs = call
        if future.done():  # its request gave up before a thread was free
            continue
        try:
            result = context.run(_run, future, fn, args, kwargs)
        except BaseException as error:  # noqa: BLE001 - raised in the request instead
            _post(loop, _fail, future, error)
        else:
            _post(loop, _deliver, future, result)
        # Hold nothing of a finished call while waiting for the next.
        del call, future, loop, context, fn, args, kwargs


def _run(
    future: asyncio.Future[Any], fn: Callable[..., Any], args: tuple[Any, ...], kwargs: Any
) -> Any:
    # A unit of work asks before it commits: a request its deadline already answered
    # (503) writes nothing.
    CALLER_GONE.set(future.done)
    return fn(*args, **kwargs)


def _post(loop: asyncio.AbstractEventLoop, fn: Callable[..., None], *args: Any) -> None:
    # The loop may have closed while the call ran (a test's loop, a shutdown).
    with contextlib.suppress(RuntimeError):
        loop.call_soon_threadsafe(fn, *args)
