"""The schedules inside the API process, for a laptop without Redis (``make run``).

The same schedules as the scheduler process follows (the ``schedules`` table: staff edit
them, the first tick applies the settings' report and purge intervals to the ones that
follow them), ticked by the same core call, ``container.jobs.run_due_schedules``; here it
also runs the due jobs in this process and records each run. With Redis configured, the
scheduler and the Dramatiq worker processes do this instead.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager

from litestar import Litestar

from selteq_adapters.container import Container
from selteq_core import SelteqError

log = logging.getLogger("selteq.http.background")
THREAD_NAME = "selteq-schedules"
TICK_SECONDS = 1


class _Tick:
    """One tick: run what is due. A database that is away costs the tick, logged once
    when the outage starts and once when a tick gets through again."""

    def __init__(self, container: Container) -> None:
        self._run_due = container.jobs.run_due_schedules
        self._failing = False

    def __call__(self) -> None:
        try:
            self._run_due()
        except SelteqError as error:
            if not self._failing:
                log.warning("schedules skipped: %s; retrying every tick", type(error).__name__)
            self._failing = True
            return
        if self._failing:
            log.info("schedules run again")
        self._failing = False


def report_job(container: Container) -> Callable[[Litestar], AbstractAsyncContextManager[None]]:
    """A lifespan ticking the schedules every second in a thread of its own (never on the
    event loop): a tick that runs long delays the next, never overlaps it, and the
    ticking has stopped (a running job finished) before the app shuts down."""

    @asynccontextmanager
    async def lifespan(_: Litestar) -> AsyncIterator[None]:
        stop = threading.Event()
        tick = _Tick(container)

        def loop() -> None:
            while not stop.wait(TICK_SECONDS):
                tick()

        thread = threading.Thread(target=loop, name=THREAD_NAME, daemon=True)
        thread.start()
        log.info("running the schedules in this process (no SELTEQ_REDIS_URL)")
        try:
            yield
        finally:
            stop.set()
            await asyncio.to_thread(thread.join)

    return lifespan
