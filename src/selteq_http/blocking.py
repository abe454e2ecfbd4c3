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

import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar

import anyio
import anyio.to_thread

from selteq_core import Unavailable

P = ParamSpec("P")
T = TypeVar("T")


async def in_thread(deadline: float, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """``fn(*args, **kwargs)`` in a worker thread; Unavailable once ``deadline`` seconds pass."""
    call = functools.partial(fn, *args, **kwargs)
    with anyio.move_on_after(deadline) as scope:
        return await anyio.to_thread.run_sync(call, abandon_on_cancel=True)
    assert scope.cancelled_caught
    raise Unavailable("the database did not answer in time")
