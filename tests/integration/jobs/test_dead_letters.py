"""Dead letters on the real Redis with a real worker: a job that keeps failing lands there
with why and when, staff discard one or all, and a replay after the fix succeeds and shows
in the run history as the same run."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path

import attrs
import pytest

from selteq_adapters.container import Container, bootstrap
from selteq_adapters.db import open_database
from selteq_adapters.dispatch import message_for
from selteq_adapters.settings import Settings
from selteq_core import Job, JobRun, NotFound, RunQuery

from .conftest import BIN, Process, job_env, wait_for

PASSWORD = "correct horse battery"


@pytest.fixture
def staffed(
    container: Container, redis_url: str, namespace: str
) -> Iterator[tuple[Container, int]]:
    """The API's side: its container on Redis, and a staff user."""
    made = bootstrap(
        attrs.evolve(container.settings, redis_url=redis_url, broker_namespace=namespace)
    )
    staff = made.register_user("root", PASSWORD, staff=True).id.value
    yield made, staff
    made.close()


def send_exhausted(sender: Container, user_id: int) -> JobRun:
    """A report on its last allowed attempt (its retries spent), so a failure gives it up
    at once instead of after the minutes of backoff its earlier attempts would wait."""
    run = JobRun(
        f"run-{user_id}", Job.of("print_user_tasks", user_id), None, None, datetime.now(UTC)
    )
    message = message_for(run)
    message.options["retries"] = 5
    sender.broker.enqueue(message)
    return run


def test_a_failing_job_lands_in_dead_letters_and_a_replay_after_the_fix_succeeds(
    staffed: tuple[Container, int],
    settings: Settings,
    processes: list[Process],
    tmp_path: Path,
) -> None:
    api, staff = staffed
    path = api.settings.database_url.removeprefix("sqlite:///")
    rename_tasks(path, "tasks", "tasks_away")  # the fault: every report fails, runs are kept
    env = job_env(
        api.settings,
        SELTEQ_REDIS_URL=str(api.settings.redis_url),
        SELTEQ_BROKER_NAMESPACE=api.settings.broker_namespace,
    )
    args = [str(BIN / "dramatiq"), "selteq_jobs.worker", "--processes", "1", "--threads", "1"]
    worker = Process(args, env, tmp_path, tmp_path / "worker.log")
    processes.append(worker)
    before = datetime.now(UTC) - timedelta(seconds=1)
    runs = [send_exhausted(api, user_id) for user_id in (1, 2, 3)]

    wait_for(lambda: len(api.jobs.list_dead_letters(staff)) == 3, "three dead letters")
    letters = api.jobs.list_dead_letters(staff)
    assert {d.run_id for d in letters} == {r.id for r in runs}
    for letter in letters:
        assert letter.actor == "print_user_tasks"
        assert letter.reason.startswith("Unavailable")
        assert before <= letter.failed_at <= datetime.now(UTC)
        assert letter.retries == 6  # the five spent before it was sent, and its own
    by_run = {d.run_id: d for d in letters}

    api.jobs.discard_dead_letter(staff, by_run["run-3"].id)
    with pytest.raises(NotFound):
        api.jobs.discard_dead_letter(staff, by_run["run-3"].id)

    rename_tasks(path, "tasks_away", "tasks")  # the fix
    api.jobs.replay_dead_letter(staff, by_run["run-1"].id)
    with pytest.raises(NotFound):
        api.jobs.replay_dead_letter(staff, by_run["run-1"].id)
    wait_for(lambda: "0 task(s) of user 1" in worker.output(), "the replayed report")

    database = open_database(api.settings.database_url)
    with database.jobs_unit_of_work() as uow:
        wait_for(lambda: _outcome(uow.runs.get("run-1")) == "succeeded", "the replay recorded")
        replayed = uow.runs.get("run-1")
        assert replayed is not None
        assert (replayed.retries, replayed.reported) == (0, "0 task(s) logged")
        failed = uow.runs.newest(RunQuery(outcome="failed"), None, 10)
        assert [r.id for r in failed] == ["run-3", "run-2"]
    database.close()
    assert [d.run_id for d in api.jobs.list_dead_letters(staff)] == ["run-2"]
    assert api.jobs.discard_all_dead_letters(staff) == 1
    assert api.jobs.list_dead_letters(staff) == []
    assert worker.stop() == 0


def rename_tasks(path: str, old: str, new: str) -> None:
    with closing(sqlite3.connect(path)) as raw:
        raw.execute(f"ALTER TABLE {old} RENAME TO {new}")
        raw.commit()


def _outcome(run: JobRun | None) -> str | None:
    return None if run is None else run.outcome
