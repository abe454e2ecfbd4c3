"""Ports of the jobs: schedules and runs in the store, the trigger calendar, the dispatcher
that hands a run to a worker, and the dead-letter queue.

``JobsUnitOfWork`` is a unit of work that also holds the schedules and runs, so a store
that keeps only tasks and users is still a complete implementation of the rest of the core.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Protocol

from ._ports import UnitOfWork
from ._runs import DeadLetter, JobRun, RunQuery
from ._schedules import Job, Schedule, ScheduleId, Trigger


class ScheduleRepository(Protocol):
    def add(
        self, job: Job, trigger: Trigger, enabled: bool, next_due_at: datetime | None, at: datetime
    ) -> Schedule:
        """Store a new schedule (following no setting) and return it with its id."""
        ...

    def get(self, schedule_id: ScheduleId) -> Schedule | None: ...

    def all(self) -> list[Schedule]:
        """Every schedule, in id order (a handful: staff make them one by one)."""
        ...

    def due(self, now: datetime, limit: int) -> list[Schedule]:
        """Up to ``limit`` enabled schedules due at ``now`` or before, or not computed yet
        (no next due time), the longest overdue first."""
        ...

    def update(self, schedule: Schedule, expected: Schedule) -> bool:
        """Write the schedule's job, trigger, flags and times; False when it no longer
        exists or is no longer stored as ``expected`` (its updated_at)."""
        ...

    def advance(
        self, schedule_id: ScheduleId, due_at: datetime | None, next_due_at: datetime | None
    ) -> bool:
        """Move the next due time from ``due_at`` to ``next_due_at``, only while it is still
        ``due_at`` (None matching none): of several replicas advancing one due run, one
        moves it. Does not touch updated_at: the scheduler's bookkeeping is not an edit."""
        ...

    def remove(self, schedule_id: ScheduleId) -> bool: ...


class JobRunStore(Protocol):
    def add(self, run: JobRun) -> None:
        """Record a new run; Conflict when its id is already recorded."""
        ...

    def get(self, run_id: str) -> JobRun | None: ...

    def save(self, run: JobRun) -> bool:
        """Write a recorded run's outcome, times, retries and report; False when absent."""
        ...

    def newest(
        self, query: RunQuery, before: tuple[datetime, str] | None, limit: int
    ) -> list[JobRun]:
        """Up to ``limit`` runs matching the query, newest queued first (then id,
        descending), all older than the ``before`` keyset when given."""
        ...

    def purge(self, before: datetime, limit: int) -> int:
        """Forget up to ``limit`` runs queued before ``before``, oldest first; how many."""
        ...


class JobsUnitOfWork(UnitOfWork, Protocol):
    @property
    def schedules(self) -> ScheduleRepository: ...

    @property
    def runs(self) -> JobRunStore: ...

    def __enter__(self) -> JobsUnitOfWork:
        """Narrowed to this unit's own type; leaving and committing are ``UnitOfWork``'s."""
        ...


JobsUnitOfWorkFactory = Callable[[], JobsUnitOfWork]


class TriggerCalendar(Protocol):
    """Reads triggers: when one fires next, in real time, whatever the zone's clocks do."""

    def next_after(self, trigger: Trigger, after: datetime) -> datetime | None:
        """The first instant (aware, UTC) strictly after ``after`` at which the trigger
        fires; None when it never fires again. A cron trigger fires once per wall-clock
        time it names: a time the clocks skip fires when they jump, a time they repeat
        fires at its first occurrence. InvalidField (``cron``, ``timezone``) when the
        trigger cannot be read."""
        ...


class JobDispatcher(Protocol):
    """Hands a recorded run to whatever executes jobs (a worker's queue, this process)."""

    def dispatch(self, run: JobRun) -> None:
        """Unavailable when it cannot be handed over now."""
        ...


class DeadLetterQueue(Protocol):
    """The messages the worker gave up on."""

    def list(self, limit: int) -> list[DeadLetter]:
        """Up to ``limit`` dead letters, the most recent first."""
        ...

    def replay(self, letter_id: str) -> bool:
        """Queue the message again, with its retries reset; False when no such letter
        (another staff member replayed or discarded it first)."""
        ...

    def discard(self, letter_id: str) -> bool: ...

    def replay_all(self) -> int: ...

    def discard_all(self) -> int: ...
