"""Every command the README shows in its ``sh`` blocks, run here as a user types it.

The API walkthrough (the ``bash`` blocks) is run by ``test_readme.py``. Each ``sh`` line is
listed in ``COVERED`` with the test that runs it, and a README line missing from
``COVERED`` fails, so a command cannot be added to the README without being run.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from selteq_adapters.container import bootstrap
from selteq_adapters.settings import Settings

from .server import SECRET, free_port

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
SH_BLOCK = re.compile(r"^```sh\n(.*?)^```$", re.MULTILINE | re.DOTALL)
SCRIPTED_USER = (
    "SELTEQ_PASSWORD='correct horse battery' make user USERNAME=admin ARGS='--no-input --admin'"
)
EXPORT_REDIS = "export SELTEQ_REDIS_URL=redis://127.0.0.1:6379/0"
COVERED = {
    "make run": "test_make_run_serves_the_api",
    "make test": "test_make_test_is_what_ci_runs",
    "make user": "test_make_user_creates_users",
    SCRIPTED_USER: "test_make_user_creates_users",
    "make watch": "test_make_watch_logs_every_task",
    'make watch ARGS="--ticks 1"': "test_make_watch_logs_every_task",
    "make watch ARGS=--one-by-one": "test_make_watch_logs_every_task",
    EXPORT_REDIS: "test_the_worker_runs_what_the_scheduler_sends",
    "make worker": "test_the_worker_runs_what_the_scheduler_sends",
    "make scheduler": "test_the_worker_runs_what_the_scheduler_sends",
    "make help": "test_make_help_lists_the_readme_targets",
}
START_TIMEOUT = 120.0  # `make` first syncs the virtual environment


def readme_commands() -> list[str]:
    """The lines of the README's ``sh`` blocks, without their trailing comments."""
    lines = [line for block in SH_BLOCK.findall(README.read_text()) for line in block.splitlines()]
    return [re.sub(r"\s+#.*$", "", line).strip() for line in lines if line.strip()]


