"""Dispatchers of the core's runs: to the worker through the broker, or in this process.

The adapters never import the jobs package, so a run goes to the worker as a plain Dramatiq
message addressed by actor name (a job's kind is its actor's name) on ``JOB_QUEUE``, with
the run's id as the message id: every retry of the message, and a replay of its dead
letter, updates the same run. The schedule and due time ride along in the options, where
the run recorder finds them.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

import attrs
import dramatiq

from selteq_core import (
    FinishRun,
    Job,
    JobDispatcher,
    JobRun,
    RunJob,
    SelteqError,
    StartRun,
)

JOB_QUEUE = "default"
"""The queue the project's actors are declared on (``selteq_jobs.actors.QUEUE``)."""
SCHEDULE_ID = "selteq_schedule_id"
DUE_AT = "selteq_due_at"
QUEUED_AT = "selteq_queued_at"

log = logging.getLogger("selteq.jobs")


def message_for(run: JobRun, queue: str = JOB_QUEUE) -> dramatiq.Message[Any]:
    options: dict[str, Any] = {QUEUED_AT: run.queued_at.isoformat()}
    if run.schedule_id is not None:
        options[SCHEDULE_ID] = run.schedule_id.value
    if run.due_at is not None:
        options[DUE_AT] = run.due_at.isoformat()
    return dramatiq.Message(
        queue_name=queue,
        actor_name=run.job.kind,
        args=run.job.args(),
        kwargs={},
        options=options,
        message_id=run.id,
    )


@attrs.frozen
class RunOrigin:
    """What a message says of the run it carries."""

    job: Job
    schedule_id: int | None
    due_at: datetime | None
    queued_at: datetime | None


def origin_of(message: dramatiq.Message[Any]) -> RunOrigin | None:
    """The run a message carries; None for a message of an actor outside the catalogue."""
    options = message.options
    try:
        job = Job.of(message.actor_name, *message.args[:1])
    except SelteqError:
        return None
    due, queued = options.get(DUE_AT), options.get(QUEUED_AT)
    return RunOrigin(
        job,
        options.get(SCHEDULE_ID),
        None if due is None else datetime.fromisoformat(due),
        None if queued is None else datetime.fromisoformat(queued),
    )


class DramatiqJobDispatcher(JobDispatcher):
    """Enqueues the run on the broker (its ``Unavailable`` when Redis is away)."""

    def __init__(self, broker: dramatiq.Broker, queue: str = JOB_QUEUE) -> None:
        self._broker = broker
        self._queue = queue

    def dispatch(self, run: JobRun) -> None:
        self._broker.enqueue(message_for(run, self._queue))


@attrs.frozen
class InlineJobDispatcher(JobDispatcher):
    """Runs the job at once in this process and records it (the embedded mode, no Redis):
    a failure is recorded and logged, never raised into the scheduler's tick."""

    run_job: RunJob
    start: StartRun
    finish: FinishRun

    def dispatch(self, run: JobRun) -> None:
        self.start(run.id, run.job)
        try:
            count = self.run_job(run.job)
        except SelteqError as error:
            log.warning("%s failed: %s", run.job.describe(), type(error).__name__)
            self.finish(run.id, "failed", 0, error=f"{type(error).__name__}: {error}")
            return
        self.finish(run.id, "succeeded", 0, reported=run.job.summary(count))
