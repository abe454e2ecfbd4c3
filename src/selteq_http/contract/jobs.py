"""The staff jobs API's bodies: schedules in and out, runs, dead letters, and the runs'
page cursor.

A schedule's rules (the catalogue, the shortest interval, a cron expression that fires, a
zone that exists, a user that exists) are the core's; the bounds stated here are for the
document, and the core's refusals name the same fields.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import msgspec

import selteq_core as core
from selteq_http.contract.schemas import utc

_YEAR = 366 * 86_400
JobKind = Annotated[
    str,
    msgspec.Meta(
        description="What runs: " + " or ".join(f"`{job}`" for job in core.JOBS),
        examples=[core.REPORT_USER_TASKS],
    ),
]
ReportUser = Annotated[
    int,
    msgspec.Meta(ge=1, description="The user whose tasks a report logs", examples=[1]),
]
EverySeconds = Annotated[
    int,
    msgspec.Meta(
        ge=core.MIN_INTERVAL,
        le=_YEAR,
        description="Every N seconds, aligned to the epoch (give this or `cron`)",
        examples=[60],
    ),
]
Cron = Annotated[
    str,
    msgspec.Meta(
        min_length=1,
        max_length=core.CRON_MAX,
        description="Five crontab fields: minute hour day month weekday (Sunday is 0)",
        examples=["30 7 * * 1-5"],
    ),
]
TimeZone = Annotated[
    str,
    msgspec.Meta(
        min_length=1,
        max_length=core.TIMEZONE_MAX,
        description="The IANA zone the cron fields are read in (UTC when not given)",
        examples=["Europe/Berlin"],
    ),
]


class ScheduleEdit(msgspec.Struct):
    """A schedule's job and its one trigger: ``every_seconds``, or ``cron`` with
    ``timezone``."""

    job: JobKind
    user_id: ReportUser | None = None
    every_seconds: EverySeconds | None = None
    cron: Cron | None = None
    timezone: TimeZone | None = None

    def spec(self) -> core.ScheduleSpec:
        return core.ScheduleSpec(
            self.job, self.user_id, self.every_seconds, self.cron, self.timezone
        )


class ScheduleCreate(ScheduleEdit):
    """A new schedule; ``enabled: false`` creates it paused."""

    enabled: bool = True


class ScheduleOut(msgspec.Struct):
    """A schedule as staff see it; ``next_due_at`` is null until a scheduler first
    computes it, ``follows_settings`` until staff edit one an install started with."""

    id: int
    job: str
    user_id: int | None
    every_seconds: int | None
    cron: str | None
    timezone: str | None
    enabled: bool
    next_due_at: datetime | None
    follows_settings: bool
    description: str
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, schedule: core.Schedule) -> ScheduleOut:
        job, trigger = schedule.job, schedule.trigger
        return cls(
            id=schedule.id.value,
            job=job.kind,
            user_id=None if job.user_id is None else job.user_id.value,
            every_seconds=trigger.every_seconds,
            cron=trigger.cron,
            timezone=trigger.timezone,
            enabled=schedule.enabled,
            next_due_at=_maybe(schedule.next_due_at),
            follows_settings=schedule.follows_settings,
            description=f"{job.describe()}, {trigger.describe()}",
            created_at=utc(schedule.created_at),
            updated_at=utc(schedule.updated_at),
        )


class RunOut(msgspec.Struct):
    """One run of a job through its retries; ``id`` is its message's id."""

    id: str
    job: str
    user_id: int | None
    schedule_id: int | None
    outcome: str
    due_at: datetime | None
    queued_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    retries: int
    duration_ms: int | None
    reported: str | None
    error: str | None

    @classmethod
    def of(cls, run: core.JobRun) -> RunOut:
        return cls(
            id=run.id,
            job=run.job.kind,
            user_id=None if run.job.user_id is None else run.job.user_id.value,
            schedule_id=None if run.schedule_id is None else run.schedule_id.value,
            outcome=run.outcome,
            due_at=_maybe(run.due_at),
            queued_at=utc(run.queued_at),
            started_at=_maybe(run.started_at),
            finished_at=_maybe(run.finished_at),
            retries=run.retries,
            duration_ms=run.duration_ms,
            reported=run.reported,
            error=run.error,
        )


class DeadLetterOut(msgspec.Struct):
    """A message the worker gave up on, and why (its run's last error)."""

    id: str
    actor: str
    args: list[int | str | None]
    failed_at: datetime
    retries: int
    reason: str
    schedule_id: int | None
    run_id: str | None

    @classmethod
    def of(cls, letter: core.DeadLetter) -> DeadLetterOut:
        return cls(
            id=letter.id,
            actor=letter.actor,
            args=[a if isinstance(a, int | str) or a is None else str(a) for a in letter.args],
            failed_at=utc(letter.failed_at),
            retries=letter.retries,
            reason=letter.reason,
            schedule_id=letter.schedule_id,
            run_id=letter.run_id,
        )


class Counted(msgspec.Struct):
    """How many letters an action on them all took."""

    count: int


def _maybe(moment: datetime | None) -> datetime | None:
    return None if moment is None else utc(moment)


RUNS_CURSOR = "_"


def run_cursor(keyset: tuple[datetime, str] | None) -> str | None:
    """The next page's ``before``: the last run's queue time and id, as one word."""
    if keyset is None:
        return None
    queued_at, run_id = keyset
    stamp = utc(queued_at).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return f"{stamp}{RUNS_CURSOR}{run_id}"


def read_run_cursor(cursor: str | None) -> tuple[datetime, str] | None:
    """A ``before`` this API gave out; InvalidField naming ``before`` otherwise."""
    if cursor is None or cursor == "":
        return None
    stamp, _, run_id = cursor.partition(RUNS_CURSOR)
    try:
        moment = datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
    except ValueError:
        moment = None
    if moment is None or not run_id:
        raise core.InvalidField("before", 'must be the cursor of a Link: rel="next" header')
    return moment, run_id
