"""The servers under test: a build's own ``selteq-api`` and ``selteq`` console scripts.

A build is the ``bin`` directory of a virtualenv: the one running the benchmark, another
worktree's ``.venv``, or a ``git worktree`` of another revision made for the run. Each
server runs in a session of its own, so stopping it stops its workers too.
"""

from __future__ import annotations

import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import attrs

START_TIMEOUT = 60.0
STOP_TIMEOUT = 15.0
UNLIMITED = "1000000/second"
LOGIN_ATTEMPTS = 5


@attrs.frozen
class Build:
    """Where one build's console scripts live; ``name`` labels its figures."""

    name: str
    bin: Path

    def script(self, name: str) -> str:
        return str(self.bin / name)

    def cli(self, env: dict[str, str], *args: str) -> None:
        """``selteq <args>`` of this build, e.g. ``migrate``; fails loudly."""
        argv = [self.script("selteq"), *args]
        done = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)
        if done.returncode:
            raise RuntimeError(f"selteq {' '.join(args)} exited {done.returncode}: {done.stderr}")


def current_build() -> Build:
    return Build("current", Path(sys.executable).parent)


def build_at(where: str, name: str = "before") -> Build:
    """A build from a Python executable (its directory) or a checkout (its ``.venv``)."""
    path = Path(where).absolute()
    scripts = path / ".venv" / "bin" if path.is_dir() else path.parent
    if not (scripts / "selteq-api").exists():
        raise SystemExit(f"bench: no selteq-api in {scripts} (run `uv sync` there first)")
    return Build(name, scripts)


@contextmanager
def worktree(rev: str) -> Iterator[Path]:
    """A ``git worktree`` of ``rev`` with its own ``.venv``, removed after the run."""
    path = Path(tempfile.mkdtemp(prefix="selteq-bench-rev-"))
    subprocess.run(["git", "worktree", "add", "--detach", "--force", str(path), rev], check=True)
    try:
        own = {"VIRTUAL_ENV", "PYTHONPATH", "UV_PROJECT_ENVIRONMENT"}
        env = {k: v for k, v in os.environ.items() if k not in own}
        subprocess.run([_uv(), "sync", "--frozen", "--quiet"], cwd=path, env=env, check=True)
        yield path
    finally:
        subprocess.run(["git", "worktree", "remove", "--force", str(path)], check=False)


def _uv() -> str:
    """uv from PATH, else the private copy ``make`` bootstraps into ``.tools/``."""
    found = shutil.which("uv")
    if found:
        return found
    private = Path(".tools/bin/uv").absolute()
    if private.exists():
        return str(private)
    raise SystemExit("bench: --compare needs uv (run `make install` first)")


def environ(url: str, env: str, secret: str, workdir: Path, **extra: str) -> dict[str, str]:
    """A process environment with no SELTEQ_* from the caller's shell, only the run's."""
    base = {k: v for k, v in os.environ.items() if not k.startswith("SELTEQ_")}
    return {
        **base,
        "SELTEQ_ENV": env,
        "SELTEQ_DATABASE_URL": url,
        "SELTEQ_JWT_SECRET": secret,
        # Measure hashing, not 429s; and keep the minute report job out of the figures.
        "SELTEQ_LOGIN_RATE": UNLIMITED,
        "SELTEQ_LOGIN_RATE_PER_ADDRESS": UNLIMITED,
        "SELTEQ_ACCESS_TTL": "86400",
        "SELTEQ_REPORT_INTERVAL": "86400",
        "SELTEQ_TASKS_LOG": str(workdir / "tasks.log"),
        **extra,
    }


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Server:
    """One ``selteq-api`` process: ``start()`` returns once /health/ready answers 200."""

    READY = "/health/ready"

    def __init__(self, build: Build, env: dict[str, str], log: Path) -> None:
        self.build, self.log, self.port = build, log, _free_port()
        self.env = {**env, "SELTEQ_HOST": "127.0.0.1", "SELTEQ_PORT": str(self.port)}
        self.process: subprocess.Popen[bytes] | None = None
        self.killed = False

    def argv(self) -> list[str]:
        return [self.build.script("selteq-api")]

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                self.argv(),
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        try:
            self._wait_ready()
        except BaseException:
            self.stop()
            raise

    def request(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        """One request with the standard library; (status, decoded JSON or None)."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            payload = None if body is None else json.dumps(body)
            conn.request(method, path, payload, {"Content-Type": "application/json"})
            response = conn.getresponse()
            data = response.read()
        finally:
            conn.close()
        return response.status, json.loads(data) if data.startswith(b"{") else None

    def login(self, name: str, password: str) -> str:
        """A real login's access token. A 503 is asked again: a server just started may
        still be opening its database connections (SQL Server's are slow to open), and
        these logins only prepare the load, they are not measured."""
        credentials = {"username": name, "password": password}
        for _ in range(LOGIN_ATTEMPTS - 1):
            status, body = self.request("POST", "/api/token/", credentials)
            if status != 503:
                break
            time.sleep(1.0)
        else:
            status, body = self.request("POST", "/api/token/", credentials)
        if status != 200 or "access_token" not in body:
            raise RuntimeError(f"login of {name} answered {status} {body}\n{self.log_tail()}")
        return str(body["access_token"])

    def log_tail(self) -> str:
        return self.log.read_bytes()[-3000:].decode(errors="replace")

    def _wait_ready(self) -> None:
        assert self.process is not None
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                code = self.process.returncode
                raise RuntimeError(f"selteq-api exited {code}:\n{self.log_tail()}")
            try:
                if self.request("GET", self.READY)[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"selteq-api not ready after {START_TIMEOUT:.0f} s:\n{self.log_tail()}")

    def stop(self) -> None:
        """SIGTERM to the server's process group (its workers too), SIGKILL to whatever of
        it is still there after STOP_TIMEOUT; ``killed`` records that it came to that."""
        if self.process is None:
            return
        group = self.process.pid  # the session leader's pid is its group's id
        _signal_group(group, signal.SIGTERM)
        deadline = time.monotonic() + STOP_TIMEOUT
        while time.monotonic() < deadline and (
            self.process.poll() is None or _signal_group(group, 0)
        ):
            time.sleep(0.1)
        self.killed = _signal_group(group, signal.SIGKILL)
        self.process.wait()


class FloorServer(Server):
    """The floor app (floor.py) under Granian with the settings ``selteq-api`` uses: the
    ASGI interface, HTTP/1, uvloop, the same number of workers."""

    READY = "/health/live"

    def __init__(self, build: Build, workers: int, log: Path) -> None:
        super().__init__(Build("floor", build.bin), {**os.environ}, log)
        self.env["PYTHONPATH"] = str(Path(__file__).parent.parent)
        self.workers = workers

    def argv(self) -> list[str]:
        return [
            *(self.build.script("python"), "-m", "granian"),
            *("--interface", "asgi", "--factory", "--http", "1", "--loop", "uvloop"),
            *("--workers", str(self.workers), "--host", "127.0.0.1", "--port", str(self.port)),
            *("--no-ws", "--log-level", "warning", "bench.floor:create"),
        ]


def _signal_group(group: int, signum: int) -> bool:
    """Send ``signum`` to the group; whether any process was there to receive it."""
    try:
        os.killpg(group, signum)
    except ProcessLookupError:
        return False
    return True
