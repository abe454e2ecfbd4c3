"""The watcher on the real container and SQLite file: logging only, flat memory, outages."""

from __future__ import annotations

import logging
import re
import signal
import tracemalloc
from datetime import UTC, datetime
from pathlib import Path

import attrs
import pytest

from selteq_adapters.container import Container, bootstrap
from selteq_adapters.db import open_database
from selteq_adapters.settings import Settings
from selteq_core import Task, User
from selteq_jobs.watch import TASK_LOGGERS, Watcher, log_to_file, main, stop_logging_to_file
from tests.seeding import insert_tasks, insert_users

from .conftest import BIN, Process, job_env, wait_for

NOW = datetime(2026, 1, 1, tzinfo=UTC)
LINE = re.compile(r"^\S+ \S+ (INFO|WARNING) selteq\.(watch|tasks) \[-\] ")


def test_logs_every_task_on_every_tick_through_logging_only(
    container: Container,
    alice: tuple[User, list[Task]],
    watch_records: list[logging.LogRecord],
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    _, tasks = alice
    log_file = tmp_path / "logs" / "tasks.log"

    args = ["--interval", "0.01", "--ticks", "3", "--log-file", str(log_file)]
    assert main(args, container=container) == 0

    assert capsys.readouterr().out == ""  # never print
    written = log_file.read_text().splitlines()
    assert len(written) == len(watch_records) == 3 * (4 + 1)
    assert all(LINE.match(line) for line in written)
    assert {r.name for r in watch_records} == {"selteq.tasks"}
    for task in tasks:
        expected = (
            f"task {task.id.value} owner={task.owner_id.value} title={task.title.value!r} "
            f"duration={task.duration.minutes} created_at={task.created_at.isoformat()} "
            f"updated_at={task.updated_at.isoformat()}"
        )
        for lines in (written, [r.getMessage() for r in watch_records]):
            assert sum(line.endswith(expected) for line in lines) == 3
    assert sum("Bob's secret" in line for line in written) == 3
    assert sum(line.endswith("4 task(s) of every user") for line in written) == 3


def _peak_of_one_tick(container: Container, rows: int, batch_size: int, log_file: Path) -> int:
    """Seed ``rows`` tasks, then the peak traced memory of one watcher pass over them
    (logged to a rotating file only, so no test handler keeps the records)."""
    database = open_database(container.settings.database_url)
    [owner] = insert_users(database, ["memory"], NOW)
    seed = ((owner, f"task {n}", 1 + n % 600, NOW, NOW) for n in range(rows))
    assert insert_tasks(database, seed) == rows
    database.close()
    handler = log_to_file(container.settings, str(log_file))
    for name in TASK_LOGGERS:
        logging.getLogger(name).propagate = False  # the file only: no test handler keeps them
    report = attrs.evolve(container.log_tasks.report, batch_size=batch_size)
    watcher = Watcher(attrs.evolve(container.log_tasks, report=report))
    try:
        tracemalloc.start()
        tracemalloc.reset_peak()
        base = tracemalloc.get_traced_memory()[0]
        assert watcher.tick() == rows
        peak = tracemalloc.get_traced_memory()[1] - base
    finally:
        tracemalloc.stop()
        for name in TASK_LOGGERS:
            logging.getLogger(name).propagate = True
        stop_logging_to_file(handler)
    return peak


@pytest.mark.slow
def test_memory_follows_the_batch_size_not_the_row_count(
    settings: Settings, tmp_path: Path
) -> None:
    small = bootstrap(attrs.evolve(settings, database_url=f"sqlite:///{tmp_path}/small.db"))
    large = bootstrap(attrs.evolve(settings, database_url=f"sqlite:///{tmp_path}/large.db"))
    try:
        for made in (small, large):
            made.migrate()
        peak_1k = _peak_of_one_tick(small, 1_000, 200, tmp_path / "small.log")
        peak_100k = _peak_of_one_tick(large, 100_000, 200, tmp_path / "large.log")
    finally:
        small.close()
        large.close()
    assert peak_1k > 0
    assert peak_100k < 2 * peak_1k, (peak_1k, peak_100k)


def test_a_database_that_is_down_is_logged_and_the_next_tick_works(
    settings: Settings,
    tmp_path: Path,
    watch_records: list[logging.LogRecord],
) -> None:
    # The database's folder is a plain file: SQLite cannot open the database beneath it,
    # as when a volume is not mounted yet.
    folder = tmp_path / "volume"
    folder.write_text("not a folder")
    down = attrs.evolve(settings, database_url=f"sqlite:///{folder}/selteq.db")
    watching, admin = bootstrap(down), bootstrap(down)
    watcher = Watcher(watching.log_tasks)
    try:
        assert watcher.tick() is None
        [warning] = [r for r in watch_records if r.levelno == logging.WARNING]
        assert "database unavailable" in warning.getMessage()
        assert warning.exc_info is None

        folder.unlink()
        admin.migrate()
        user = admin.register_user("carol", "correct horse battery")
        for title in ("one", "two", "three"):
            admin.create_task(user.id.value, title, 10)

        assert watcher.tick() == 3
        messages = [r.getMessage() for r in watch_records]
        assert [m.split("title=")[1].split(" ")[0] for m in messages if " title=" in m] == [
            "'one'",
            "'two'",
            "'three'",
        ]
    finally:
        watching.close()
        admin.close()


def test_sigterm_stops_the_command_between_ticks(
    settings: Settings,
    container: Container,
    alice: tuple[User, list[Task]],
    processes: list[Process],
    tmp_path: Path,
) -> None:
    log_file = tmp_path / "tasks.log"
    args = [str(BIN / "selteq-watch"), "--interval", "3600", "--log-file", str(log_file)]
    watch = Process(args, job_env(settings), tmp_path, tmp_path / "watch.out")
    processes.append(watch)

    wait_for(lambda: "4 task(s) of every user" in watch.output(), "the first tick")
    watch.proc.send_signal(signal.SIGTERM)

    assert watch.proc.wait(timeout=30) == 0
    assert "Traceback" not in watch.output()
    assert log_file.read_text().count("title='Call Ada'") == 1
