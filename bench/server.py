"""The server under test: the real ``selteq-api`` process, configured like production.

``SELTEQ_ENV=production`` refuses SQLite, so SQLite runs use ``test`` with the same worker
count; everything else is the same. The server runs in its own session, its output goes
to a log file in the run's directory, and it is stopped (its workers too) on every exit.
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from types import TracebackType
from typing import Any

import attrs
import psutil

START_TIMEOUT = 60.0
STOP_TIMEOUT = 15.0
UNLIMITED = "1000000/second"
TARGET = "selteq_http.asgi:create"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def console_script(name: str) -> str:
    """The project's own console script, from the virtualenv running the harness."""
    return str(Path(sys.executable).parent / name)


@attrs.frozen
class ServerSpec:
    database_url: str
    env: str
    workers: int
    secret: str
    workdir: Path
    access_ttl: int
    server: str = "granian"
    target: str = TARGET
    extra_env: dict[str, str] = attrs.field(factory=dict)

    def argv(self, port: int) -> list[str]:
        """``selteq-api`` in production. Outside production it serves one process, so a
        SQLite run (and the profiler, and uvicorn for comparison) start the server's own CLI
        with the same factory and options and the run's worker count."""
        if self.env == "production" and self.server == "granian" and self.target == TARGET:
            return [console_script("selteq-api")]
        common = ["--host=127.0.0.1", f"--port={port}", f"--workers={self.workers}"]
        if self.server == "uvicorn":
            return [console_script("uvicorn"), "--factory", *common, "--no-access-log", self.target]
        return [
            console_script("granian"),
            "--interface=asgi",
            "--factory",
            *common,
            "--no-access-log",
            self.target,
        ]

    def environ(self, port: int) -> dict[str, str]:
        """The process environment: no SELTEQ_* from the caller's shell, only the run's."""
        base = {k: v for k, v in os.environ.items() if not k.startswith("SELTEQ_")}
        return {
            **base,
            "SELTEQ_ENV": self.env,
            "SELTEQ_DATABASE_URL": self.database_url,
            "SELTEQ_JWT_SECRET": self.secret,
            "SELTEQ_HOST": "127.0.0.1",
            "SELTEQ_PORT": str(port),
            "SELTEQ_WORKERS": str(self.workers),
            # Measure hashing, not 429s; and keep the minute report job out of the figures.
            "SELTEQ_LOGIN_RATE": UNLIMITED,
            "SELTEQ_LOGIN_RATE_PER_ADDRESS": UNLIMITED,
            "SELTEQ_ACCESS_TTL": str(self.access_ttl),
            "SELTEQ_REPORT_INTERVAL": "86400",
            "SELTEQ_TASKS_LOG": str(self.workdir / "tasks.log"),
            **self.extra_env,
        }


class Server:
    """``with Server(spec) as server:`` starts it and waits until /health/ready answers 200."""

    def __init__(self, spec: ServerSpec, log_name: str = "server.log") -> None:
        self.spec = spec
        self.port = free_port()
        self.log = spec.workdir / log_name
        self.process: subprocess.Popen[bytes] | None = None
        self.seen: dict[int, float] = {}
        self.start_seconds = 0.0

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> Server:
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                self.spec.argv(self.port),
                env=self.spec.environ(self.port),
                cwd=self.spec.workdir,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        started = time.monotonic()
        try:
            self._wait_ready()
            self.start_seconds = time.monotonic() - started
            self._remember()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def request(
        self, method: str, path: str, body: Any = None, token: str | None = None
    ) -> tuple[int, Any]:
        """One request with the standard library; returns (status, decoded JSON or None)."""
        headers = {"Accept": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        payload = None if body is None else json.dumps(body).encode()
        if payload is not None:
            headers["Content-Type"] = "application/json"
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            conn.request(method, path, body=payload, headers=headers)
            response = conn.getresponse()
            data = response.read()
        finally:
            conn.close()
        try:
            return response.status, json.loads(data) if data else None
        except ValueError:
            return response.status, None

    def log_tail(self, size: int = 3000) -> str:
        return self.log.read_bytes()[-size:].decode(errors="replace") if self.log.exists() else ""

    def _wait_ready(self) -> None:
        assert self.process is not None
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"selteq-api exited {self.process.returncode}:\n{self.log_tail()}"
                )
            try:
                if self.request("GET", "/health/ready")[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"selteq-api not ready after {START_TIMEOUT:.0f} s:\n{self.log_tail()}")

    def _remember(self) -> list[psutil.Process]:
        """The server's process tree now; every member is also kept in ``seen`` (pid: start
        time), so a caller can prove later that none of them outlived the run."""
        try:
            root = psutil.Process(self.pid)
            tree = [root, *root.children(recursive=True)]
        except psutil.Error:
            return []
        for process in tree:
            try:
                self.seen[process.pid] = process.create_time()
            except psutil.Error:
                continue
        return tree[1:]

    def stop(self) -> None:
        """SIGTERM to the server, then SIGKILL to whatever of its process tree is left."""
        if self.process is None:
            return
        tree = self._remember() if self.process.poll() is None else []
        tree += [p for p in _alive(self.seen) if p.pid != self.process.pid and p not in tree]
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        _, alive = psutil.wait_procs(tree, timeout=STOP_TIMEOUT)
        for child in alive:
            try:
                child.kill()
            except psutil.Error:
                continue
        psutil.wait_procs(alive, timeout=STOP_TIMEOUT)


def _alive(seen: dict[int, float]) -> list[psutil.Process]:
    """The processes of ``seen`` still running: same pid and same start time."""
    out = []
    for pid, started in seen.items():
        try:
            process = psutil.Process(pid)
            if process.create_time() == started and process.is_running():
                out.append(process)
        except psutil.Error:
            continue
    return out


def leftovers(seen: dict[int, float]) -> list[int]:
    return [p.pid for p in _alive(seen)]
