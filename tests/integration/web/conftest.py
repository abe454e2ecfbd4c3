"""The web app on the real app and container (a temporary SQLite file, argon2, pyjwt), driven
like a browser: a cookie jar, forms posted with the token the last page gave."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import attrs
import pytest
from litestar.testing import TestClient

from selteq_adapters.settings import Settings
from selteq_core.memory import ManualClock
from tests.integration.http.conftest import PASSWORD, Api, running, snapshot, sqlite_path

SESSION = "selteq_session"
_TOKEN = re.compile(r'name="_csrf_token" value="([^"]*)"')


def csrf_token(html: str) -> str:
    found = _TOKEN.search(html)
    assert found, "the page has no CSRF token"
    return found[1]


def _refused_back(path: str, response: Any) -> bool:
    """A refusal sent to a page to be shown there (post/redirect/get): the answer sets the
    flash cookie that carries it."""
    cookies = response.headers.get_list("set-cookie")
    return any(
        c.startswith("selteq_flash=") and not c.startswith("selteq_flash=;") for c in cookies
    )


@attrs.define
class Browser:
    """One browser: its own cookies, the CSRF token of the last page it read."""

    client: TestClient[Any]
    token: str = ""

    def get(self, path: str, status: int = 200) -> Any:
        response = self.client.get(path, follow_redirects=False)
        assert response.status_code == status, response.text
        if "_csrf_token" in response.text:
            self.token = csrf_token(response.text)
        return response

    def post(self, path: str, data: dict[str, str], status: int = 303, **extra: Any) -> Any:
        """Posts ``data`` with the page's token (``token=None`` leaves it out)."""
        token = extra.pop("token", self.token)
        form = data if token is None else {**data, "_csrf_token": token}
        response = self.client.post(path, data=form, follow_redirects=False, **extra)
        if response.status_code == 303 and status != 303 and _refused_back(path, response):
            return self.get(response.headers["location"], status=status)  # post/redirect/get
        assert response.status_code == status, response.text
        if "_csrf_token" in response.text:
            self.token = csrf_token(response.text)
        return response

    def sign_up(self, username: str, password: str = PASSWORD) -> None:
        self.get("/sign-up")
        self.post(
            "/sign-up",
            {"username": username, "password": password, "password_confirm": password},
        )

    def sign_in(self, username: str, password: str = PASSWORD) -> None:
        self.get("/sign-in")
        response = self.post("/sign-in", {"username": username, "password": password})
        assert response.headers["location"] == "/"

    def person(self, username: str) -> Browser:
        self.sign_up(username)
        self.sign_in(username)
        self.get("/")
        return self

    def create(self, title: str, duration: str = "30") -> None:
        self.get("/")
        self.post("/tasks", {"title": title, "duration": duration})

    @property
    def session(self) -> str:
        return str(self.client.cookies.get(SESSION, ""))


@attrs.define
class Web:
    api: Api
    settings: Settings

    def browser(self) -> Browser:
        """A second browser on the same app: its own cookie jar."""
        return Browser(TestClient(self.api.client.app, base_url=str(self.api.client.base_url)))

    def snapshot(self) -> dict[str, list[tuple[Any, ...]]]:
        return snapshot(self.settings)

    def task_ids(self) -> list[int]:
        return [row[0] for row in self.snapshot()["tasks"]]

    def deactivate(self, username: str) -> None:
        """The row's flag alone, written behind the app's back (no session revoked)."""
        with sqlite3.connect(sqlite_path(self.settings)) as db:
            db.execute("UPDATE users SET is_active = 0 WHERE username = ?", (username,))

    def staff(self, username: str = "root") -> int:
        """A staff user, made as ``selteq user --admin`` makes one."""
        user = self.api.container.register_user(username, PASSWORD, staff=True)
        return user.id.value

    def user_id(self, username: str) -> int:
        (found,) = [row[0] for row in self.snapshot()["users"] if row[1] == username]
        return int(found)

    def accounts_and_tasks(self) -> dict[str, list[tuple[Any, ...]]]:
        """Every table but the refresh tokens, which each signed-in page view rotates."""
        return {k: v for k, v in self.snapshot().items() if k != "refresh_tokens"}


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(datetime.now(UTC).replace(microsecond=0))


@pytest.fixture
def web(settings: Settings, clock: ManualClock) -> Iterator[Web]:
    with running(settings, clock) as api:
        yield Web(api, settings)


@pytest.fixture
def browser(web: Web) -> Browser:
    return Browser(web.api.client)
