"""The database goes away and comes back: 503 with Retry-After meanwhile, then recovery
without a restart. PostgreSQL through pyodbc, behind a relay the test cuts and restores."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from selteq_adapters.logs import RequestIdFilter
from selteq_adapters.settings import Settings
from selteq_core.memory import ManualClock
from tests import services

from .conftest import PASSWORD, problem, running
from .postgres import fresh_database
from .relay import Relay


@pytest.fixture
def postgres_database() -> Iterator[str]:
    with fresh_database() as name:
        yield name


def test_database_down_is_503_then_recovers_without_restart(
    postgres_database: str, clock: ManualClock, caplog: pytest.LogCaptureFixture
) -> None:
    with Relay((services.POSTGRES_HOST, services.POSTGRES_PORT)) as relay:
        settings = Settings(
            env="test",
            database_url=f"postgresql://postgres@127.0.0.1:{relay.port}/{postgres_database}",
            jwt_secret="test-secret-that-is-at-least-32-bytes-long",
        )
        with running(settings, clock) as api:
            headers = api.user("alice")
            task = api.create(headers, title="survives", duration=5)

            relay.stop()
            caplog.handler.addFilter(RequestIdFilter())
            url = f"/api/tasks/{task['id']}/"
            for response in (
                api.client.get("/api/tasks/", headers=headers),
                api.client.post(
                    "/api/tasks/", json={"title": "lost", "duration": 1}, headers=headers
                ),
                api.client.get(url, headers=headers),
                api.client.put(url, json={"title": "lost"}, headers=headers),
                api.client.delete(url, headers=headers),
                api.client.post("/api/token/", json={"username": "alice", "password": PASSWORD}),
                api.client.post("/api/users/", json={"username": "bob", "password": PASSWORD}),
            ):
                body = problem(response, 503)
                assert int(response.headers["retry-after"]) > 0
                assert "Traceback" not in body["detail"]
                assert "postgres" not in response.text.lower()

            ready = api.client.get("/health/ready")
            assert ready.status_code == 503
            assert int(ready.headers["retry-after"]) > 0
            assert ready.json()["checks"]["database"] == "down"
            assert api.client.get("/health/live").status_code == 200
            warnings = [
                r
                for r in caplog.records
                if r.name == "selteq.ready" and r.levelno == logging.WARNING
            ]
            assert warnings[-1].request_id == ready.headers["x-request-id"]

            relay.start()
            assert api.client.get("/health/ready").status_code == 200
            assert api.client.get("/api/tasks/", headers=headers).json() == [task]
            assert api.client.get(url, headers=headers).json() == task
            assert api.create(headers, title="after", duration=2)["title"] == "after"
            assert api.login("alice")["token_type"] == "Bearer"
