"""Every change staff make to schedules and dead letters is in the audit log, written in
the change's own transaction; a refused change writes nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest

from selteq_core import (
    AuditAction,
    AuditEntry,
    Conflict,
    DeadLetter,
    Forbidden,
    InvalidField,
    NotFound,
    ScheduleSpec,
)
from tests.unit.jobs_core import T0, Jobs


def log(jobs: Jobs) -> list[AuditEntry]:
    """The log, oldest first."""
    with jobs.store.unit_of_work() as work:
        return list(reversed(work.audit.page(None, 100)))


def test_every_schedule_change_is_logged_with_what_it_runs() -> None:
    jobs = Jobs()
    report = ScheduleSpec("print_user_tasks", jobs.alice, every_seconds=60)
    made = jobs.create(jobs.staff, report)
    ident = made.id.value
    jobs.edit(jobs.staff, ident, ScheduleSpec("print_user_tasks", jobs.alice, every_seconds=120))
    jobs.pause(jobs.staff, ident)
    jobs.pause(jobs.staff, ident)  # no change, but staff did it
    jobs.resume(jobs.staff, ident)
    jobs.at(T0 + timedelta(seconds=5))
    jobs.run_now(jobs.staff, ident)
    jobs.delete(jobs.staff, ident)
    entries = log(jobs)
    assert [e.action for e in entries] == [
        AuditAction.CREATE_SCHEDULE,
        AuditAction.EDIT_SCHEDULE,
        AuditAction.PAUSE_SCHEDULE,
        AuditAction.PAUSE_SCHEDULE,
        AuditAction.RESUME_SCHEDULE,
        AuditAction.RUN_SCHEDULE_NOW,
        AuditAction.DELETE_SCHEDULE,
    ]
    assert {e.target_id for e in entries} == {ident}
    assert {e.actor.value for e in entries} == {"root"}
    assert entries[0].target == f"report user {jobs.alice}'s tasks, every 60 s"
    assert entries[1].target == f"report user {jobs.alice}'s tasks, every 120 s"
    assert entries[1].detail == f"was: report user {jobs.alice}'s tasks, every 60 s"
    assert entries[-1].at == T0 + timedelta(seconds=5)
    assert all(e.action.target_kind == "schedule" for e in entries)


def test_a_refused_schedule_change_writes_nothing() -> None:
    jobs = Jobs()
    made = jobs.create(jobs.staff, ScheduleSpec("purge_idempotency_keys", every_seconds=60))
    jobs.pause(jobs.staff, made.id.value)
    before = log(jobs)
    with pytest.raises(InvalidField):
        jobs.create(jobs.staff, ScheduleSpec("print_user_tasks", 999, every_seconds=5))
    with pytest.raises(Forbidden):
        jobs.delete(jobs.alice, made.id.value)
    with pytest.raises(Conflict):
        jobs.run_now(jobs.staff, made.id.value)  # paused
    with pytest.raises(NotFound):
        jobs.edit(jobs.staff, 999, ScheduleSpec("purge_idempotency_keys", every_seconds=60))
    assert log(jobs) == before


def letter(n: int) -> DeadLetter:
    return DeadLetter(f"d-{n}", "print_user_tasks", (n,), T0, 5, "Unavailable")


def test_dead_letters_replayed_and_discarded_are_logged_by_their_id() -> None:
    jobs = Jobs()
    jobs.letters.letters = [letter(1), letter(2), letter(3)]
    jobs.replay(jobs.staff, "d-1")
    jobs.discard(jobs.staff, "d-2")
    with pytest.raises(NotFound):
        jobs.replay(jobs.staff, "d-1")
    with pytest.raises(Forbidden):
        jobs.discard_all(jobs.alice)
    assert jobs.replay_all(jobs.staff) == 1
    assert jobs.discard_all(jobs.staff) == 0
    entries = log(jobs)
    assert [(e.action, e.target_id, e.target, e.detail) for e in entries] == [
        (AuditAction.REPLAY_DEAD_LETTER, 0, "dead letter d-1", ""),
        (AuditAction.DISCARD_DEAD_LETTER, 0, "dead letter d-2", ""),
        (AuditAction.REPLAY_ALL_DEAD_LETTERS, 0, "every dead letter", "1 letter(s)"),
        (AuditAction.DISCARD_ALL_DEAD_LETTERS, 0, "every dead letter", "0 letter(s)"),
    ]
    assert {e.action.target_kind for e in entries} == {"dead letter"}
