"""The scheduler's rule: each tick, send every due schedule's run exactly once, then move
the schedule on to its trigger's next time after now.

A run is claimed by the tick lock keyed by the schedule and its due time, so of several
replicas reading the same due schedule one sends it; the move is a compare-and-set on the
due time, so two replicas never move it twice. Moving on from now, not from the missed due
time, is what makes a schedule that was paused or unreachable run once, not once per
missed time.
"""

from __future__ import annotations

import logging
import uuid
from datetime import datetime

import attrs

from ._errors import Unavailable
from ._ports import Clock, TickLock
from ._runs import ERROR_MAX, JobRun, clip
from ._schedule_ports import JobDispatcher, JobsUnitOfWorkFactory, TriggerCalendar
from ._schedules import REPORT_USER_TASKS, Schedule, Trigger
from ._values import UserId, require_utc

log = logging.getLogger("selteq.schedules")

LOCK_NAME = "schedule"
LOCK_TTL = 3600
"""Seconds a claim on (schedule, due time) is kept: far longer than a tick, so a replica
whose clock lags cannot claim a run the winner already moved past."""


@attrs.frozen
class ScheduleDefaults:
    """The settings the schedules an install started with follow until staff edit them."""

    report_user_id: int
    report_interval: int
    purge_interval: int

    def trigger_for(self, schedule: Schedule) -> tuple[UserId | None, Trigger]:
        if schedule.job.kind == REPORT_USER_TASKS:
            return UserId(self.report_user_id), Trigger.every(self.report_interval)
        return None, Trigger.every(self.purge_interval)


@attrs.define
class _Once:
    done: bool = False


@attrs.frozen
class RunDueSchedules:
    """One tick: the runs dispatched (this replica's). With ``defaults``, the first tick
    also brings the schedules that follow the settings in line with them. A replica that
    cannot reach the lock or the dispatcher loses the tick, not the run: the schedule
    stays due and the next tick tries again."""

    uow: JobsUnitOfWorkFactory
    clock: Clock
    calendar: TriggerCalendar
    lock: TickLock
    dispatcher: JobDispatcher
    defaults: ScheduleDefaults | None = None
    lock_prefix: str = LOCK_NAME
    batch: int = 100
    _followed: _Once = attrs.field(factory=_Once, alias="_followed")

    def __call__(self) -> list[JobRun]:
        now = require_utc(self.clock.now())
        if self.defaults is not None and not self._followed.done:
            FollowSettings(self.uow, self.clock, self.calendar, self.defaults)()
            self._followed.done = True
        with self.uow() as work:
            due = work.schedules.due(now, self.batch)
        sent = []
        for schedule in due:
            run = self._one(schedule, now)
            if run is not None:
                sent.append(run)
        return sent

    def _one(self, schedule: Schedule, now: datetime) -> JobRun | None:
        due_at = schedule.next_due_at
        following = self.calendar.next_after(schedule.trigger, now)
        if due_at is None:  # new or just migrated: first due at the trigger's next time
            with self.uow() as work:
                if work.schedules.advance(schedule.id, None, following):
                    work.commit()
            return None
        tick = due_at.isoformat(timespec="microseconds")
        if not self.lock.acquire(f"{self.lock_prefix}:{schedule.id.value}", tick, LOCK_TTL):
            return None
        run = JobRun(uuid.uuid4().hex, schedule.job, schedule.id, due_at, now)
        with self.uow() as work:
            if not work.schedules.advance(schedule.id, due_at, following):
                return None  # edited or deleted since the read: the edit wins
            work.runs.add(run)
            work.commit()
        try:
            self.dispatcher.dispatch(run)
        except Unavailable as error:
            failed = attrs.evolve(
                run, outcome="failed", error=clip(f"not sent: {error}", ERROR_MAX)
            )
            with self.uow() as work:
                work.runs.save(failed)
                work.commit()
            raise
        log.info("schedule %d: %s due %s sent", schedule.id.value, schedule.job.describe(), tick)
        return run


@attrs.frozen
class FollowSettings:
    """Bring the schedules that follow the settings (those an install started with, until
    staff edit them) in line with the settings; how many changed. A changed trigger is
    next due at its next time after now."""

    uow: JobsUnitOfWorkFactory
    clock: Clock
    calendar: TriggerCalendar
    defaults: ScheduleDefaults

    def __call__(self) -> int:
        now = require_utc(self.clock.now())
        changed = 0
        with self.uow() as work:
            for schedule in work.schedules.all():
                if not schedule.follows_settings:
                    continue
                user_id, trigger = self.defaults.trigger_for(schedule)
                if schedule.trigger == trigger and schedule.job.user_id == user_id:
                    continue
                after = attrs.evolve(
                    schedule,
                    job=attrs.evolve(schedule.job, user_id=user_id),
                    trigger=trigger,
                    next_due_at=self.calendar.next_after(trigger, now),
                )
                changed += work.schedules.update(after, schedule)
            work.commit()
        return changed
