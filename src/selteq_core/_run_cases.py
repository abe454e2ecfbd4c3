"""Runs: how a job is run, how each run is recorded, what staff see of them, and the
dead letters staff replay or discard.

The worker's middleware calls ``StartRun`` and ``FinishRun`` around every attempt; a run
that was not queued by a schedule (a message sent by hand) is recorded when it starts.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Protocol

import attrs

from ._audit import AuditAction, record
from ._errors import Conflict, InvalidField, NotFound
from ._paging import page_limit
from ._ports import Clock
from ._runs import (
    ERROR_MAX,
    OUTCOMES,
    REPORTED_MAX,
    RUN_RETENTION,
    DeadLetter,
    JobRun,
    Outcome,
    RunPage,
    RunQuery,
    clip,
)
from ._schedule_ports import DeadLetterQueue, JobsUnitOfWork, JobsUnitOfWorkFactory
from ._schedules import REPORT_USER_TASKS, Job, ScheduleId
from ._staff import require_staff
from ._values import require_utc

DEFAULT_PAGE = 20


@attrs.frozen
class RunJob:
    """Run a job of the catalogue in this process; the count it reports. The purge also
    trims the run history to its retention."""

    log_tasks: Callable[[int], int]
    purge_keys: Callable[[], int]
    purge_runs: Callable[[], int]

    def __call__(self, job: Job) -> int:
        if job.kind == REPORT_USER_TASKS and job.user_id is not None:
            return self.log_tasks(job.user_id.value)
        return self.purge_keys() + self.purge_runs()


@attrs.frozen
class StartRun:
    """An attempt of a run starts: the run (recorded now if nobody queued it) with its
    start time and retries so far."""

    uow: JobsUnitOfWorkFactory
    clock: Clock

    def __call__(
        self,
        run_id: str,
        job: Job,
        retries: int = 0,
        schedule_id: int | None = None,
        due_at: datetime | None = None,
        queued_at: datetime | None = None,
    ) -> JobRun:
        now = require_utc(self.clock.now())
        with self.uow() as work:
            found = work.runs.get(run_id)
            if found is None:
                ident = None if schedule_id is None else ScheduleId(schedule_id)
                found = JobRun(run_id, job, ident, due_at, queued_at or now)
                started = attrs.evolve(found, outcome="running", started_at=now, retries=retries)
                try:
                    work.runs.add(started)
                except Conflict:  # recorded meanwhile (the scheduler's commit was late)
                    return self._again(run_id, retries, now)
            else:
                started = _started(found, retries, now)
                work.runs.save(started)
            work.commit()
            return started

    def _again(self, run_id: str, retries: int, now: datetime) -> JobRun:
        with self.uow() as work:
            found = work.runs.get(run_id)
            if found is None:
                raise NotFound("run")
            started = _started(found, retries, now)
            work.runs.save(started)
            work.commit()
            return started


def _started(run: JobRun, retries: int, now: datetime) -> JobRun:
    return attrs.evolve(
        run, outcome="running", started_at=now, finished_at=None, retries=retries, duration_ms=None
    )


@attrs.frozen
class FinishRun:
    """An attempt ends: ``outcome`` is succeeded, retrying (another attempt is queued),
    failed (given up: a dead letter) or skipped. The run as recorded, or None when it was
    never recorded (purged meanwhile)."""

    uow: JobsUnitOfWorkFactory
    clock: Clock

    def __call__(
        self,
        run_id: str,
        outcome: Outcome,
        retries: int,
        reported: str | None = None,
        error: str | None = None,
    ) -> JobRun | None:
        if outcome not in OUTCOMES:
            raise InvalidField("outcome", f"must be one of {', '.join(OUTCOMES)}")
        now = require_utc(self.clock.now())
        with self.uow() as work:
            found = work.runs.get(run_id)
            if found is None:
                return None
            started = found.started_at
            finished = attrs.evolve(
                found,
                outcome=outcome,
                finished_at=now,
                retries=retries,
                duration_ms=None if started is None else _ms(now - started),
                reported=clip(reported, REPORTED_MAX),
                error=clip(error, ERROR_MAX),
            )
            work.runs.save(finished)
            work.commit()
            return finished


def _ms(elapsed: timedelta) -> int:
    return max(0, round(elapsed / timedelta(milliseconds=1)))


@attrs.frozen
class ListRuns:
    """Staff list runs newest first, optionally one schedule's, one outcome's, queued
    within [since, until); ``before`` is the previous page's ``next_before``."""

    uow: JobsUnitOfWorkFactory

    def __call__(
        self,
        actor_id: int,
        schedule_id: int | None = None,
        outcome: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        before: tuple[datetime, str] | None = None,
        limit: int = DEFAULT_PAGE,
    ) -> RunPage:
        query = _query(schedule_id, outcome, since, until)
        size = page_limit(limit)
        with self.uow() as work:
            require_staff(work, actor_id)
            found = work.runs.newest(query, before, size + 1)
        runs = found[:size]
        more = len(found) > size
        return RunPage(runs, (runs[-1].queued_at, runs[-1].id) if more and runs else None)


