"""SIGINT and SIGTERM in bursts, at random moments, stop the real watcher and scheduler.

A terminal or ``timeout`` signals the whole process group, and ``uv run`` forwards the
signal again, so several arrive close together; a handler that took a lock the main
thread held used to leave the process waiting forever. Half the runs signal while the
process starts, half once its loop is running; every run must exit. Runs go a few at a
time: each waits mostly on its process starting, and the signals' moments stay random.
"""

from __future__ import annotations

import random
import signal
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from selteq_adapters.container import bootstrap
from selteq_adapters.settings import Settings

from .conftest import BIN, job_env

RUNS = 50
AT_ONCE = 4
READY = {"selteq-watch": "task(s) of every user", "selteq-scheduler": "sending the due schedules"}


@pytest.fixture(scope="module")
def migrated(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    folder = tmp_path_factory.mktemp("bursts")
    settings = Settings(
        env="test",
        database_url=f"sqlite:///{folder}/selteq.db",
        jwt_secret="burst-test-secret-that-is-32-bytes-or-more",
    )
    container = bootstrap(settings)
    container.migrate()
    container.close()
    return settings


def _burst(process: subprocess.Popen[bytes], rng: random.Random) -> None:
    for _ in range(rng.randint(2, 6)):
        process.send_signal(rng.choice([signal.SIGINT, signal.SIGTERM]))
        time.sleep(rng.uniform(0, 0.005))


def _wait_for_line(log: Path, text: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while text not in log.read_text(errors="replace"):
        assert process.poll() is None, log.read_text(errors="replace")
        assert time.monotonic() < deadline, f"never logged {text!r}"
        time.sleep(0.01)


def _run_once(prog: str, args: list[str], env: dict[str, str], cwd: Path, run: int) -> str | None:
    """None when the run's process exited on its burst, else what went wrong."""
    try:
        _signal_once(prog, args, env, cwd, run)
    except (AssertionError, subprocess.TimeoutExpired) as error:
        return f"{prog} run {run}: {error}"
    return None


def _every_run(prog: str, args: list[str], env: dict[str, str], cwd: Path) -> None:
    with ThreadPoolExecutor(AT_ONCE) as pool:
        found = pool.map(lambda run: _run_once(prog, args, env, cwd, run), range(RUNS))
        failures = [failure for failure in found if failure is not None]
    assert failures == []


def _signal_once(prog: str, args: list[str], env: dict[str, str], cwd: Path, run: int) -> None:
    rng = random.Random(f"{prog}-{run}")
    log = cwd / f"{prog}-{run}.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [str(BIN / prog), *args], env=env, cwd=cwd, stdout=out, stderr=out
        )
    try:
        if run % 2:
            _wait_for_line(log, READY[prog], process)
            time.sleep(rng.uniform(0, 0.3))
        else:
            time.sleep(rng.uniform(0, 0.6))
        _burst(process, rng)
        process.wait(timeout=5)  # raises, failing the run, if the process hangs
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


@pytest.mark.slow
def test_the_watcher_stops_on_any_burst(migrated: Settings, tmp_path: Path) -> None:
    env = job_env(migrated, SELTEQ_TASKS_LOG=str(tmp_path / "tasks.log"))
    _every_run("selteq-watch", ["--interval", "0.05"], env, tmp_path)


@pytest.mark.slow
def test_the_scheduler_stops_on_any_burst(
    migrated: Settings, namespace: str, redis_url: str, tmp_path: Path
) -> None:
    env = job_env(
        migrated,
        SELTEQ_REDIS_URL=redis_url,
        SELTEQ_BROKER_NAMESPACE=namespace,
        SELTEQ_REPORT_INTERVAL="1",
    )
    _every_run("selteq-scheduler", [], env, tmp_path)
