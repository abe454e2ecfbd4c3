"""The minute job and the purge of expired idempotency keys inside the API process, for a
laptop without Redis (``make run``).

With Redis configured, the scheduler and Dramatiq worker processes do this instead.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from datetime import UTC

from apscheduler.schedulers.background import BackgroundScheduler
from litestar import Litestar

from selteq_adapters.container import Container
from selteq_core import SelteqError

log = logging.getLogger("selteq.http.background")
JOB_ID = "report-user-tasks"
PURGE_JOB_ID = "purge-idempotency-keys"


def _report(container: Container, user_id: int) -> None:
    try:
        container.log_tasks(user_id)
    except SelteqError as error:
        log.warning("report for user %s skipped: %s", user_id, type(error).__name__)


def _purge(container: Container) -> None:
    try:
        purged = container.purge_idempotency_keys()
    except SelteqError as error:
        log.warning("idempotency key purge skipped: %s", type(error).__name__)
        return
    log.info("purged %d expired idempotency key(s)", purged)


def report_job(container: Container) -> Callable[[Litestar], AbstractAsyncContextManager[None]]:
    """A lifespan running ``log_tasks(settings.report_user_id)`` every
    ``settings.report_interval`` seconds, and the idempotency key purge every
    ``settings.purge_interval`` seconds: late runs are merged into one, never overlap,
    and the scheduler has stopped (waiting for a running job) before the app shuts down."""
    settings = container.settings

    @asynccontextmanager
    async def lifespan(_: Litestar) -> AsyncIterator[None]:
        scheduler = BackgroundScheduler(timezone=UTC)
        scheduler.add_job(
            _report,
            "interval",
            seconds=settings.report_interval,
            args=(container, settings.report_user_id),
            id=JOB_ID,
            name="report user tasks",
            coalesce=True,
            max_instances=1,
            misfire_grace_time=max(1, settings.report_interval // 2),
        )
        scheduler.add_job(
            _purge,
            "interval",
            seconds=settings.purge_interval,
            args=(container,),
            id=PURGE_JOB_ID,
            name="purge expired idempotency keys",
            coalesce=True,
            max_instances=1,
            misfire_grace_time=max(1, settings.purge_interval // 2),
        )
        scheduler.start()
        log.info(
            "reporting user %s's tasks every %ss in this process",
            settings.report_user_id,
            settings.report_interval,
        )
        try:
            yield
        finally:
            scheduler.shutdown(wait=True)

    return lifespan
