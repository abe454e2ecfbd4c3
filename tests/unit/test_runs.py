"""Runs recorded around each attempt, listed for staff, trimmed by the purge; dead letters
replayed and discarded by staff only."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from selteq_core import DeadLetter, Forbidden, InvalidField, Job, NotFound, RunJob, ScheduleSpec
from tests.unit.jobs_core import T0, Jobs


@pytest.fixture
def jobs() -> Jobs:
    return Jobs()


def test_a_scheduled_run_is_started_retried_and_finished_with_its_report(jobs: Jobs) -> None:
    spec = ScheduleSpec("print_user_tasks", jobs.alice, every_seconds=10)
    ident = jobs.create(jobs.staff, spec).id.value
    jobs.at(T0 + timedelta(seconds=10))
    [queued] = jobs.tick()
    jobs.clock.advance(2)
    assert jobs.start(queued.id, queued.job).outcome == "running"
    jobs.clock.advance(1)
    jobs.finish(queued.id, "retrying", 1, error="Unavailable")
    jobs.start(queued.id, queued.job, retries=1)
    jobs.clock.advance(0.25)
    done = jobs.finish(queued.id, "succeeded", 1, reported="3 task(s) logged")
    assert done is not None
    assert (done.outcome, done.retries, done.duration_ms, done.reported) == (
        "succeeded",
        1,
        250,
        "3 task(s) logged",
    )
    assert done.schedule_id is not None
    assert done.schedule_id.value == ident
    assert done.lag == timedelta(seconds=3)


def test_a_run_nobody_queued_is_recorded_when_it_starts(jobs: Jobs) -> None:
    job = Job.of("purge_idempotency_keys")
    started = jobs.start("m-1", job, retries=2)
    assert (started.schedule_id, started.due_at, started.queued_at) == (None, None, T0)
    assert jobs.finish("m-unknown", "failed", 0) is None


def test_staff_filter_runs_by_schedule_outcome_and_date_a_page_at_a_time(jobs: Jobs) -> None:
    job = Job.of("purge_idempotency_keys")
    for n in range(5):
        jobs.at(T0 + timedelta(minutes=n))
        jobs.start(f"run-{n}", job)
        jobs.finish(f"run-{n}", "failed" if n % 2 else "succeeded", 0)
    first = jobs.runs(jobs.staff, outcome="succeeded", limit=2)
    assert [r.id for r in first.runs] == ["run-4", "run-2"]
    assert first.next_before is not None
    rest = jobs.runs(jobs.staff, outcome="succeeded", before=first.next_before, limit=2)
    assert ([r.id for r in rest.runs], rest.next_before) == (["run-0"], None)
    window = jobs.runs(jobs.staff, since=T0 + timedelta(minutes=1), until=T0 + timedelta(minutes=3))
    assert [r.id for r in window.runs] == ["run-2", "run-1"]
    with pytest.raises(InvalidField) as refused:
        jobs.runs(jobs.staff, outcome="lost", schedule_id=0, since=datetime(2026, 1, 1))
    assert set(refused.value.fields) == {"outcome", "schedule_id", "since"}
    with pytest.raises(Forbidden):
        jobs.runs(jobs.alice)


def test_the_purge_trims_runs_older_than_the_retention(jobs: Jobs) -> None:
    job = Job.of("purge_idempotency_keys")
    for n in range(5):
        jobs.at(T0 + timedelta(days=n))
        jobs.start(f"run-{n}", job)
    jobs.at(T0 + timedelta(days=16, minutes=1))
    assert jobs.purge_runs() == 3
    assert [r.id for r in jobs.runs(jobs.staff).runs] == ["run-4", "run-3"]


def test_run_job_runs_the_catalogue() -> None:
    calls: list[object] = []

    def log_tasks(user_id: int) -> int:
        calls.append(user_id)
        return 3

    run = RunJob(log_tasks, lambda: 4, lambda: 5)
    assert run(Job.of("print_user_tasks", 7)) == 3
    assert run(Job.of("purge_idempotency_keys")) == 9
    assert calls == [7]


def letter(n: int) -> DeadLetter:
    moment = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(minutes=n)
    return DeadLetter(f"d-{n}", "print_user_tasks", (n,), moment, 5, "Unavailable")


def test_staff_replay_and_discard_dead_letters() -> None:
    jobs = Jobs()
    jobs.letters.letters = [letter(1), letter(2), letter(3), letter(4)]
    assert [d.id for d in jobs.dead(jobs.staff)] == ["d-4", "d-3", "d-2", "d-1"]
    jobs.replay(jobs.staff, "d-1")
    jobs.discard(jobs.staff, "d-2")
    for call in (lambda: jobs.replay(jobs.staff, "d-1"), lambda: jobs.discard(jobs.staff, "d-2")):
        with pytest.raises(NotFound):
            call()
    with pytest.raises(Forbidden):
        jobs.replay_all(jobs.alice)
    assert jobs.replay_all(jobs.staff) == 2
    assert [d.id for d in jobs.letters.replayed] == ["d-1", "d-3", "d-4"]
    jobs.letters.letters = [letter(5)]
    assert jobs.discard_all(jobs.staff) == 1
    assert jobs.dead(jobs.staff) == []
