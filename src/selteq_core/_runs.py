"""Job runs and dead letters: what ran, when, how long, how it ended; and what gave up."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Literal

import attrs

from ._schedules import Job, ScheduleId

Outcome = Literal["queued", "running", "retrying", "succeeded", "failed", "skipped"]
OUTCOMES: tuple[Outcome, ...] = ("queued", "running", "retrying", "succeeded", "failed", "skipped")
"""``retrying``: the last attempt failed and another is queued; ``failed``: the worker gave
up (the message is a dead letter); ``skipped``: too old to run when its turn came."""
RUN_RETENTION = timedelta(days=14)
"""How long runs are kept; the purge job forgets older ones."""
REPORTED_MAX = 400
ERROR_MAX = 2000


@attrs.frozen(slots=True)
class JobRun:
    """One run of a job (its message, through every retry): ``id`` is the message's id."""

    id: str
    job: Job
    schedule_id: ScheduleId | None
    due_at: datetime | None
    queued_at: datetime
    outcome: Outcome = "queued"
    started_at: datetime | None = None
    finished_at: datetime | None = None
    retries: int = 0
    duration_ms: int | None = None
    reported: str | None = None
    error: str | None = None

    @property
    def lag(self) -> timedelta | None:
        """How late it started after it was due."""
        if self.due_at is None or self.started_at is None:
            return None
        return self.started_at - self.due_at


@attrs.frozen(slots=True)
class RunQuery:
    """Which runs staff look at: one schedule's, one outcome's, queued within a window."""

    schedule_id: ScheduleId | None = None
    outcome: Outcome | None = None
    since: datetime | None = None
    until: datetime | None = None


@attrs.frozen(slots=True)
class RunPage:
    """Runs newest first; ``next_before`` is the keyset of the next (older) page, or None."""

    runs: list[JobRun]
    next_before: tuple[datetime, str] | None


@attrs.frozen(slots=True)
class DeadLetter:
    """A message the worker gave up on: which job, with what, why, and when."""

    id: str
    actor: str
    args: tuple[object, ...]
    failed_at: datetime
    retries: int
    reason: str
    schedule_id: int | None = None
    run_id: str | None = None
    """The message's id: the run it was, in the run history."""


def clip(text: str | None, limit: int) -> str | None:
    if text is None or len(text) <= limit:
        return text
    return text[: limit - 1] + "…"