def _query(
    schedule_id: int | None, outcome: str | None, since: datetime | None, until: datetime | None
) -> RunQuery:
    errors: dict[str, str] = {}
    ident = None
    if schedule_id is not None:
        try:
            ident = ScheduleId(schedule_id)
        except InvalidField:
            errors["schedule_id"] = "must be a positive whole number"
    if outcome is not None and outcome not in OUTCOMES:
        errors["outcome"] = f"must be one of {', '.join(OUTCOMES)}"
    for name, moment in (("since", since), ("until", until)):
        if moment is not None and moment.utcoffset() is None:
            errors[name] = "must carry a time zone"
    if errors:
        raise InvalidField.of(errors)
    return RunQuery(
        ident,
        outcome,  # type: ignore[arg-type]
        None if since is None else require_utc(since),
        None if until is None else require_utc(until),
    )


@attrs.frozen
class PurgeRuns:
    """Forget runs queued longer ago than ``retention``, in batches of ``batch_size``, each
    its own short transaction; how many were forgotten."""

    uow: JobsUnitOfWorkFactory
    clock: Clock
    retention: timedelta = RUN_RETENTION
    batch_size: int = 1000

    def __call__(self) -> int:
        before = require_utc(self.clock.now()) - self.retention
        purged = 0
        while True:
            with self.uow() as work:
                count = work.runs.purge(before, self.batch_size)
                work.commit()
            purged += count
            if count < self.batch_size:
                return purged


@attrs.frozen
class ListDeadLetters:
    """Staff see the messages the worker gave up on, the most recent first, each with the
    error and retries its run recorded."""

    uow: JobsUnitOfWorkFactory
    letters: DeadLetterQueue

    def __call__(self, actor_id: int, limit: int = 50) -> list[DeadLetter]:
        size = page_limit(limit)
        with self.uow() as work:
            require_staff(work, actor_id)
            return [_explained(work, letter) for letter in self.letters.list(size)]


def _explained(work: JobsUnitOfWork, letter: DeadLetter) -> DeadLetter:
    """Why a letter died is what its run's last attempt recorded: a queue keeps the message
    as it was sent, not what happened to it."""
    run = None if letter.run_id is None else work.runs.get(letter.run_id)
    if run is None or run.error is None:
        return letter
    return attrs.evolve(
        letter,
        reason=run.error,
        retries=run.retries,
        schedule_id=None if run.schedule_id is None else run.schedule_id.value,
    )


@attrs.frozen
class ReplayDeadLetter:
    """Queue a dead letter again with its retries reset (after the cause was fixed).
    NotFound when it is gone (replayed or discarded by someone else). The audit entry is
    committed once the queue took the letter back: a refused replay writes none."""

    uow: JobsUnitOfWorkFactory
    letters: DeadLetterQueue
    clock: Clock

    def __call__(self, actor_id: int, letter_id: str) -> None:
        _one(self, actor_id, letter_id, self.letters.replay, AuditAction.REPLAY_DEAD_LETTER)


@attrs.frozen
class DiscardDeadLetter:
    """Forget a dead letter. NotFound when it is gone."""

    uow: JobsUnitOfWorkFactory
    letters: DeadLetterQueue
    clock: Clock

    def __call__(self, actor_id: int, letter_id: str) -> None:
        _one(self, actor_id, letter_id, self.letters.discard, AuditAction.DISCARD_DEAD_LETTER)


@attrs.frozen
class ReplayAllDeadLetters:
    """Queue every dead letter again; how many were queued."""

    uow: JobsUnitOfWorkFactory
    letters: DeadLetterQueue
    clock: Clock

    def __call__(self, actor_id: int) -> int:
        return _all(self, actor_id, self.letters.replay_all, AuditAction.REPLAY_ALL_DEAD_LETTERS)


@attrs.frozen
class DiscardAllDeadLetters:
    """Forget every dead letter; how many were forgotten."""

    uow: JobsUnitOfWorkFactory
    letters: DeadLetterQueue
    clock: Clock

    def __call__(self, actor_id: int) -> int:
        return _all(self, actor_id, self.letters.discard_all, AuditAction.DISCARD_ALL_DEAD_LETTERS)


class _LetterCase(Protocol):
    @property
    def uow(self) -> JobsUnitOfWorkFactory: ...

    @property
    def clock(self) -> Clock: ...


def _one(
    case: _LetterCase,
    actor_id: int,
    letter_id: str,
    act: Callable[[str], bool],
    action: AuditAction,
) -> None:
    """A dead letter's id names the audit entry's target (a message has no number)."""
    now = require_utc(case.clock.now())
    with case.uow() as work:
        actor = require_staff(work, actor_id)
        if not act(letter_id):
            raise NotFound("dead letter")
        record(work, now, actor, action, 0, f"dead letter {letter_id}")
        work.commit()


def _all(case: _LetterCase, actor_id: int, act: Callable[[], int], action: AuditAction) -> int:
    now = require_utc(case.clock.now())
    with case.uow() as work:
        actor = require_staff(work, actor_id)
        count = act()
        record(work, now, actor, action, 0, "every dead letter", f"{count} letter(s)")
        work.commit()
    return count
