"""The app over HTTP on SQL Server (Microsoft's ODBC Driver 18): the README's calls, a
conflict, the staff search with LIKE's wildcards, and the embedded purge job running clean
for full intervals. The repository contract suite covers each statement on both drivers;
this shows the pieces composed, as a deployment runs them."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import attrs
import pytest
from litestar.testing import TestClient

from selteq_adapters.container import Overrides, bootstrap
from selteq_adapters.settings import Settings
from selteq_core import KEY_TTL, PURGE_IDEMPOTENCY_KEYS
from selteq_core.memory import ManualClock
from selteq_http.server.app import create_app
from tests.integration.db.engines import MssqlServer, raw_connection

PASSWORD = "correct horse battery"
SECRET = "test-secret-that-is-at-least-32-bytes-long"


@pytest.fixture
def settings(mssql: MssqlServer) -> Settings:
    """Test settings on the session's SQL Server database, emptied for this test."""
    return Settings(env="test", database_url=mssql.migrated("mssql-odbc18"), jwt_secret=SECRET)


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient[Any]]:
    container = bootstrap(settings)
    container.migrate()
    container.register_user("root", PASSWORD, staff=True)
    with TestClient(create_app(container)) as made:
        yield made


def bearer(client: TestClient[Any], username: str) -> dict[str, str]:
    response = client.post("/api/token/", json={"username": username, "password": PASSWORD})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def test_the_readme_calls_answer_as_documented(client: TestClient[Any]) -> None:
    account = {"username": "alice", "password": PASSWORD}
    assert client.post("/api/users/", json=account).status_code == 201
    assert client.post("/api/users/", json=account).status_code == 409
    auth = bearer(client, "alice")
    keyed = {**auth, "Idempotency-Key": "report-1"}
    body = {"title": "Write the report", "duration": 45}
    created = client.post("/api/tasks/", json=body, headers=keyed)
    assert created.status_code == 201, created.text
    task_id = created.json()["id"]
    again = client.post("/api/tasks/", json=body, headers=keyed)
    assert (again.status_code, again.json()["id"]) == (201, task_id)
    listed = client.get("/api/tasks/", headers=auth)
    assert [task["id"] for task in listed.json()] == [task_id]
    read = client.get(f"/api/tasks/{task_id}/", headers=auth)
    assert read.json()["created_at"] == created.json()["created_at"]
    renamed = client.patch(
        f"/api/tasks/{task_id}/",
        json={"title": "Send the report"},
        headers={**auth, "If-Match": read.headers["etag"]},
    )
    assert (renamed.status_code, renamed.json()["title"]) == (200, "Send the report")
    stale = client.patch(
        f"/api/tasks/{task_id}/",
        json={"title": "Lost update"},
        headers={**auth, "If-Match": read.headers["etag"]},
    )
    assert stale.status_code == 412
    assert client.delete(f"/api/tasks/{task_id}/", headers=auth).status_code == 204
    assert client.get(f"/api/tasks/{task_id}/", headers=auth).status_code == 404


def test_the_staff_searches_match_wildcards_only_as_themselves(client: TestClient[Any]) -> None:
    for name in ("a_b", "axb"):
        assert client.post("/api/users/", json={"username": name, "password": PASSWORD})
    auth = bearer(client, "a_b")
    for title in ("50% done", "5 done", "[draft] plan", "d plan", "under_score", "underscore"):
        made = client.post("/api/tasks/", json={"title": title, "duration": 5}, headers=auth)
        assert made.status_code == 201, made.text
    root = bearer(client, "root")

    def search(kind: str, field: str, term: str) -> set[str]:
        found = client.get(f"/api/admin/{kind}/", params={"search": term}, headers=root)
        assert found.status_code == 200, found.text
        return {row[field] for row in found.json()}

    assert search("users", "username", "_") == {"a_b"}
    assert search("users", "username", "A") == {"a_b", "axb"}
    assert search("tasks", "title", "0%") == {"50% done"}
    assert search("tasks", "title", "[d") == {"[draft] plan"}
    assert search("tasks", "title", "R_S") == {"under_score"}


def test_the_purge_job_runs_clean_for_full_intervals(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    """The embedded schedules purge twice, a full interval apart, on SQL Server: the
    expired key goes, the fresh one stays, both runs succeed, and Selteq logs no warning
    on the way (no discarded connection, no failed purge)."""
    caplog.set_level(logging.INFO)
    clock = ManualClock(datetime.now(UTC))
    container = bootstrap(
        attrs.evolve(settings, purge_interval=1, report_interval=3600), Overrides(clock=clock)
    )
    container.migrate()
    user = container.register_user("keeper", PASSWORD).id.value
    container.create_task(user, "old", 5, "old-key")
    clock.advance(KEY_TTL.total_seconds() + 60)
    container.create_task(user, "fresh", 5, "fresh-key")

    def purges() -> list[str]:
        with raw_connection(settings.database_url) as db:
            rows = db.execute(
                "SELECT outcome FROM job_runs WHERE job = ? ORDER BY queued_at",
                PURGE_IDEMPOTENCY_KEYS,
            ).fetchall()
        return [str(row[0]).strip() for row in rows]

    with TestClient(create_app(container, background_jobs=True)):
        deadline = time.monotonic() + 30
        while purges().count("succeeded") < 2:
            assert time.monotonic() < deadline, "the purge job did not run twice"
            clock.advance(1)  # the schedules' clock: the purge falls due every second
            time.sleep(0.2)
    assert "failed" not in purges()
    with raw_connection(settings.database_url) as db:
        keys = [row[0] for row in db.execute("SELECT idem_key FROM idempotency_keys").fetchall()]
    assert keys == ["fresh-key"]
    # Selteq's own (APScheduler may skip a tick that a slow machine overran: not a fault).
    warnings = [
        r.getMessage()
        for r in caplog.records
        if r.levelno >= logging.WARNING and r.name.startswith("selteq")
    ]
    assert warnings == []
