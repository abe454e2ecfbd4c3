"""Staff steer schedules on the fakes: every refusal names its field, and a change is the
schedule's next due time, which every scheduler reads at its next tick."""

from __future__ import annotations

from datetime import timedelta

import pytest

from selteq_core import (
    MIN_INTERVAL,
    Conflict,
    Forbidden,
    InvalidField,
    Job,
    NotFound,
    ScheduleSpec,
    Trigger,
)
from tests.unit.jobs_core import T0, Jobs


@pytest.fixture
def jobs() -> Jobs:
    return Jobs()


def test_create_a_report_every_minute_first_due_at_the_next_aligned_minute(jobs: Jobs) -> None:
    jobs.at(T0 + timedelta(seconds=15))
    made = jobs.create(jobs.staff, ScheduleSpec("print_user_tasks", jobs.alice, every_seconds=60))
    assert made.job == Job.of("print_user_tasks", jobs.alice)
    assert made.trigger == Trigger.every(60)
    assert made.enabled
    assert not made.follows_settings
    assert made.next_due_at == T0 + timedelta(minutes=1)
    assert jobs.list(jobs.staff) == [made]
    assert jobs.get(jobs.staff, made.id.value) == made


def test_create_a_daily_cron_and_a_paused_purge(jobs: Jobs) -> None:
    cron = jobs.create(jobs.staff, ScheduleSpec("print_user_tasks", jobs.alice, cron="30  2 * * *"))
    assert cron.trigger == Trigger("cron", cron="30 2 * * *", timezone="UTC")
    assert cron.next_due_at == T0.replace(hour=2, minute=30) + timedelta(days=1)
    purge = jobs.create(
        jobs.staff, ScheduleSpec("purge_idempotency_keys", every_seconds=3600), False
    )
    assert not purge.enabled


@pytest.mark.parametrize(
    ("spec", "fields"),
    [
        (ScheduleSpec("print_user_tasks", 1, every_seconds=MIN_INTERVAL - 1), {"every_seconds"}),
        (ScheduleSpec("print_user_tasks", 999, every_seconds=60), {"user_id"}),
        (ScheduleSpec("print_user_tasks", None, every_seconds=60), {"user_id"}),
        (ScheduleSpec("purge_idempotency_keys", 1, every_seconds=60), {"user_id"}),
        (ScheduleSpec("rm -rf /", None, every_seconds=60), {"job"}),
        (ScheduleSpec("print_user_tasks", 1), {"every_seconds"}),
        (
            ScheduleSpec("print_user_tasks", 1, every_seconds=60, cron="0 0 * * *"),
            {"every_seconds"},
        ),
        (
            ScheduleSpec("print_user_tasks", 1, cron="0 0 * * *", timezone="Mars/Olympus"),
            {"timezone"},
        ),
        (ScheduleSpec("print_user_tasks", 1, cron="0 0 30 2 *"), {"cron"}),
        (ScheduleSpec("print_user_tasks", 1, cron="every day"), {"cron"}),
        (ScheduleSpec("print_user_tasks", 1, cron="x y * * *"), {"cron"}),
        (ScheduleSpec("nope", "one", every_seconds=True), {"job", "every_seconds"}),  # type: ignore[arg-type]
    ],
)
def test_bad_input_is_refused_naming_every_field(
    jobs: Jobs, spec: ScheduleSpec, fields: set[str]
) -> None:
    with pytest.raises(InvalidField) as refused:
        jobs.create(jobs.staff, spec)
    assert set(refused.value.fields) == fields
    assert jobs.list(jobs.staff) == []


def test_only_active_staff_steer_schedules(jobs: Jobs) -> None:
    made = jobs.create(jobs.staff, ScheduleSpec("purge_idempotency_keys", every_seconds=60))
    for call in (
        lambda: jobs.list(jobs.alice),
        lambda: jobs.create(jobs.alice, ScheduleSpec("purge_idempotency_keys", every_seconds=60)),
        lambda: jobs.pause(jobs.alice, made.id.value),
        lambda: jobs.delete(jobs.alice, made.id.value),
        lambda: jobs.run_now(jobs.alice, made.id.value),
    ):
        with pytest.raises(Forbidden):
            call()
    assert jobs.list(jobs.staff) == [made]


def test_an_edit_moves_the_next_due_time_and_stops_following_the_settings(jobs: Jobs) -> None:
    made = jobs.create(jobs.staff, ScheduleSpec("print_user_tasks", jobs.alice, every_seconds=3600))
    jobs.at(T0 + timedelta(seconds=5))
    edited = jobs.edit(
        jobs.staff, made.id.value, ScheduleSpec("print_user_tasks", jobs.staff, every_seconds=10)
    )
    assert edited.next_due_at == T0 + timedelta(seconds=10)
    assert edited.job.user_id is not None
    assert edited.job.user_id.value == jobs.staff
    assert jobs.get(jobs.staff, made.id.value) == edited


def test_unknown_schedules_are_not_found(jobs: Jobs) -> None:
    for call in (
        lambda: jobs.get(jobs.staff, 42),
        lambda: jobs.get(jobs.staff, -1),
        lambda: jobs.pause(jobs.staff, 42),
        lambda: jobs.resume(jobs.staff, 42),
        lambda: jobs.delete(jobs.staff, 42),
        lambda: jobs.run_now(jobs.staff, 42),
        lambda: jobs.edit(jobs.staff, 42, ScheduleSpec("purge_idempotency_keys", every_seconds=60)),
    ):
        with pytest.raises(NotFound):
            call()


def test_pause_resume_delete_and_run_now(jobs: Jobs) -> None:
    made = jobs.create(jobs.staff, ScheduleSpec("purge_idempotency_keys", every_seconds=3600))
    assert not jobs.pause(jobs.staff, made.id.value).enabled
    with pytest.raises(Conflict):
        jobs.run_now(jobs.staff, made.id.value)
    assert jobs.resume(jobs.staff, made.id.value).enabled
    assert jobs.run_now(jobs.staff, made.id.value).next_due_at == T0
    jobs.delete(jobs.staff, made.id.value)
    assert jobs.list(jobs.staff) == []
