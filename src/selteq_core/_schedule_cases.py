"""What staff do to schedules: list, read, create, edit, pause, resume, delete, run now.

Every use-case here first checks that the actor is active staff (Forbidden otherwise).
A change is written with the schedule's next due time, so every scheduler replica follows
it at its next tick, with no restart. Bad input is refused with every offending field
named at once: a job outside the catalogue, a user that does not exist, an interval under
ten seconds, a cron expression that does not parse or never fires, an unknown time zone.
Every accepted change is written to the staff audit log in its own transaction
(docs/decisions/0440-jobs-in-the-audit-log.md); a refused one writes nothing.
"""

from __future__ import annotations

from datetime import datetime

import attrs

from ._audit import AuditAction, record
from ._entities import User
from ._errors import Conflict, InvalidField, NotFound
from ._ports import Clock
from ._schedule_ports import JobsUnitOfWork, JobsUnitOfWorkFactory, TriggerCalendar
from ._schedules import MIN_INTERVAL, Job, Schedule, ScheduleId, Trigger
from ._staff import require_staff
from ._values import require_utc


@attrs.frozen
class ScheduleSpec:
    """What staff send for a new or edited schedule: the job (``job``, and ``user_id`` for
    a report) and one trigger (``every_seconds``, or ``cron`` with ``timezone``)."""

    job: str
    user_id: int | None = None
    every_seconds: int | None = None
    cron: str | None = None
    timezone: str | None = None


def _read(spec: ScheduleSpec) -> tuple[Job, Trigger]:
    errors: dict[str, str] = {}
    job = trigger = None
    try:
        job = Job.of(spec.job, spec.user_id)
    except InvalidField as error:
        errors.update(error.fields)
    try:
        if spec.cron is not None and spec.every_seconds is not None:
            raise InvalidField("every_seconds", "give either every_seconds or cron, not both")
        if spec.cron is not None:
            trigger = Trigger.crontab(spec.cron, "UTC" if spec.timezone is None else spec.timezone)
        elif spec.every_seconds is not None:
            trigger = Trigger.every(spec.every_seconds, MIN_INTERVAL)
        else:
            raise InvalidField("every_seconds", "give every_seconds, or cron with a timezone")
    except InvalidField as error:
        errors.update(error.fields)
    if errors or job is None or trigger is None:
        raise InvalidField.of(errors)
    return job, trigger


def _checked(
    work: JobsUnitOfWork, calendar: TriggerCalendar, spec: ScheduleSpec, now: datetime
) -> tuple[Job, Trigger, datetime]:
    """The job and trigger, with the user found and the first due time computed."""
    job, trigger = _read(spec)
    errors: dict[str, str] = {}
    if job.user_id is not None and work.users.get(job.user_id) is None:
        errors["user_id"] = "no such user"
    first = None
    try:
        first = calendar.next_after(trigger, now)
        if first is None:
            errors["cron"] = "never fires"
    except InvalidField as error:
        errors.update(error.fields)
    if errors or first is None:
        raise InvalidField.of(errors)
    return job, trigger, first


def _schedule(work: JobsUnitOfWork, schedule_id: int) -> Schedule:
    try:
        ident = ScheduleId(schedule_id)
    except InvalidField:
        raise NotFound("schedule") from None
    found = work.schedules.get(ident)
    if found is None:
        raise NotFound("schedule")
    return found


def _logged(
    work: JobsUnitOfWork,
    at: datetime,
    actor: User,
    action: AuditAction,
    schedule: Schedule,
    detail: str = "",
) -> None:
    """The audit entry of a change to ``schedule``, named by what it runs and when."""
    what = f"{schedule.job.describe()}, {schedule.trigger.describe()}"
    record(work, at, actor, action, schedule.id.value, what, detail)


@attrs.frozen
class ListSchedules:
    """Staff see every schedule, in id order."""

    uow: JobsUnitOfWorkFactory

    def __call__(self, actor_id: int) -> list[Schedule]:
        with self.uow() as work:
            require_staff(work, actor_id)
            return work.schedules.all()


@attrs.frozen
class GetSchedule:
    uow: JobsUnitOfWorkFactory

    def __call__(self, actor_id: int, schedule_id: int) -> Schedule:
        with self.uow() as work:
            require_staff(work, actor_id)
            return _schedule(work, schedule_id)


