"""The real app on the real container: a temporary SQLite file, argon2, pyjwt, the
in-process throttle. Time comes from a ManualClock the tests move."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import attrs
import pytest
from litestar.testing import TestClient

from selteq_adapters.container import Container, Overrides, bootstrap
from selteq_adapters.settings import Settings
from selteq_core.memory import ManualClock
from selteq_http.server.app import create_app

PASSWORD = "correct horse battery"


def sqlite_path(settings: Settings) -> Path:
    return Path(settings.database_url.removeprefix("sqlite:///"))


def snapshot(settings: Settings) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, read straight from the file: what "nothing changed" means."""
    with sqlite3.connect(f"file:{sqlite_path(settings)}?mode=ro", uri=True) as db:
        tables = [
            name
            for (name,) in db.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
            )
        ]
        return {
            table: db.execute(f'SELECT * FROM "{table}" ORDER BY 1').fetchall() for table in tables
        }


@attrs.define
class Api:
    """A client for the running app, with the shortcuts the tests repeat."""

    client: TestClient[Any]
    container: Container
    clock: ManualClock

    def sign_up(self, username: str, password: str = PASSWORD) -> int:
        response = self.client.post(
            "/api/users/", json={"username": username, "password": password}
        )
        assert response.status_code == 201, response.text
        return int(response.json()["id"])

    def login(self, username: str, password: str = PASSWORD) -> dict[str, Any]:
        response = self.client.post(
            "/api/token/", json={"username": username, "password": password}
        )
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    def user(self, username: str) -> dict[str, str]:
        """Sign up and log in; the bearer header for that user."""
        self.sign_up(username)
        return bearer(self.login(username)["access_token"])

    def create(
        self, headers: dict[str, str], title: str = "Write report", duration: int = 30
    ) -> dict[str, Any]:
        response = self.client.post(
            "/api/tasks/", json={"title": title, "duration": duration}, headers=headers
        )
        assert response.status_code == 201, response.text
        body: dict[str, Any] = response.json()
        return body

    def snapshot(self) -> dict[str, list[tuple[Any, ...]]]:
        return snapshot(self.container.settings)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def problem(response: Any, status: int) -> dict[str, Any]:
    """Assert an RFC 9457 problem with this status; return its body."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    assert {"type", "title", "detail"} <= body.keys()
    assert "Traceback" not in response.text
    return body


def invalid_names(body: dict[str, Any]) -> set[str]:
    return {param["name"] for param in body.get("invalid_params", [])}


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(datetime.now(UTC).replace(microsecond=0))


@contextmanager
def running(
    settings: Settings, clock: ManualClock, overrides: Overrides | None = None
) -> Iterator[Api]:
    """The app on a freshly migrated container; leaving it shuts the app (and container) down."""
    container = bootstrap(settings, attrs.evolve(overrides or Overrides(), clock=clock))
    container.migrate()
    with TestClient(create_app(container)) as client:
        yield Api(client, container, clock)


@pytest.fixture
def api(settings: Settings, clock: ManualClock) -> Iterator[Api]:
    with running(settings, clock) as app:
        yield app
