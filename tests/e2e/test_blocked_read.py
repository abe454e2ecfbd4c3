"""A database read that cannot finish stalls its own request, never the worker.

PostgreSQL readers do not wait for row locks, so the read is held by a table lock
(``LOCK TABLE tasks IN ACCESS EXCLUSIVE MODE``, what a schema change takes) in a session
of the test's own. While alice's list waits on it, the same single worker process keeps
answering ``/health/live`` and another user's login.
"""

from __future__ import annotations

import concurrent.futures
import json
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from tests import services
from tests.integration.http.postgres import fresh_database

from .server import live_server

pytestmark = pytest.mark.slow

PASSWORD = "correct horse battery"


def call(url: str, method: str = "GET", body: Any = None, token: str = "") -> tuple[int, Any]:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method)  # noqa: S310
    request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=20) as response:  # noqa: S310
            text = response.read()
            return response.status, json.loads(text) if text else None
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def test_a_blocked_read_leaves_the_worker_answering(tmp_path: Path) -> None:
    driver = services.odbc_driver("PostgreSQL Unicode")
    with fresh_database() as name:
        url = f"postgresql://postgres@{services.POSTGRES_HOST}:{services.POSTGRES_PORT}/{name}"
        import pyodbc

        locker = pyodbc.connect(
            f"DRIVER={{{driver}}};SERVER={services.POSTGRES_HOST};"
            f"PORT={services.POSTGRES_PORT};DATABASE={name};UID=postgres"
        )
        try:
            with live_server(tmp_path, SELTEQ_DATABASE_URL=url) as server:
                api = server.url
                for user in ("alice", "bob"):
                    status, _ = call(
                        f"{api}/api/users/", "POST", {"username": user, "password": PASSWORD}
                    )
                    assert status == 201
                _, alice = call(
                    f"{api}/api/token/", "POST", {"username": "alice", "password": PASSWORD}
                )
                assert (
                    call(
                        f"{api}/api/tasks/",
                        "POST",
                        {"title": "t", "duration": 5},
                        alice["access_token"],
                    )[0]
                    == 201
                )

                locker.execute("LOCK TABLE tasks IN ACCESS EXCLUSIVE MODE")  # held until rollback
                with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
                    blocked = pool.submit(call, f"{api}/api/tasks/", token=alice["access_token"])
                    for _ in range(5):
                        assert call(f"{api}/health/live") == (200, {"status": "ok"})
                        status, session = call(
                            f"{api}/api/token/", "POST", {"username": "bob", "password": PASSWORD}
                        )
                        assert status == 200
                        assert session["access_token"]
                    assert not blocked.done()  # still waiting on the lock meanwhile
                    locker.rollback()
                    status, tasks = blocked.result(timeout=20)
                assert status == 200
                assert [task["title"] for task in tasks] == ["t"]
        finally:
            locker.close()
