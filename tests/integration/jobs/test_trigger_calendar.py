"""The trigger calendar over APScheduler, and the scheduler walking a test clock through
Europe/Berlin's changes of the clocks: each wall-clock time a cron expression names fires
once, none skipped, none doubled."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from selteq_adapters.calendar import ApschedulerCalendar
from selteq_adapters.container import Container, Overrides, bootstrap
from selteq_adapters.settings import Settings
from selteq_core import InvalidField, ScheduleSpec, Trigger
from selteq_core.memory import ManualClock

BERLIN = ZoneInfo("Europe/Berlin")
CALENDAR = ApschedulerCalendar()
SPRING = datetime(2026, 3, 28, 22, tzinfo=UTC)  # the evening before 29 March 2026, 02:00 → 03:00
AUTUMN = datetime(2026, 10, 24, 20, tzinfo=UTC)  # the evening before 25 October, 03:00 → 02:00


def fires(cron: str, start: datetime, count: int, zone: str = "Europe/Berlin") -> list[str]:
    trigger, found, moment = Trigger.crontab(cron, zone), [], start
    for _ in range(count):
        moment = CALENDAR.next_after(trigger, moment)  # type: ignore[assignment]
        found.append(moment.astimezone(BERLIN).strftime("%d %H:%M %Z"))
    return found


def test_a_daily_time_the_clocks_skip_fires_when_they_jump() -> None:
    assert fires("30 2 * * *", SPRING - timedelta(days=1), 3) == [
        "28 02:30 CET",
        "29 03:00 CEST",
        "30 02:30 CEST",
    ]


def test_a_daily_time_the_clocks_repeat_fires_once() -> None:
    assert fires("30 2 * * *", AUTUMN - timedelta(days=1), 3) == [
        "24 02:30 CEST",
        "25 02:30 CEST",
        "26 02:30 CET",
    ]


def test_hourly_across_both_changes() -> None:
    assert fires("0 * * * *", SPRING + timedelta(hours=1), 3) == [
        "29 01:00 CET",
        "29 03:00 CEST",
        "29 04:00 CEST",
    ]
    assert fires("0 * * * *", AUTUMN + timedelta(hours=2), 3) == [
        "25 01:00 CEST",
        "25 02:00 CEST",
        "25 03:00 CET",
    ]


def test_several_skipped_times_fire_once_at_the_jump() -> None:
    assert fires("*/30 2 * * *", SPRING, 3) == ["29 03:00 CEST", "30 02:00 CEST", "30 02:30 CEST"]


def test_weekdays_count_from_sunday_as_in_crontab() -> None:
    sunday = datetime(2026, 12, 5, tzinfo=UTC)  # a Saturday
    assert fires("0 9 * * 0", sunday, 1) == ["06 09:00 CET"]
    assert fires("0 9 * * 7", sunday, 1) == ["06 09:00 CET"]
    assert fires("0 9 * * 1-5", sunday, 1) == ["07 09:00 CET"]


def test_intervals_are_aligned_to_the_epoch() -> None:
    moment = datetime(2026, 1, 1, 0, 0, 30, tzinfo=UTC)
    assert CALENDAR.next_after(Trigger.every(60), moment) == moment + timedelta(seconds=30)
    assert CALENDAR.next_after(Trigger.every(60), moment + timedelta(seconds=30)) == moment + (
        timedelta(seconds=90)
    )


@pytest.mark.parametrize(
    ("cron", "zone", "field"),
    [
        ("61 * * * *", "UTC", "cron"),
        ("0 0 * * 8", "UTC", "cron"),
        ("0 0 * *", "UTC", "cron"),
        ("0 0 * * *", "Europe/Atlantis", "timezone"),
        ("0 0 * * *", "../etc/passwd", "timezone"),
    ],
)
def test_what_cannot_be_read_names_its_field(cron: str, zone: str, field: str) -> None:
    with pytest.raises(InvalidField) as refused:
        CALENDAR.next_after(Trigger("cron", cron=cron, timezone=zone), datetime.now(UTC))
    assert set(refused.value.fields) == {field}


def test_a_cron_that_never_fires_has_no_next_time() -> None:
    assert CALENDAR.next_after(Trigger.crontab("0 0 31 4 *"), datetime.now(UTC)) is None


@pytest.fixture
def berlin(settings: Settings) -> Iterator[tuple[Container, ManualClock, int]]:
    """The embedded mode on a test clock, staff signed up, and no other schedule."""
    clock = ManualClock(SPRING - timedelta(days=2))
    made = bootstrap(settings, Overrides(clock=clock))
    made.migrate()
    staff = made.register_user("root", "correct horse battery", staff=True).id.value
    for schedule in made.jobs.list_schedules(staff):
        made.jobs.delete_schedule(staff, schedule.id.value)
    yield made, clock, staff
    made.close()


def walk(container: Container, clock: ManualClock, until: datetime) -> list[str]:
    """Tick every minute until ``until``; the wall-clock due times sent."""
    sent = []
    while clock.current < until:
        clock.advance(60)
        for run in container.jobs.run_due_schedules():
            assert run.due_at is not None
            sent.append(run.due_at.astimezone(BERLIN).strftime("%d %H:%M %Z"))
    return sent


def test_the_scheduler_on_a_test_clock_across_both_changes_of_the_clocks(
    berlin: tuple[Container, ManualClock, int],
) -> None:
    container, clock, staff = berlin
    spec = ScheduleSpec("purge_idempotency_keys", cron="30 2 * * *", timezone="Europe/Berlin")
    container.jobs.create_schedule(staff, spec)
    assert walk(container, clock, SPRING + timedelta(days=1)) == [
        "27 02:30 CET",
        "28 02:30 CET",
        "29 03:00 CEST",
    ]
    clock.current = AUTUMN - timedelta(days=1)
    container.jobs.run_due_schedules()  # the months between: one catch-up, then on time
    assert walk(container, clock, AUTUMN + timedelta(days=1, hours=12)) == [
        "24 02:30 CEST",
        "25 02:30 CEST",
        "26 02:30 CET",
    ]


def test_one_catch_up_run_after_a_pause(berlin: tuple[Container, ManualClock, int]) -> None:
    container, clock, staff = berlin
    made = container.jobs.create_schedule(
        staff, ScheduleSpec("purge_idempotency_keys", every_seconds=60)
    )
    container.jobs.pause_schedule(staff, made.id.value)
    start = clock.current
    assert walk(container, clock, start + timedelta(hours=1)) == []
    container.jobs.resume_schedule(staff, made.id.value)
    clock.advance(1)
    assert len(container.jobs.run_due_schedules()) == 1
    assert container.jobs.run_due_schedules() == []
    assert len(walk(container, clock, clock.current + timedelta(minutes=3))) == 3
