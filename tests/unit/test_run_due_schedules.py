"""The scheduler's rule on the fakes and a test clock: due runs sent once across replicas,
an edit followed at the next tick, one catch-up after a pause or an outage, run now."""

from __future__ import annotations

from datetime import timedelta

import attrs
import pytest

from selteq_core import FollowSettings, Job, ScheduleDefaults, ScheduleSpec, Trigger, Unavailable
from tests.unit.jobs_core import T0, Jobs


@pytest.fixture
def jobs() -> Jobs:
    return Jobs()


def every(jobs: Jobs, seconds: int) -> int:
    spec = ScheduleSpec("print_user_tasks", jobs.alice, every_seconds=seconds)
    return jobs.create(jobs.staff, spec).id.value


def test_a_due_schedule_is_sent_once_between_replicas_then_moves_on(jobs: Jobs) -> None:
    ident = every(jobs, 60)
    other = jobs.replica()
    assert jobs.tick() == []
    assert other() == []
    jobs.at(T0 + timedelta(seconds=60, milliseconds=200))
    sent = jobs.tick() + other()
    assert [(r.schedule_id and r.schedule_id.value, r.due_at) for r in sent] == [
        (ident, T0 + timedelta(seconds=60))
    ]
    assert jobs.dispatcher.sent == sent
    assert jobs.get(jobs.staff, ident).next_due_at == T0 + timedelta(seconds=120)
    page = jobs.runs(jobs.staff, schedule_id=ident)
    assert [(r.id, r.outcome) for r in page.runs] == [(sent[0].id, "queued")]


def test_an_edit_is_followed_at_the_next_tick(jobs: Jobs) -> None:
    ident = every(jobs, 3600)
    jobs.at(T0 + timedelta(seconds=1))
    jobs.edit(jobs.staff, ident, ScheduleSpec("print_user_tasks", jobs.alice, every_seconds=10))
    jobs.at(T0 + timedelta(seconds=10))
    assert [r.due_at for r in jobs.tick()] == [T0 + timedelta(seconds=10)]


def test_a_paused_schedule_runs_once_after_resuming_not_once_per_missed_time(jobs: Jobs) -> None:
    ident = every(jobs, 10)
    jobs.pause(jobs.staff, ident)
    jobs.at(T0 + timedelta(minutes=30, seconds=3))
    assert jobs.tick() == []
    jobs.resume(jobs.staff, ident)
    assert [r.due_at for r in jobs.tick()] == [T0 + timedelta(seconds=10)]
    assert jobs.tick() == []
    assert jobs.get(jobs.staff, ident).next_due_at == T0 + timedelta(minutes=30, seconds=10)


def test_an_outage_costs_the_tick_and_the_run_goes_out_once_after_it(jobs: Jobs) -> None:
    every(jobs, 10)
    jobs.at(T0 + timedelta(seconds=10))
    jobs.lock.down = True
    for _ in range(5):
        with pytest.raises(Unavailable):
            jobs.tick()
        jobs.clock.advance(10)
    jobs.lock.down = False
    assert len(jobs.tick()) == 1
    assert jobs.tick() == []


def test_a_run_the_dispatcher_refused_is_recorded_as_failed(jobs: Jobs) -> None:
    ident = every(jobs, 10)
    jobs.at(T0 + timedelta(seconds=10))
    jobs.dispatcher.down = True
    with pytest.raises(Unavailable):
        jobs.tick()
    [run] = jobs.runs(jobs.staff, schedule_id=ident, outcome="failed").runs
    assert run.error is not None
    assert run.error.startswith("not sent")


def test_run_now_runs_at_the_next_tick_and_the_schedule_keeps_its_rhythm(jobs: Jobs) -> None:
    ident = every(jobs, 3600)
    jobs.at(T0 + timedelta(seconds=7))
    jobs.run_now(jobs.staff, ident)
    assert [r.due_at for r in jobs.tick()] == [T0 + timedelta(seconds=7)]
    assert jobs.get(jobs.staff, ident).next_due_at == T0 + timedelta(hours=1)


def test_a_deleted_or_paused_schedule_is_not_sent(jobs: Jobs) -> None:
    gone, paused = every(jobs, 10), every(jobs, 10)
    jobs.delete(jobs.staff, gone)
    jobs.pause(jobs.staff, paused)
    jobs.at(T0 + timedelta(minutes=1))
    assert jobs.tick() == []


def test_schedules_that_follow_the_settings_take_them_on_the_first_tick(jobs: Jobs) -> None:
    defaults = ScheduleDefaults(report_user_id=jobs.alice, report_interval=30, purge_interval=600)
    with jobs.store.unit_of_work() as work:
        made = work.schedules.add(
            Job.of("purge_idempotency_keys"), Trigger.every(3600), True, None, T0
        )
        work.schedules.update(attrs.evolve(made, follows_settings=True), made)
        work.commit()
    follow = FollowSettings(jobs.store.unit_of_work, jobs.clock, jobs.calendar, defaults)
    assert follow() == 1
    assert jobs.get(jobs.staff, made.id.value).trigger == Trigger.every(600)
    assert follow() == 0
    jobs.edit(jobs.staff, made.id.value, ScheduleSpec("purge_idempotency_keys", every_seconds=60))
    assert follow() == 0
    assert jobs.get(jobs.staff, made.id.value).trigger == Trigger.every(60)


def test_a_schedule_not_computed_yet_is_first_due_at_its_next_time(jobs: Jobs) -> None:
    with jobs.store.unit_of_work() as work:
        made = work.schedules.add(
            Job.of("purge_idempotency_keys"), Trigger.every(60), True, None, T0
        )
        work.commit()
    jobs.at(T0 + timedelta(seconds=5))
    assert jobs.tick() == []
    assert jobs.get(jobs.staff, made.id.value).next_due_at == T0 + timedelta(seconds=60)
