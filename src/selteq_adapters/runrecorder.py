"""A Dramatiq middleware that records every attempt of every job in the run history.

Installed just before Dramatiq's ``Retries`` (a broker calls the ``after_`` hooks in reverse
order), so its ``after_process_message`` runs after Retries' and, when an attempt ends, knows
whether another is queued (``retrying``) or the message was given up (``failed``: a dead
letter). What an attempt failed with is also written into the message's options
(``selteq_error``), so a dead letter says why even when Dramatiq kept no traceback.
A run that cannot be recorded (the database is away) is logged and the job goes on: the
history is a record, not a precondition.
"""

from __future__ import annotations

import logging
import threading
from typing import Any, Protocol

import dramatiq
from dramatiq.middleware import Retries

from selteq_core import FinishRun, JobRun, SelteqError, StartRun

from .dispatch import origin_of

ERROR_OPTION = "selteq_error"
log = logging.getLogger("selteq.jobs.runs")


class RunObserver(Protocol):
    """Told of each attempt as it is recorded (the worker's metrics)."""

    def started(self, run: JobRun) -> None: ...

    def finished(self, run: JobRun) -> None: ...


class Reports(threading.local):
    """What the attempt running on this thread reported (an actor returns None: Dramatiq
    warns about, and drops, any other return value without a results backend)."""

    count: int | None = None

    def note(self, count: int) -> None:
        self.count = count

    def take(self) -> int | None:
        count, self.count = self.count, None
        return count


class RecordRuns(dramatiq.Middleware):
    def __init__(
        self,
        start: StartRun,
        finish: FinishRun,
        observer: RunObserver | None,
        reports: Reports | None = None,
    ) -> None:
        self._start = start
        self._finish = finish
        self._observer = observer
        self._reports = reports or Reports()

    def before_process_message(
        self, broker: dramatiq.Broker, message: dramatiq.MessageProxy
    ) -> None:
        self._reports.take()
        origin = origin_of(message._message)
        if origin is None:
            return
        try:
            run = self._start(
                message.message_id,
                origin.job,
                int(message.options.get("retries", 0)),
                origin.schedule_id,
                origin.due_at,
                origin.queued_at,
            )
        except SelteqError as error:
            log.warning("run %s not recorded: %s", message.message_id, type(error).__name__)
            return
        if self._observer is not None:
            self._observer.started(run)

    def after_process_message(
        self,
        broker: dramatiq.Broker,
        message: dramatiq.MessageProxy,
        *,
        result: Any = None,
        exception: BaseException | None = None,
    ) -> None:
        count = self._reports.take()
        origin = origin_of(message._message)
        if origin is None:
            return
        error = None
        if exception is None:
            outcome = "succeeded"
        else:
            error = f"{type(exception).__name__}: {exception}"
            message.options[ERROR_OPTION] = error
            outcome = "failed" if message.failed else "retrying"
        reported = None if count is None or exception is not None else origin.job.summary(count)
        self._record(message, outcome, reported, error)

    def after_skip_message(self, broker: dramatiq.Broker, message: dramatiq.MessageProxy) -> None:
        if origin_of(message._message) is not None:
            self._record(message, "skipped", None, "too old to run (max age)")

    def _record(
        self, message: dramatiq.MessageProxy, outcome: Any, reported: str | None, error: str | None
    ) -> None:
        retries = int(message.options.get("retries", 0))
        try:
            run = self._finish(message.message_id, outcome, retries, reported, error)
        except SelteqError as failure:
            log.warning("run %s not recorded: %s", message.message_id, type(failure).__name__)
            return
        if run is not None and self._observer is not None:
            self._observer.finished(run)


def install(broker: dramatiq.Broker, recorder: RecordRuns) -> None:
    """Add the recorder where its ``after_`` hooks run after Retries' (see the module doc)."""
    broker.add_middleware(recorder, before=Retries)
