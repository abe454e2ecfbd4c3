"""The façade's database threads: results and errors come back to the asking request, a
call past its deadline is Unavailable while its thread finishes on its own (and commits
nothing), a call whose request gave up before a thread was free never runs, and the
request's context goes with the call (its log lines carry the request id)."""

from __future__ import annotations

import asyncio
import contextvars
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from selteq_adapters.db import open_database
from selteq_core import Duration, Title, Unavailable, Username
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


def test_a_write_whose_request_gave_up_commits_nothing(tmp_path: Path) -> None:
    """The deadline answers 503 while the write waits on the database; when the write gets
    to its commit, its unit of work sees the request gone and rolls back. A write whose
    request is still waiting commits as usual."""
    database = open_database(f"sqlite:///{tmp_path / 'gone.db'}")
    database.migrate()
    with database.unit_of_work() as uow:
        owner = uow.users.add(Username("alice"), "hash", datetime.now(UTC)).id
        uow.commit()
    threads = DatabaseThreads(1)
    finished = threading.Event()

    def write(title: str, pause: float) -> None:
        try:
            with database.unit_of_work() as uow:
                uow.tasks.add(owner, Title(title), Duration(1), datetime.now(UTC))
                time.sleep(pause)  # the database is slow to answer
                uow.commit()
        finally:
            finished.set()

    async def main() -> None:
        with pytest.raises(Unavailable):
            await threads.run(0.05, write, "late", 0.5)
        assert finished.wait(5)
        await threads.run(5.0, write, "in time", 0.0)

    asyncio.run(main())
    threads.close()
    with database.unit_of_work() as uow:
        assert [t.title.value for t in uow.tasks.recent(owner, 4)] == ["in time"]
    database.close()