@attrs.frozen
class CreateSchedule:
    """A new schedule, first due at the trigger's next time after now (none is run for
    the past). ``enabled`` False creates it paused."""

    uow: JobsUnitOfWorkFactory
    clock: Clock
    calendar: TriggerCalendar

    def __call__(self, actor_id: int, spec: ScheduleSpec, enabled: bool = True) -> Schedule:
        now = require_utc(self.clock.now())
        with self.uow() as work:
            actor = require_staff(work, actor_id)
            job, trigger, first = _checked(work, self.calendar, spec, now)
            made = work.schedules.add(job, trigger, enabled, first, now)
            _logged(
                work, now, actor, AuditAction.CREATE_SCHEDULE, made, "" if enabled else "paused"
            )
            work.commit()
            return made


@attrs.frozen
class EditSchedule:
    """Replace a schedule's job and trigger; it is next due at the new trigger's next time
    after now. An edited schedule no longer follows the settings it was created from.
    Conflict when it changed since it was read (two staff editing at once)."""

    uow: JobsUnitOfWorkFactory
    clock: Clock
    calendar: TriggerCalendar

    def __call__(self, actor_id: int, schedule_id: int, spec: ScheduleSpec) -> Schedule:
        now = require_utc(self.clock.now())
        with self.uow() as work:
            actor = require_staff(work, actor_id)
            before = _schedule(work, schedule_id)
            job, trigger, first = _checked(work, self.calendar, spec, now)
            after = before.edited(job, trigger, first, now)
            if not work.schedules.update(after, before):
                raise Conflict("the schedule changed since it was read")
            was = f"was: {before.job.describe()}, {before.trigger.describe()}"
            _logged(work, now, actor, AuditAction.EDIT_SCHEDULE, after, was)
            work.commit()
            return after


@attrs.frozen
class PauseSchedule:
    """Stop a schedule from running; its next due time stays, so resuming runs what was
    missed once (not once per missed time). Pausing a paused schedule changes nothing and
    is logged all the same, as staff did it."""

    uow: JobsUnitOfWorkFactory
    clock: Clock

    def __call__(self, actor_id: int, schedule_id: int) -> Schedule:
        return _set_enabled(self.uow, self.clock, actor_id, schedule_id, False)


@attrs.frozen
class ResumeSchedule:
    """Let a paused schedule run again: if it fell due while paused, it runs once at the
    next tick, then keeps to its trigger."""

    uow: JobsUnitOfWorkFactory
    clock: Clock

    def __call__(self, actor_id: int, schedule_id: int) -> Schedule:
        return _set_enabled(self.uow, self.clock, actor_id, schedule_id, True)


def _set_enabled(
    uow: JobsUnitOfWorkFactory, clock: Clock, actor_id: int, schedule_id: int, enabled: bool
) -> Schedule:
    now = require_utc(clock.now())
    action = AuditAction.RESUME_SCHEDULE if enabled else AuditAction.PAUSE_SCHEDULE
    with uow() as work:
        actor = require_staff(work, actor_id)
        before = after = _schedule(work, schedule_id)
        if before.enabled != enabled:
            after = attrs.evolve(before, enabled=enabled, updated_at=now)
            if not work.schedules.update(after, before):
                raise Conflict("the schedule changed since it was read")
        _logged(work, now, actor, action, after)
        work.commit()
        return after


@attrs.frozen
class DeleteSchedule:
    """Delete a schedule; runs already queued still run, and its run history stays."""

    uow: JobsUnitOfWorkFactory
    clock: Clock

    def __call__(self, actor_id: int, schedule_id: int) -> None:
        now = require_utc(self.clock.now())
        with self.uow() as work:
            actor = require_staff(work, actor_id)
            gone = _schedule(work, schedule_id)
            if not work.schedules.remove(gone.id):
                raise NotFound("schedule")
            _logged(work, now, actor, AuditAction.DELETE_SCHEDULE, gone)
            work.commit()


@attrs.frozen
class RunScheduleNow:
    """Make a schedule due now: the next tick of whichever scheduler replica runs it, once,
    then it keeps to its trigger. Conflict when the schedule is paused."""

    uow: JobsUnitOfWorkFactory
    clock: Clock

    def __call__(self, actor_id: int, schedule_id: int) -> Schedule:
        now = require_utc(self.clock.now())
        with self.uow() as work:
            actor = require_staff(work, actor_id)
            before = _schedule(work, schedule_id)
            if not before.enabled:
                raise Conflict("the schedule is paused: resume it first")
            after = before
            if before.next_due_at is None or before.next_due_at > now:
                if not work.schedules.advance(before.id, before.next_due_at, now):
                    raise Conflict("the schedule changed since it was read")
                after = attrs.evolve(before, next_due_at=now)
            _logged(work, now, actor, AuditAction.RUN_SCHEDULE_NOW, after)
            work.commit()
            return after
