"""A database that stops answering without closing anything (a frozen server, a network
that drops packets) costs a 503 within the deadline on every route, never a hang; the
live probe keeps answering throughout; and the service recovers without a restart.

PostgreSQL sits behind a relay the test holds: connections stay open and acknowledged,
nothing is forwarded, exactly what a client sees of a frozen server.
"""

from __future__ import annotations

import concurrent.futures
import json
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from tests import services
from tests.integration.http.postgres import fresh_database
from tests.integration.http.relay import Relay

from .server import live_server

pytestmark = pytest.mark.slow

PASSWORD = "correct horse battery"
DEADLINE = 6.0  # every route answers within this while the database is frozen
LIVE = 1.0  # and the live probe within this


def call(
    url: str, method: str = "GET", body: Any = None, token: str = ""
) -> tuple[int, Any, float]:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method)  # noqa: S310
    request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    started = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            text = response.read()
            status = response.status
            retry = None
    except urllib.error.HTTPError as error:
        text, status, retry = error.read(), error.code, error.headers.get("retry-after")
    elapsed = time.monotonic() - started
    parsed = json.loads(text) if text else None
    if status == 503:
        assert retry is not None
        assert int(retry) > 0
    return status, parsed, elapsed


def test_a_frozen_database_is_a_prompt_503_everywhere_then_recovers(tmp_path: Path) -> None:
    upstream = (services.POSTGRES_HOST, services.POSTGRES_PORT)
    with fresh_database() as name, Relay(upstream) as relay:
        url = f"postgresql://postgres@127.0.0.1:{relay.port}/{name}"
        with live_server(tmp_path, SELTEQ_DATABASE_URL=url) as server:
            api = server.url
            signup = {"username": "alice", "password": PASSWORD}
            assert call(f"{api}/api/users/", "POST", signup)[0] == 201
            status, session, _ = call(f"{api}/api/token/", "POST", signup)
            assert status == 200
            access, refresh = session["access_token"], session["refresh_token"]
            status, task, _ = call(
                f"{api}/api/tasks/", "POST", {"title": "kept", "duration": 5}, access
            )
            assert status == 201
            one = f"{api}/api/tasks/{task['id']}/"

            probes: list[float] = []
            probing = threading.Event()

            def probe_live() -> None:
                while not probing.is_set():
                    status, _, elapsed = call(f"{api}/health/live")
                    assert status == 200
                    probes.append(elapsed)
                    time.sleep(0.2)

            prober = threading.Thread(target=probe_live, daemon=True)
            prober.start()
            relay.hold()
            routes = [
                (f"{api}/api/tasks/", "GET", None, access),
                (f"{api}/api/tasks/", "POST", {"title": "t", "duration": 1}, access),
                (one, "GET", None, access),
                (one, "PUT", {"title": "renamed"}, access),
                (one, "DELETE", None, access),
                (f"{api}/api/token/", "POST", signup, ""),
                (f"{api}/api/token/refresh/", "POST", {"refresh_token": refresh}, ""),
                (f"{api}/api/token/revoke/", "POST", {"refresh_token": refresh}, ""),
                (f"{api}/api/users/", "POST", {"username": "bob", "password": PASSWORD}, ""),
                (f"{api}/health/ready", "GET", None, ""),
            ]
            try:
                time.sleep(1)
                with concurrent.futures.ThreadPoolExecutor(max_workers=len(routes)) as pool:
                    answers = list(pool.map(lambda route: call(*route), routes))
                # A second round, while the first round's calls still hold every connection.
                with concurrent.futures.ThreadPoolExecutor(max_workers=len(routes)) as pool:
                    answers += list(pool.map(lambda route: call(*route), routes))
            finally:
                relay.release()
            for (where, method, _, _), (status, _, elapsed) in zip(
                routes * 2, answers, strict=True
            ):
                assert status == 503, (method, where, status)
                assert elapsed < DEADLINE, (method, where, elapsed)

            deadline = time.monotonic() + 30
            while call(f"{api}/health/ready")[0] != 200:
                assert time.monotonic() < deadline, "no recovery without a restart"
                time.sleep(0.5)
            probing.set()
            prober.join(timeout=10)
            assert probes
            assert max(probes) < LIVE, max(probes)
            status, session, _ = call(f"{api}/api/token/", "POST", signup)
            assert status == 200
            status, tasks, _ = call(f"{api}/api/tasks/", token=session["access_token"])
            assert status == 200
            assert "kept" in [t["title"] for t in tasks]
