"""`selteq-watch --one-by-one`, the Django project's pace, on real databases and processes:
each task once, in id order, one per interval, then a clean exit by itself."""

from __future__ import annotations

import itertools
import logging
import re
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import attrs
import pytest

from selteq_adapters.container import Container, bootstrap
from selteq_adapters.settings import Settings
from selteq_core import Task, User
from selteq_jobs.watch import main
from tests.integration.http.postgres import fresh_database
from tests.services import POSTGRES_HOST, POSTGRES_PORT

from .conftest import BIN, Process, job_env, wait_for

INTERVAL = 0.3
TASK_LINE = re.compile(r"INFO selteq\.tasks \[-\] task (\d+) owner=(\d+) title='([^']*)' ")


@pytest.fixture
def postgres_container(settings: Settings) -> Iterator[Container]:
    with fresh_database() as name:
        url = f"postgresql://postgres@{POSTGRES_HOST}:{POSTGRES_PORT}/{name}"
        made = bootstrap(attrs.evolve(settings, database_url=url))
        made.migrate()
        yield made
        made.close()


def seed(container: Container, count: int) -> list[Task]:
    """``count`` tasks of two users, interleaved, so id order is not one owner's order."""
    users = [container.register_user(n, "correct horse battery").id.value for n in ("ann", "bo")]
    return [container.create_task(users[n % 2], f"task {n}", n + 1) for n in range(count)]


@pytest.mark.parametrize("engine", ["sqlite", "postgresql"])
def test_each_task_once_in_id_order_one_per_interval_then_done(
    engine: str,
    request: pytest.FixtureRequest,
    watch_records: list[logging.LogRecord],
    tmp_path: Path,
) -> None:
    fixture = "container" if engine == "sqlite" else "postgres_container"
    container: Container = request.getfixturevalue(fixture)
    tasks = seed(container, 5)
    args = ["--one-by-one", "--interval", str(INTERVAL), "--batch-size", "2"]

    assert main([*args, "--log-file", str(tmp_path / "tasks.log")], container=container) == 0

    logged = [r for r in watch_records if r.getMessage().startswith("task ")]
    assert [r.args[0] for r in logged] == [t.id.value for t in tasks]  # type: ignore[index]
    assert [r.getMessage() for r in watch_records][-1] == "5 task(s) of every user"
    gaps = [b.created - a.created for a, b in itertools.pairwise(logged)]
    assert all(gap >= INTERVAL / 2 for gap in gaps), gaps  # paced, not all at once


def test_the_command_exits_0_by_itself_in_the_same_format_as_every_tick(
    settings: Settings, container: Container, tmp_path: Path
) -> None:
    tasks = seed(container, 4)
    log_file = tmp_path / "tasks.log"
    command = [str(BIN / "selteq-watch"), "--one-by-one", "--interval", str(INTERVAL)]
    done = subprocess.run(
        [*command, "--user", str(tasks[1].owner_id.value), "--log-file", str(log_file)],
        env=job_env(settings),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    lines = log_file.read_text().splitlines()
    found = [m.groups() for line in lines if (m := TASK_LINE.search(line))]
    bo = str(tasks[1].owner_id.value)
    assert found == [(str(t.id.value), bo, t.title.value) for t in tasks[1::2]]
    assert lines[-1].endswith(f"INFO selteq.tasks [-] 2 task(s) of user {bo}")

    every_tick = subprocess.run(
        [str(BIN / "selteq-watch"), "--ticks", "1", "--log-file", str(tmp_path / "tick.log")],
        env=job_env(settings),
        cwd=tmp_path,
        timeout=60,
    )
    assert every_tick.returncode == 0
    tick_lines = (tmp_path / "tick.log").read_text().splitlines()
    for line in lines[:-1]:  # the very records a tick writes, after the timestamp
        assert any(t.split(" ", 2)[2] == line.split(" ", 2)[2] for t in tick_lines), line


def test_an_empty_table_ends_the_walk_at_once(
    settings: Settings, container: Container, tmp_path: Path
) -> None:
    started = time.monotonic()
    done = subprocess.run(
        [str(BIN / "selteq-watch"), "--one-by-one", "--interval", "3600"],
        env=job_env(settings, SELTEQ_TASKS_LOG=str(tmp_path / "tasks.log")),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert time.monotonic() - started < 60
    assert "0 task(s) of every user" in done.stderr + done.stdout


def test_sigterm_ends_the_walk_between_two_tasks(
    settings: Settings,
    container: Container,
    alice: tuple[User, list[Task]],
    processes: list[Process],
    tmp_path: Path,
) -> None:
    log_file = tmp_path / "tasks.log"
    args = [str(BIN / "selteq-watch"), "--one-by-one", "--interval", "3600"]
    watch = Process(
        [*args, "--log-file", str(log_file)], job_env(settings), tmp_path, tmp_path / "w"
    )
    processes.append(watch)

    wait_for(lambda: "title='Write the report'" in watch.output(), "the first task")
    watch.proc.send_signal(signal.SIGTERM)

    assert watch.proc.wait(timeout=30) == 0
    assert "Traceback" not in watch.output()
    written = log_file.read_text()
    assert written.count(" task ") == 1
    assert written.rstrip().endswith("1 task(s) of every user")


def test_a_database_that_cannot_be_read_ends_the_walk_with_status_1(
    settings: Settings, tmp_path: Path, watch_records: list[logging.LogRecord]
) -> None:
    folder = tmp_path / "volume"
    folder.write_text("not a folder")
    down = bootstrap(attrs.evolve(settings, database_url=f"sqlite:///{folder}/selteq.db"))
    try:
        args = ["--one-by-one", "--log-file", str(tmp_path / "tasks.log")]
        assert main(args, container=down) == 1
    finally:
        down.close()
    [warning] = [r for r in watch_records if r.levelno == logging.WARNING]
    assert "the walk stops" in warning.getMessage()


def test_one_by_one_takes_no_ticks(container: Container) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["--one-by-one", "--ticks", "2"], container=container)
    assert exit_.value.code == 2
