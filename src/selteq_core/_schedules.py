"""Schedules as data: a job from a fixed catalogue, a trigger, and when it is next due.

The catalogue is closed on purpose: staff choose what runs and when, never arbitrary code.
A job's kind is the name its worker knows it by (the Dramatiq actor), so a message, a run
and a schedule all name it the same way.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

import attrs

from ._errors import InvalidField
from ._values import UserId

REPORT_USER_TASKS = "print_user_tasks"
PURGE_IDEMPOTENCY_KEYS = "purge_idempotency_keys"
JOBS = (REPORT_USER_TASKS, PURGE_IDEMPOTENCY_KEYS)
"""The catalogue: "report a user's tasks" (with its user) and "purge expired keys"."""
MIN_INTERVAL = 10
"""The shortest interval staff may set, in seconds: a shorter one is a load test."""
CRON_MAX = 100
TIMEZONE_MAX = 64


@attrs.frozen(slots=True)
class ScheduleId:
    value: int

    def __attrs_post_init__(self) -> None:
        value: object = self.value
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value < 2**63:
            raise InvalidField("id", "must be a positive whole number")


@attrs.frozen(slots=True)
class Job:
    """What a schedule runs: a kind from the catalogue, with a user for the report."""

    kind: str
    user_id: UserId | None = None

    def __attrs_post_init__(self) -> None:
        if self.kind not in JOBS:
            raise InvalidField("job", f"must be one of {', '.join(JOBS)}")
        if self.kind == REPORT_USER_TASKS and self.user_id is None:
            raise InvalidField("user_id", "is required for a report")
        if self.kind != REPORT_USER_TASKS and self.user_id is not None:
            raise InvalidField("user_id", "only a report takes a user")

    @classmethod
    def of(cls, kind: object, user_id: object = None) -> Job:
        """From primitives, each refusal naming its field."""
        if not isinstance(kind, str) or kind not in JOBS:
            raise InvalidField("job", f"must be one of {', '.join(JOBS)}")
        if user_id is None:
            return cls(kind)
        try:
            return cls(kind, UserId(user_id))  # type: ignore[arg-type]
        except InvalidField as error:
            if "user_id" in error.fields:
                raise
            raise InvalidField("user_id", "must be a positive whole number") from None

    def args(self) -> tuple[int, ...]:
        """The arguments its worker takes: the user's id, or none."""
        return () if self.user_id is None else (self.user_id.value,)

    def describe(self) -> str:
        if self.user_id is None:
            return "purge expired idempotency keys"
        return f"report user {self.user_id.value}'s tasks"

    def summary(self, count: int) -> str:
        """What a run of the job reports, from the count its use-case returned."""
        if self.kind == REPORT_USER_TASKS:
            return f"{count} task(s) logged"
        return f"{count} expired record(s) purged"


@attrs.frozen(slots=True)
class Trigger:
    """Every N seconds (aligned to the epoch, so every replica computes the same instants),
    or a five-field cron expression read in an IANA time zone. Whether a cron expression
    parses, fires at all, and whether the zone exists is the trigger calendar's to say."""

    kind: Literal["every", "cron"]
    every_seconds: int | None = None
    cron: str | None = None
    timezone: str | None = None

    @classmethod
    def every(cls, seconds: object, minimum: int = 1) -> Trigger:
        if isinstance(seconds, bool) or not isinstance(seconds, int):
            raise InvalidField("every_seconds", "must be a whole number of seconds")
        if seconds < minimum:
            raise InvalidField("every_seconds", f"must be at least {minimum} seconds")
        if seconds > 366 * 86_400:
            raise InvalidField("every_seconds", "must be at most a year")
        return cls("every", every_seconds=seconds)

    @classmethod
    def crontab(cls, expression: object, timezone: object = "UTC") -> Trigger:
        if not isinstance(expression, str) or not expression.strip():
            raise InvalidField("cron", "must be a cron expression")
        spelled = " ".join(expression.split())
        if len(spelled) > CRON_MAX:
            raise InvalidField("cron", f"must be at most {CRON_MAX} characters")
        if len(spelled.split(" ")) != 5:
            raise InvalidField("cron", "must have five fields: minute hour day month weekday")
        if not isinstance(timezone, str) or not timezone.strip():
            raise InvalidField("timezone", "must be an IANA time zone such as Europe/Berlin")
        if len(timezone) > TIMEZONE_MAX:
            raise InvalidField("timezone", f"must be at most {TIMEZONE_MAX} characters")
        return cls("cron", cron=spelled, timezone=timezone.strip())

    def describe(self) -> str:
        if self.kind == "every":
            return f"every {self.every_seconds} s"
        return f"cron {self.cron} ({self.timezone})"


@attrs.frozen(slots=True)
class Schedule:
    """A job, its trigger, whether it is enabled, and when it is next due (None until the
    scheduler first computes it). ``follows_settings`` marks the schedules an install
    started with: they keep following SELTEQ_REPORT_INTERVAL, SELTEQ_REPORT_USER_ID and
    SELTEQ_PURGE_INTERVAL until staff edit them."""

    id: ScheduleId
    job: Job
    trigger: Trigger
    enabled: bool
    next_due_at: datetime | None
    follows_settings: bool
    created_at: datetime
    updated_at: datetime

    def due(self, now: datetime) -> bool:
        return self.enabled and self.next_due_at is not None and self.next_due_at <= now

    def edited(
        self, job: Job, trigger: Trigger, next_due_at: datetime | None, at: datetime
    ) -> Schedule:
        """The schedule as staff set it: it no longer follows the settings."""
        return attrs.evolve(
            self,
            job=job,
            trigger=trigger,
            next_due_at=next_due_at,
            follows_settings=False,
            updated_at=at,
        )
