"""The façade's database threads: results and errors come back to the asking request, a
call past its deadline is Unavailable while its thread finishes on its own, a call whose
request gave up before a thread was free never runs, and the request's context goes with
the call (its log lines carry the request id)."""

from __future__ import annotations

import asyncio
import contextvars
import threading
import time

import pytest

from selteq_core import Unavailable
from selteq_http.facade.threads import DatabaseThreads

REQUEST = contextvars.ContextVar("request", default="-")


def test_results_errors_and_context_reach_the_caller() -> None:
    threads = DatabaseThreads(2)

    def whose(n: int) -> tuple[str, int, str]:
        return REQUEST.get(), n, threading.current_thread().name

    def fails() -> None:
        raise LookupError("boom")

    async def main() -> None:
        REQUEST.set("req-1")
        caller, n, thread = await threads.run(1.0, whose, 7)
        assert (caller, n) == ("req-1", 7)
        assert thread.startswith("selteq-db-")
        with pytest.raises(LookupError, match="boom"):
            await threads.run(1.0, fails)

    asyncio.run(main())
    threads.close()


def test_a_call_past_its_deadline_is_unavailable_and_the_threads_recover() -> None:
    threads = DatabaseThreads(1)
    release = threading.Event()
    ran: list[str] = []

    def frozen() -> str:
        release.wait(10)
        ran.append("frozen")
        return "late"

    def later(name: str) -> str:
        ran.append(name)
        return name

    async def main() -> None:
        started = time.monotonic()
        with pytest.raises(Unavailable):
            await threads.run(0.2, frozen)
        assert time.monotonic() - started < 1.0
        # The only thread is still held: this call waits in the queue and gives up too.
        with pytest.raises(Unavailable):
            await threads.run(0.2, later, "abandoned")
        release.set()
        assert await threads.run(2.0, later, "next") == "next"

    asyncio.run(main())
    threads.close()
    # The abandoned call never ran: its request had given up before a thread was free.
    assert ran == ["frozen", "next"]


def test_calls_run_side_by_side_on_as_many_threads() -> None:
    threads = DatabaseThreads(4)
    inside = threading.Barrier(4, timeout=5)

    def meet(n: int) -> int:
        inside.wait()  # only returns once four calls run at the same time
        return n

    async def main() -> list[int]:
        return list(await asyncio.gather(*(threads.run(5.0, meet, n) for n in range(4))))

    assert asyncio.run(main()) == [0, 1, 2, 3]
    threads.close()


def test_a_cancelled_request_is_cancelled_not_unavailable() -> None:
    threads = DatabaseThreads(1)
    release = threading.Event()

    async def main() -> None:
        task = asyncio.ensure_future(threads.run(5.0, release.wait, 5))
        await asyncio.sleep(0.05)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(main())
    release.set()
    threads.close()
