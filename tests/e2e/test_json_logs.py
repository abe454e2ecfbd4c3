"""SELTEQ_LOG_FORMAT=json across a whole run: selteq-api, the worker (selteq-worker),
selteq-scheduler and selteq-watch on the real Redis and one SQLite file. A user signs up,
logs in, refreshes, uses both access tokens and fails a login. Then every line every
process wrote is one JSON object with the documented fields, and no password, access
token, refresh token or password hash appears in any of it."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis

from tests import services

from .server import console_script, live_server, server_env

FIELDS = {"time", "level", "logger", "message", "request_id"}
ACCESS_FIELDS = FIELDS | {"method", "route", "status", "duration_ms", "client", "user_id"}
PASSWORD = "Tr0ub4dor&3-horse-staple"
WRONG_PASSWORD = "not-the-password-at-all"


def _call(url: str, method: str, path: str, body: Any = None, token: str = "") -> Any:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url + path, data=data, method=method)  # noqa: S310
    request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            text = response.read()
            return response.status, (json.loads(text) if text else None)
    except urllib.error.HTTPError as error:
        return error.code, None


class Job:
    def __init__(self, args: list[str], env: dict[str, str], cwd: Path, log: Path) -> None:
        self.log = log
        with log.open("wb") as out:
            self.proc = subprocess.Popen(args, env=env, cwd=cwd, stdout=out, stderr=out)

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            self.proc.wait(20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(10)


def _wait(check: Any, what: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.1)


@pytest.fixture
def namespace() -> Iterator[str]:
    client = redis.Redis.from_url(services.REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.RedisError as exc:
        services.missing(f"Redis at {services.REDIS_URL} is not reachable ({exc})")
    name = f"selteq-e2e-{uuid.uuid4().hex[:12]}"
    yield name
    for pattern in (f"{name}:*", f"selteq:tick:{name}*"):
        keys = list(client.scan_iter(match=pattern, count=500))
        if keys:
            client.delete(*keys)
    client.close()


def test_every_line_of_every_process_is_json_and_holds_no_secret(
    tmp_path: Path, namespace: str
) -> None:
    extra = {
        "SELTEQ_LOG_FORMAT": "json",
        "SELTEQ_REDIS_URL": services.REDIS_URL,
        "SELTEQ_BROKER_NAMESPACE": namespace,
        "SELTEQ_REPORT_INTERVAL": "1",
        # The limits live in the shared Redis, keyed by address: other runs count there too.
        "SELTEQ_SIGNUP_RATE": "1000/second",
        "SELTEQ_LOGIN_RATE": "1000/second",
        "SELTEQ_LOGIN_RATE_PER_ADDRESS": "1000/second",
    }
    secrets: dict[str, str] = {"password": PASSWORD, "wrong password": WRONG_PASSWORD}
    jobs: list[Job] = []
    with live_server(tmp_path, **extra) as server:
        env = server_env(tmp_path, 0, **extra)
        for name, module, args in (
            ("selteq-worker", "selteq_jobs.worker_cli", ["-p", "1", "-t", "1"]),
            ("selteq-scheduler", "selteq_jobs.scheduler", []),
            ("selteq-watch", "selteq_jobs.watch", ["--interval", "0.5"]),
        ):
            command = [*console_script(name, module), *args]
            jobs.append(Job(command, env, tmp_path, tmp_path / f"{name}.log"))

        url = server.url
        user = {"username": "ada", "password": PASSWORD}
        assert _call(url, "POST", "/api/users/", user)[0] == 201
        status, first = _call(url, "POST", "/api/token/", user)
        assert status == 200
        task = {"title": "Log me", "duration": 5}
        assert _call(url, "POST", "/api/tasks/", task, first["access_token"])[0] == 201
        refresh = {"refresh_token": first["refresh_token"]}
        status, second = _call(url, "POST", "/api/token/refresh/", refresh)
        assert status == 200, second
        assert _call(url, "GET", "/api/tasks/", token=second["access_token"])[0] == 200
        wrong = {"username": "ada", "password": WRONG_PASSWORD}
        assert _call(url, "POST", "/api/token/", wrong)[0] == 401
        for label, pair in (("first", first), ("second", second)):
            secrets[f"{label} access token"] = pair["access_token"]
            secrets[f"{label} refresh token"] = pair["refresh_token"]
            secrets[f"{label} access signature"] = pair["access_token"].rsplit(".", 1)[1]

        worker, scheduler, watcher = jobs
        _wait(lambda: "task(s) of user 1" in worker.output(), "the worker's report")
        _wait(lambda: "Log me" in watcher.output(), "the watcher to log the task")
        for job in jobs:
            job.stop(signal.SIGINT if job is scheduler else signal.SIGTERM)
        api_log = server.log()

    with sqlite3.connect(tmp_path / "selteq.db") as db:
        (stored_hash,) = db.execute("SELECT password_hash FROM users").fetchone()
    secrets["password hash"] = stored_hash

    logs = {"selteq-api": api_log, "tasks.log": (tmp_path / "tasks.log").read_text()}
    logs |= {job.log.stem: job.output() for job in jobs}
    access = 0
    for name, text in logs.items():
        lines = [line for line in text.splitlines() if line.strip()]
        assert lines, f"{name} wrote nothing"
        for line in lines:
            entry = json.loads(line)
            assert isinstance(entry, dict), (name, line)
            assert entry.keys() >= FIELDS, (name, line)
            if entry["logger"] == "selteq.http.access":
                access += 1
                assert entry.keys() >= ACCESS_FIELDS, line
        for label, secret in secrets.items():
            assert secret not in text, f"the {label} appears in the log of {name}"
    assert access >= 6
