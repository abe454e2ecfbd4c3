"""The run recorder on Dramatiq's StubBroker with a real Worker and SQLite file: every
attempt of a run written to the history, a retry and a give-up told apart."""

from __future__ import annotations

from datetime import UTC, datetime

from selteq_adapters.container import Container, Overrides, bootstrap
from selteq_adapters.db import open_database
from selteq_adapters.dispatch import JOB_QUEUE, message_for
from selteq_adapters.settings import Settings
from selteq_core import Job, JobRun, ScheduleId, Task, Unavailable, User
from selteq_jobs.actors import QUEUE

from .test_actors import FlakyUnitOfWork, Run, _declared


def recorded(settings: Settings, run_id: str) -> JobRun | None:
    database = open_database(settings.database_url)
    try:
        with database.jobs_unit_of_work() as uow:
            return uow.runs.get(run_id)
    finally:
        database.close()


def queue(container: Container, run: JobRun) -> None:
    with container.jobs.start_run.uow() as work:
        work.runs.add(run)
        work.commit()
    container.broker.enqueue(message_for(run))


def test_a_run_retried_after_an_outage_is_one_run_with_its_retries_and_report(
    settings: Settings, container: Container, alice: tuple[User, list[Task]]
) -> None:
    user, _ = alice
    flaky = FlakyUnitOfWork(
        open_database(settings.database_url).unit_of_work, 2, Unavailable("database restarting")
    )
    retrying = bootstrap(settings, Overrides(uow=flaky))
    broker, _ = _declared(retrying)
    retrying.jobs.record_runs(broker, None)
    due = datetime(2026, 1, 1, tzinfo=UTC)
    run = JobRun("m-1", Job.of("print_user_tasks", user.id.value), ScheduleId(9), due, due)
    with Run(broker) as worker:
        queue(retrying, run)
        worker.drain()
    done = recorded(settings, "m-1")
    assert done is not None
    assert (done.outcome, done.retries, done.reported) == ("succeeded", 2, "3 task(s) logged")
    assert done.schedule_id == ScheduleId(9)
    assert done.due_at == due
    assert done.duration_ms is not None
    assert done.lag is not None
    retrying.close()


def test_a_run_given_up_is_failed_with_its_error(settings: Settings, container: Container) -> None:
    buggy = FlakyUnitOfWork(
        open_database(settings.database_url).unit_of_work, 100, RuntimeError("a bug")
    )
    failing = bootstrap(settings, Overrides(uow=buggy))
    broker, _ = _declared(failing)
    failing.jobs.record_runs(broker, None)
    run = JobRun("m-2", Job.of("print_user_tasks", 1), None, None, datetime.now(UTC))
    with Run(broker) as worker:
        queue(failing, run)
        worker.drain(fail_fast=False)
    done = recorded(settings, "m-2")
    assert done is not None
    assert (done.outcome, done.error, done.retries) == ("failed", "RuntimeError: a bug", 1)
    assert broker.dead_letters != []
    assert JOB_QUEUE == QUEUE
    failing.close()
