"""The core's schedule and run stores over SQL, and the unit of work that holds them.

Writes the scheduler relies on are compare-and-sets: an edit on updated_at, a tick's move
on the next due time. So two replicas, or staff and a replica, never overwrite each other.
"""

from __future__ import annotations

from datetime import UTC, datetime

import attrs

from selteq_core import (
    Job,
    JobRun,
    JobRunStore,
    JobsUnitOfWork,
    RunQuery,
    Schedule,
    ScheduleId,
    ScheduleRepository,
    Trigger,
)

from .connection import Connection
from .dialect import EARLIEST, LATEST
from .mapping import run_from_row, schedule_from_row
from .uow import SqlUnitOfWork

_EVERY_OUTCOME = ("a", "z" * 20)
"""An outcome range holding them all (lower-case words), in every collation: punctuation
such as ``~`` sorts before letters in SQL Server's."""


class SqlScheduleRepository(ScheduleRepository):
    def __init__(self, connection: Connection) -> None:
        self._c = connection
        self._d = connection.dialect
        self._sql = connection.dialect.sql

    def _at(self, moment: datetime | None) -> object:
        return None if moment is None else self._d.to_db(moment)

    def add(
        self, job: Job, trigger: Trigger, enabled: bool, next_due_at: datetime | None, at: datetime
    ) -> Schedule:
        stamp = self._d.to_db(at)
        params = (
            job.kind,
            None if job.user_id is None else job.user_id.value,
            trigger.every_seconds,
            trigger.cron,
            trigger.timezone,
            enabled,
            self._at(next_due_at),
            stamp,
            stamp,
        )
        new_id = self._c.insert(self._sql.schedule_insert, params)
        moment = at.astimezone(UTC)
        return Schedule(
            ScheduleId(new_id), job, trigger, enabled, next_due_at, False, moment, moment
        )

    def get(self, schedule_id: ScheduleId) -> Schedule | None:
        row = self._c.one(self._sql.schedule_get, (schedule_id.value,))
        return None if row is None else schedule_from_row(row, self._d)

    def all(self) -> list[Schedule]:
        return [schedule_from_row(row, self._d) for row in self._c.all(self._sql.schedule_all)]

    def due(self, now: datetime, limit: int) -> list[Schedule]:
        params = self._d.limited((self._d.to_db(now),), limit)
        rows = self._c.all(self._sql.schedule_due, params)
        return [schedule_from_row(row, self._d) for row in rows]

    def update(self, schedule: Schedule, expected: Schedule) -> bool:
        job, trigger = schedule.job, schedule.trigger
        params = (
            job.kind,
            None if job.user_id is None else job.user_id.value,
            trigger.every_seconds,
            trigger.cron,
            trigger.timezone,
            schedule.enabled,
            self._at(schedule.next_due_at),
            schedule.follows_settings,
            self._d.to_db(schedule.updated_at),
            schedule.id.value,
            self._d.to_db(expected.updated_at),
        )
        return self._c.run(self._sql.schedule_update, params) == 1

    def advance(
        self, schedule_id: ScheduleId, due_at: datetime | None, next_due_at: datetime | None
    ) -> bool:
        if due_at is None:
            params: tuple[object, ...] = (self._at(next_due_at), schedule_id.value)
            return self._c.run(self._sql.schedule_advance_unset, params) == 1
        params = (self._at(next_due_at), schedule_id.value, self._d.to_db(due_at))
        return self._c.run(self._sql.schedule_advance, params) == 1

    def remove(self, schedule_id: ScheduleId) -> bool:
        return self._c.run(self._sql.schedule_delete, (schedule_id.value,)) == 1


class SqlJobRunStore(JobRunStore):
    def __init__(self, connection: Connection) -> None:
        self._c = connection
        self._d = connection.dialect
        self._sql = connection.dialect.sql

    def _at(self, moment: datetime | None) -> object:
        return None if moment is None else self._d.to_db(moment)

    def add(self, run: JobRun) -> None:
        params = (
            run.id,
            run.job.kind,
            None if run.job.user_id is None else run.job.user_id.value,
            None if run.schedule_id is None else run.schedule_id.value,
            self._at(run.due_at),
            self._d.to_db(run.queued_at),
            *self._outcome(run),
        )
        self._c.run(self._sql.run_insert, params)

    def _outcome(self, run: JobRun) -> tuple[object, ...]:
        return (
            run.outcome,
            self._at(run.started_at),
            self._at(run.finished_at),
            run.retries,
            run.duration_ms,
            run.reported,
            run.error,
        )

    def get(self, run_id: str) -> JobRun | None:
        row = self._c.one(self._sql.run_get, (run_id,))
        return None if row is None else run_from_row(row, self._d)

    def save(self, run: JobRun) -> bool:
        return self._c.run(self._sql.run_save, (*self._outcome(run), run.id)) == 1

    def newest(
        self, query: RunQuery, before: tuple[datetime, str] | None, limit: int
    ) -> list[JobRun]:
        to_db = self._d.to_db
        outcome = (query.outcome, query.outcome) if query.outcome else _EVERY_OUTCOME
        keyset_at, keyset_id = before or (LATEST, "")
        window = (to_db(query.since or EARLIEST), to_db(query.until or LATEST))
        keyset = (to_db(keyset_at), to_db(keyset_at), keyset_id)
        params: tuple[object, ...] = (*window, *outcome, *keyset)
        sql = self._sql.run_newest
        if query.schedule_id is not None:
            sql, params = self._sql.run_newest_schedule, (query.schedule_id.value, *params)
        rows = self._c.all(sql, self._d.limited(params, limit))
        return [run_from_row(row, self._d) for row in rows]

    def purge(self, before: datetime, limit: int) -> int:
        params = self._d.limited((self._d.to_db(before),), limit)
        return self._c.run(self._sql.run_purge, params)


@attrs.frozen
class _Jobs:
    schedules: SqlScheduleRepository
    runs: SqlJobRunStore


class SqlJobsUnitOfWork(SqlUnitOfWork, JobsUnitOfWork):
    """The SQL unit of work, with the schedules and runs on the same connection."""

    _jobs: _Jobs | None = None

    @property
    def schedules(self) -> ScheduleRepository:
        return self._held().schedules

    @property
    def runs(self) -> JobRunStore:
        return self._held().runs

    def __enter__(self) -> SqlJobsUnitOfWork:
        super().__enter__()
        connection = self._current().connection
        self._jobs = _Jobs(SqlScheduleRepository(connection), SqlJobRunStore(connection))
        return self

    def _held(self) -> _Jobs:
        self._current()  # raises outside `with`
        assert self._jobs is not None
        return self._jobs
