"""Fixtures for the jobs against the real Redis, SQLite file and processes."""

from __future__ import annotations

import logging
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from selteq_adapters.settings import Settings
from selteq_jobs.watch import TASK_LOGGERS
from tests import services

BIN = Path(sys.executable).parent


def wait_for(check: Callable[[], bool], what: str, timeout: float = 20.0) -> None:
    """Poll until ``check()`` holds; fail naming ``what`` after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.05)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def job_env(settings: Settings, **extra: str) -> dict[str, str]:
    """The environment of a job process: this test's database and no developer defaults."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SELTEQ_")}
    env.update(
        SELTEQ_ENV="test",
        SELTEQ_DATABASE_URL=settings.database_url,
        SELTEQ_JWT_SECRET=settings.jwt_secret,
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


class Process:
    """A child process whose combined output goes to a file we can poll."""

    def __init__(self, args: list[str], env: dict[str, str], cwd: Path, log: Path) -> None:
        self.log = log
        self._out = log.open("wb")
        self.proc = subprocess.Popen(args, env=env, cwd=cwd, stdout=self._out, stderr=self._out)

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def stop(self, timeout: float = 15.0) -> int:
        if self.proc.poll() is None:
            self.proc.terminate()
        try:
            code = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            code = self.proc.wait(timeout)
        self._out.close()
        return code


@pytest.fixture
def processes() -> Iterator[list[Process]]:
    """Processes a test starts; any still running at the end are stopped."""
    started: list[Process] = []
    yield started
    for process in started:
        process.stop()


@pytest.fixture
def redis_server(tmp_path: Path, processes: list[Process]) -> Callable[[int], Process]:
    """Start a private ``redis-server`` on a given port (no persistence), as often as asked."""
    binary = shutil.which("redis-server")
    if binary is None:
        services.missing("redis-server is not installed")

    def start(port: int) -> Process:
        args = [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly"]
        args += ["no", "--daemonize", "no", "--dir", str(tmp_path)]
        server = Process(args, dict(os.environ), tmp_path, tmp_path / f"redis-{len(processes)}.log")
        processes.append(server)
        wait_for(lambda: services.port_open("127.0.0.1", port, 0.2), "redis-server to listen")
        return server

    return start


class Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def watch_records() -> Iterator[list[logging.LogRecord]]:
    """Records reaching the watcher's loggers themselves (they stop propagating while the
    command runs, so the collector is attached to them directly)."""
    collect = Collect()
    for name in TASK_LOGGERS:
        logging.getLogger(name).addHandler(collect)
    yield collect.records
    for name in TASK_LOGGERS:
        logging.getLogger(name).removeHandler(collect)
