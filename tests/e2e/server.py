"""The real ``selteq-api`` process on a free port and a temporary SQLite file."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import attrs

SECRET = "e2e-secret-that-is-at-least-32-bytes-long"
START_TIMEOUT = 30.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def server_env(workdir: Path, port: int, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SELTEQ_")}
    env.update(
        SELTEQ_ENV="development",
        SELTEQ_DATABASE_URL=f"sqlite:///{workdir}/selteq.db",
        SELTEQ_JWT_SECRET=SECRET,
        SELTEQ_HOST="127.0.0.1",
        SELTEQ_PORT=str(port),
        SELTEQ_TASKS_LOG=str(workdir / "tasks.log"),
    )
    env.update(extra)
    return env


def console_script(name: str, module: str) -> list[str]:
    """The installed entry point (what ``make run`` starts), or its module without one."""
    script = Path(sys.executable).with_name(name)
    return [str(script)] if script.exists() else [sys.executable, "-m", module]


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/health/live", timeout=1) as response:  # noqa: S310
            return bool(response.status == 200)
    except OSError:
        return False


@attrs.frozen
class LiveServer:
    url: str
    workdir: Path

    def log(self) -> str:
        """Everything the server wrote so far (its stdout and stderr)."""
        return (self.workdir / "server.log").read_text(errors="replace")


@contextlib.contextmanager
def live_server(workdir: Path, **extra_env: str) -> Iterator[LiveServer]:
    """``selteq migrate``, then ``selteq-api`` until the block ends (as ``make run`` does)."""
    port = free_port()
    env = server_env(workdir, port, **extra_env)
    subprocess.run(
        [*console_script("selteq", "selteq_adapters.cli"), "migrate"],
        cwd=workdir,
        env=env,
        check=True,
        capture_output=True,
        timeout=60,
    )
    log_path = workdir / "server.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            console_script("selteq-api", "selteq_http.server.serve"),
            cwd=workdir,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while not _answers(url):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"selteq-api did not start:\n{log_path.read_text()}")
            time.sleep(0.1)
        yield LiveServer(url, workdir)
    finally:
        _stop(process)


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
