"""Schedules and job runs on every engine: what goes in comes out, the tick's reads and
compare-and-sets, the run history's filters and purge, and the schedules migration 0005
starts an install with."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import attrs
import pytest

from selteq_adapters.db import Database
from selteq_core import Conflict, Job, JobRun, RunQuery, ScheduleId, Trigger, UserId
from tests.integration.db.engines import (
    Engine,
    PostgresServer,
    execute,
    open_engine,
    sqlite_url,
)
from tests.integration.db.given import T0

EVERY = Trigger.every(60)
CRON = Trigger.crontab("30 2 * * 1-5", "Europe/Berlin")
REPORT = Job("print_user_tasks", UserId(7))
PURGE = Job("purge_idempotency_keys")


@pytest.fixture
def jobs_db(db: Database, engine: Engine) -> Database:
    execute(engine.url, "DELETE FROM job_runs")
    execute(engine.url, "DELETE FROM schedules")
    return db


def test_schedules_come_back_as_stored(jobs_db: Database) -> None:
    due = T0 + timedelta(minutes=1)
    with jobs_db.jobs_unit_of_work() as uow:
        every = uow.schedules.add(REPORT, EVERY, True, due, T0)
        cron = uow.schedules.add(PURGE, CRON, False, None, T0)
        uow.commit()
    with jobs_db.jobs_unit_of_work() as uow:
        assert uow.schedules.get(every.id) == every
        assert uow.schedules.get(cron.id) == cron
        assert uow.schedules.all() == [every, cron]
        assert uow.schedules.get(ScheduleId(cron.id.value + 1)) is None
    assert every.next_due_at == due
    assert (cron.enabled, cron.follows_settings, cron.trigger) == (False, False, CRON)


def test_due_reads_the_enabled_schedules_due_or_not_computed_longest_overdue_first(
    jobs_db: Database,
) -> None:
    with jobs_db.jobs_unit_of_work() as uow:
        late = uow.schedules.add(REPORT, EVERY, True, T0 - timedelta(minutes=5), T0)
        on_time = uow.schedules.add(REPORT, EVERY, True, T0, T0)
        unset = uow.schedules.add(PURGE, EVERY, True, None, T0)
        uow.schedules.add(REPORT, EVERY, True, T0 + timedelta(microseconds=1), T0)
        uow.schedules.add(REPORT, EVERY, False, T0 - timedelta(days=1), T0)
        uow.commit()
    with jobs_db.jobs_unit_of_work() as uow:
        found = uow.schedules.due(T0, 10)
        assert {s.id for s in found} == {late.id, on_time.id, unset.id}
        computed = [s.id for s in found if s.next_due_at is not None]
        assert computed == [late.id, on_time.id]
        assert len(uow.schedules.due(T0, 2)) == 2


def test_edits_and_moves_are_compare_and_sets(jobs_db: Database) -> None:
    with jobs_db.jobs_unit_of_work() as uow:
        made = uow.schedules.add(REPORT, EVERY, True, None, T0)
        uow.commit()
    edited = attrs.evolve(made, trigger=CRON, enabled=False, updated_at=T0 + timedelta(seconds=1))
    with jobs_db.jobs_unit_of_work() as uow:
        assert uow.schedules.update(edited, made)
        assert not uow.schedules.update(edited, made)  # made is stale now
        assert uow.schedules.advance(made.id, None, T0)
        assert not uow.schedules.advance(made.id, None, T0)
        assert not uow.schedules.advance(made.id, T0 - timedelta(seconds=1), T0)
        assert uow.schedules.advance(made.id, T0, T0 + timedelta(hours=1))
        uow.commit()
    with jobs_db.jobs_unit_of_work() as uow:
        stored = uow.schedules.get(made.id)
        assert stored == attrs.evolve(edited, next_due_at=T0 + timedelta(hours=1))
        assert uow.schedules.remove(made.id)
        assert not uow.schedules.remove(made.id)
        uow.commit()


def test_an_uncommitted_move_is_rolled_back(jobs_db: Database) -> None:
    with jobs_db.jobs_unit_of_work() as uow:
        made = uow.schedules.add(REPORT, EVERY, True, T0, T0)
        uow.commit()
    with jobs_db.jobs_unit_of_work() as uow:
        assert uow.schedules.advance(made.id, T0, T0 + timedelta(minutes=1))
    with jobs_db.jobs_unit_of_work() as uow:
        assert uow.schedules.get(made.id) == made


def run(n: int, schedule: ScheduleId | None = None, outcome: str = "succeeded") -> JobRun:
    queued = T0 + timedelta(minutes=n)
    return JobRun(
        f"run-{n:02d}",
        REPORT,
        schedule,
        queued - timedelta(seconds=1),
        queued,
        outcome,  # type: ignore[arg-type]
        started_at=queued + timedelta(milliseconds=5),
        finished_at=queued + timedelta(milliseconds=255),
        retries=n % 3,
        duration_ms=250,
        reported="3 task(s) logged",
        error=None if outcome == "succeeded" else "Unavailable: é ü 😀",
    )


def test_runs_come_back_as_stored_and_are_saved_through_their_attempts(jobs_db: Database) -> None:
    queued = JobRun("m-1", PURGE, None, None, T0)
    with jobs_db.jobs_unit_of_work() as uow:
        uow.runs.add(queued)
        uow.runs.add(run(1, ScheduleId(3), "failed"))
        uow.commit()
    with jobs_db.jobs_unit_of_work() as uow:
        assert uow.runs.get("m-1") == queued
        assert uow.runs.get("run-01") == run(1, ScheduleId(3), "failed")
        with pytest.raises(Conflict):
            uow.runs.add(queued)
    done = attrs.evolve(queued, outcome="succeeded", started_at=T0, finished_at=T0, retries=2)
    with jobs_db.jobs_unit_of_work() as uow:
        assert uow.runs.save(done)
        assert not uow.runs.save(attrs.evolve(done, id="m-unknown"))
        uow.commit()
    with jobs_db.jobs_unit_of_work() as uow:
        assert uow.runs.get("m-1") == done


def test_runs_are_listed_newest_first_by_schedule_outcome_and_window(jobs_db: Database) -> None:
    first, second = ScheduleId(1), ScheduleId(2)
    with jobs_db.jobs_unit_of_work() as uow:
        for n in range(8):
            uow.runs.add(
                run(n, first if n % 2 else second, "failed" if n % 3 == 0 else "succeeded")
            )
        uow.commit()
    with jobs_db.jobs_unit_of_work() as uow:

        def ids(query: RunQuery, limit: int = 10, before: JobRun | None = None) -> list[str]:
            keyset = None if before is None else (before.queued_at, before.id)
            return [r.id for r in uow.runs.newest(query, keyset, limit)]

        everything = [
            "run-07",
            "run-06",
            "run-05",
            "run-04",
            "run-03",
            "run-02",
            "run-01",
            "run-00",
        ]
        assert ids(RunQuery()) == everything
        assert ids(RunQuery(), 3) == everything[:3]
        assert ids(RunQuery(), 3, run(5)) == ["run-04", "run-03", "run-02"]
        assert ids(RunQuery(schedule_id=first)) == ["run-07", "run-05", "run-03", "run-01"]
        assert ids(RunQuery(outcome="failed")) == ["run-06", "run-03", "run-00"]
        assert ids(RunQuery(schedule_id=second, outcome="failed")) == ["run-06", "run-00"]
        window = RunQuery(since=T0 + timedelta(minutes=2), until=T0 + timedelta(minutes=5))
        assert ids(window) == ["run-04", "run-03", "run-02"]


def test_the_purge_forgets_at_most_the_limit_of_runs_queued_before_the_cut(
    jobs_db: Database,
) -> None:
    with jobs_db.jobs_unit_of_work() as uow:
        for n in range(5):
            uow.runs.add(run(n))
        uow.commit()
    cut = T0 + timedelta(minutes=3)
    with jobs_db.jobs_unit_of_work() as uow:
        assert uow.runs.purge(cut, 2) == 2
        assert uow.runs.purge(cut, 2) == 1
        assert uow.runs.purge(cut, 2) == 0
        uow.commit()
    with jobs_db.jobs_unit_of_work() as uow:
        assert [r.id for r in uow.runs.newest(RunQuery(), None, 10)] == ["run-04", "run-03"]


def seeded(database: Database) -> list[tuple[str, int | None, Trigger, bool, bool]]:
    with database.jobs_unit_of_work() as uow:
        return [
            (
                s.job.kind,
                None if s.job.user_id is None else s.job.user_id.value,
                s.trigger,
                s.enabled,
                s.follows_settings,
            )
            for s in uow.schedules.all()
        ]


TODAY = [
    ("print_user_tasks", 1, Trigger.every(60), True, True),
    ("purge_idempotency_keys", None, Trigger.every(3600), True, True),
]


def test_migration_0005_starts_an_install_with_todays_schedules_on_sqlite(tmp_path: Path) -> None:
    engine = open_engine("sqlite3", sqlite_url(tmp_path), fresh=True)
    try:
        assert seeded(engine.database) == TODAY
    finally:
        engine.database.close()


def test_migration_0005_starts_an_install_with_todays_schedules_on_postgresql(
    postgres: PostgresServer,
) -> None:
    engine = open_engine("postgresql-odbc", postgres.create(), fresh=True)
    try:
        assert seeded(engine.database) == TODAY
    finally:
        engine.database.close()
