"""Blocking calls from async handlers: in a worker thread, and never waited on for longer
than the database deadline (``SELTEQ_DB_TIMEOUT``).

A database that stops answering without closing the connection (a frozen server, a
network that drops packets) leaves a driver call waiting in its thread. The request does
not wait with it: past the deadline it answers 503 with Retry-After, and the thread is
abandoned to finish (or fail) on its own. The pool bounds how many such threads can hold
a connection; once the database answers again they return their connections and the next
requests are served, with no restart.
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import ParamSpec, TypeVar

from selteq_core import Unavailable

P = ParamSpec("P")
T = TypeVar("T")
THREADS = 40
"""Worker threads per process: room for every pooled connection, the password checks and
threads abandoned past a deadline (each holds at most one pooled connection)."""

_executor: ThreadPoolExecutor | None = None
_executor_lock = threading.Lock()


def _threads() -> ThreadPoolExecutor:
    """This process's threads, made on first use (a server worker, never at import)."""
    global _executor
    with _executor_lock:
        if _executor is None:
            _executor = ThreadPoolExecutor(THREADS, thread_name_prefix="selteq-blocking")
        return _executor


async def in_thread(deadline: float, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """``fn(*args, **kwargs)`` in a worker thread; Unavailable once ``deadline`` seconds pass.

    The event loop's own executor hop (no task group, no cancel scope): past the deadline
    the waiting future is cancelled and the thread left to finish on its own."""
    loop = asyncio.get_running_loop()
    call = functools.partial(fn, *args, **kwargs)
    # In the request's context, so the thread's log lines carry its request id.
    future = loop.run_in_executor(_threads(), contextvars.copy_context().run, call)
    expired = False

    def expire() -> None:
        nonlocal expired
        if not future.done():
            expired = True
            future.cancel()

    timer = loop.call_later(deadline, expire)
    try:
        return await future
    except asyncio.CancelledError:
        if expired:
            raise Unavailable("the database did not answer in time") from None
        raise
    finally:
        timer.cancel()