def user_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """A user's environment, with the database, log and port of this test only."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SELTEQ_")}
    env.update(
        SELTEQ_ENV="development",
        SELTEQ_JWT_SECRET=SECRET,
        SELTEQ_DATABASE_URL=f"sqlite:///{tmp_path}/selteq.db",
        SELTEQ_TASKS_LOG=str(tmp_path / "tasks.log"),
        SELTEQ_PORT=str(free_port()),
    )
    env.update(extra)
    return env


def shell(command: str, env: dict[str, str], stdin: str = "") -> subprocess.CompletedProcess[str]:
    """``command`` as typed in a shell at the repository's root; no terminal, so getpass
    reads the answers from stdin."""
    return subprocess.run(
        ["bash", "-c", command],
        cwd=ROOT,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
        start_new_session=True,
    )


@contextlib.contextmanager
def running(command: str, env: dict[str, str], log: Path) -> Iterator[Callable[[], str]]:
    """``command`` in the background for the block; yields a reader of its output so far.
    Its whole process group (make, uv and what they started) is killed afterwards."""
    with log.open("wb") as out:
        process = subprocess.Popen(
            ["bash", "-c", command],
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        yield lambda: log.read_text(errors="replace")
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)


def wait_until(check: Callable[[], bool], what: str, output: Callable[[], str]) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while not check():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}:\n{output()}")
        time.sleep(0.2)


def _ready(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/health/ready", timeout=2) as response:  # noqa: S310
            return bool(response.status == 200)
    except (OSError, urllib.error.URLError):
        return False


def _seed(env: dict[str, str]) -> None:
    """One user with one task, through the real adapters."""
    container = bootstrap(Settings.from_env(env))
    try:
        container.register_user("ada", "correct horse battery")
        container.create_task(1, "Call Ada", 45)
    finally:
        container.close()


def test_every_command_the_readme_shows_is_run_here() -> None:
    shown = readme_commands()
    assert "make run" in shown
    assert sorted(set(shown) - set(COVERED)) == []
    assert sorted(set(COVERED) - set(shown)) == []
    for test in COVERED.values():
        assert callable(globals().get(test)), test


@pytest.mark.slow
def test_make_run_serves_the_api(tmp_path: Path) -> None:
    env = user_env(tmp_path)
    url = f"http://127.0.0.1:{env['SELTEQ_PORT']}"
    with running("make run", env, tmp_path / "run.log") as output:
        wait_until(lambda: _ready(url), "make run to answer /health/ready", output)
    assert (tmp_path / "selteq.db").exists()
    assert "applied 0001_initial, 0002_user_roles" in output()


def test_make_test_is_what_ci_runs() -> None:
    """``make test`` is not run from inside the tests it runs: CI runs it."""
    ci = (ROOT / ".ci" / "run").read_text().strip().splitlines()
    assert ci[-1] == "make test"
    assert re.search(r"^test: lint\b", (ROOT / "Makefile").read_text(), re.MULTILINE)


@pytest.mark.slow
def test_make_user_creates_users(tmp_path: Path) -> None:
    env = user_env(tmp_path)
    migrated = shell("make migrate", env)
    assert migrated.returncode == 0, migrated.stderr
    prompted = shell(
        "make user", env, stdin="alice\ncorrect horse battery\ncorrect horse battery\n"
    )
    assert prompted.returncode == 0, prompted.stdout + prompted.stderr
    assert "created user alice with id 1" in prompted.stderr
    scripted = shell(SCRIPTED_USER, env)
    assert scripted.returncode == 0, scripted.stdout + scripted.stderr
    assert "created staff user admin with id 2" in scripted.stderr
    again = shell(SCRIPTED_USER, env)
    assert again.returncode != 0
    assert "taken" in again.stderr


@pytest.mark.slow
def test_make_watch_logs_every_task(tmp_path: Path) -> None:
    env = user_env(tmp_path)
    assert shell("make migrate", env).returncode == 0
    _seed(env)
    once = shell('make watch ARGS="--ticks 1"', env)
    assert once.returncode == 0, once.stdout + once.stderr
    assert "task 1 owner=1 title='Call Ada' duration=45" in once.stdout + once.stderr
    assert "1 task(s) of every user" in once.stdout + once.stderr
    walk = shell("make watch ARGS=--one-by-one", env)  # one task: no pause, then exit
    assert walk.returncode == 0, walk.stdout + walk.stderr
    assert "task 1 owner=1 title='Call Ada' duration=45" in walk.stdout + walk.stderr
    with running("make watch", env, tmp_path / "watch.log") as output:
        wait_until(lambda: "1 task(s) of every user" in output(), "make watch to log", output)
    assert "Call Ada" in (tmp_path / "tasks.log").read_text()


@pytest.mark.slow
def test_the_worker_runs_what_the_scheduler_sends(
    tmp_path: Path, redis_url: str, namespace: str
) -> None:
    exported = shell(f'{EXPORT_REDIS}; printf "%s" "$SELTEQ_REDIS_URL"', {"PATH": os.defpath})
    assert exported.stdout.startswith("redis://127.0.0.1:6379/")
    # The README's Redis, or the one the tests are given (SELTEQ_TEST_REDIS_URL).
    env = user_env(
        tmp_path,
        SELTEQ_REDIS_URL=redis_url,
        SELTEQ_BROKER_NAMESPACE=namespace,
        SELTEQ_REPORT_INTERVAL="1",
    )
    assert shell("make migrate", env).returncode == 0
    _seed(env)
    sent = re.compile(r"schedule \d+: report user 1's tasks due \S+ sent")
    with (
        running("make worker", env, tmp_path / "worker.log") as worker,
        running("make scheduler", env, tmp_path / "scheduler.log") as scheduler,
    ):
        wait_until(lambda: bool(sent.search(scheduler())), "a send", scheduler)
        wait_until(lambda: "1 task(s) of user 1" in worker(), "the worker's report", worker)
    assert "Call Ada" in worker()


def test_make_help_lists_the_readme_targets() -> None:
    listed = shell("make help", dict(os.environ))
    assert listed.returncode == 0, listed.stderr
    helped = set(re.findall(r"^\s*make (\S+)", listed.stdout, re.MULTILINE))
    section = README.read_text().split("## Make targets", 1)[1].split("\n## ", 1)[0]
    first_cells = re.findall(r"^\|([^|]*)\|", section, re.MULTILINE)
    documented = {t for cell in first_cells for t in re.findall(r"`make ([a-z-]+)`", cell)}
    assert documented | {"help"} == helped
