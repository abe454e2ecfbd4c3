"""The Django project's own API tests (``tasks/tests.py``), case by case, as HTTP calls
against a real ``selteq-api``: tokens from ``/api/token/``'s ``token`` member and bodies
as multipart, as Django REST framework's ``APIClient`` sends them. Its ``setUp`` made two
users and three tasks in the database; here they are made through the API. Its
``Task.objects.count()`` is the tasks each user lists (everyone has fewer than four)."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

import attrs
import httpx
import pytest

from .server import LiveServer

_RUN = itertools.count(1)


def multipart(data: dict[str, object]) -> dict[str, tuple[None, str]]:
    """``data`` as APIClient's default multipart encoding sends it: every value as text."""
    return {name: (None, str(value)) for name, value in data.items()}


@attrs.frozen
class Seed:
    """The state the Django test case's ``setUp`` built, and a client for its calls."""

    http: httpx.Client
    user1: dict[str, str]
    user2: dict[str, str]
    task1: dict[str, Any]
    task2: dict[str, Any]
    task3: dict[str, Any]

    def count(self) -> int:
        return sum(
            len(self.http.get("/api/tasks/", headers=user).json())
            for user in (self.user1, self.user2)
        )


def _user(http: httpx.Client, username: str, password: str) -> dict[str, str]:
    created = http.post("/api/users/", json={"username": username, "password": password})
    assert created.status_code == 201, created.text
    login = http.post("/api/token/", files=multipart({"username": username, "password": password}))
    assert login.status_code == 200, login.text
    return {"Authorization": f"Bearer {login.json()['token']}"}


def _task(http: httpx.Client, user: dict[str, str], title: str, duration: int) -> dict[str, Any]:
    response = http.post(
        "/api/tasks/", files=multipart({"title": title, "duration": duration}), headers=user
    )
    assert response.status_code == 201, response.text
    task: dict[str, Any] = response.json()
    return task


@pytest.fixture
def seed(server: LiveServer) -> Iterator[Seed]:
    run = next(_RUN)
    with httpx.Client(base_url=server.url, timeout=10) as http:
        user1 = _user(http, f"testuser1_{run}", "testpassword1 river lamp")
        user2 = _user(http, f"testuser2_{run}", "testpassword2 quiet orchard")
        yield Seed(
            http,
            user1,
            user2,
            _task(http, user1, "Task 1", 30),
            _task(http, user1, "Task 2", 45),
            _task(http, user2, "Task 3", 60),
        )


def test_create_task(seed: Seed) -> None:
    data = {"title": "Test Task", "duration": 30}
    response = seed.http.post("/api/tasks/", files=multipart(data), headers=seed.user1)
    assert response.status_code == 201
    assert seed.count() == 4
    titles = [task["title"] for task in seed.http.get("/api/tasks/", headers=seed.user1).json()]
    assert titles.count("Test Task") == 1


def test_get_task_list(seed: Seed) -> None:
    for i in range(3):
        _task(seed.http, seed.user1, f"Extra Task {i}", 30)
    response = seed.http.get("/api/tasks/", headers=seed.user1)
    assert response.status_code == 200
    assert len(response.json()) == 4
    titles = [task["title"] for task in response.json()]
    assert all(f"Extra Task {i}" in titles for i in range(3))


def test_retrieve_task(seed: Seed) -> None:
    response = seed.http.get(f"/api/tasks/{seed.task1['id']}/", headers=seed.user1)
    assert response.status_code == 200
    assert response.json()["title"] == "Task 1"


def test_update_task(seed: Seed) -> None:
    data = {"title": "Updated Title", "duration": 60}
    url = f"/api/tasks/{seed.task1['id']}/"
    response = seed.http.put(url, files=multipart(data), headers=seed.user1)
    assert response.status_code == 200
    assert response.json()["title"] == "Updated Title"
    assert response.json()["duration"] == 30


def test_delete_task(seed: Seed) -> None:
    initial_count = seed.count()
    response = seed.http.delete(f"/api/tasks/{seed.task1['id']}/", headers=seed.user1)
    assert response.status_code == 204
    assert seed.count() == initial_count - 1


def test_delete_other_user_task(seed: Seed) -> None:
    initial_count = seed.count()
    response = seed.http.delete(f"/api/tasks/{seed.task3['id']}/", headers=seed.user1)
    assert response.status_code == 404
    assert seed.count() == initial_count


def test_unauthorized_access(seed: Seed) -> None:
    response = seed.http.get("/api/tasks/")
    assert response.status_code == 401


def test_cannot_access_other_users_task(seed: Seed) -> None:
    response = seed.http.get(f"/api/tasks/{seed.task3['id']}/", headers=seed.user1)
    assert response.status_code == 404


def test_a_wrong_password_answers_the_seeds_error(seed: Seed, server: LiveServer) -> None:
    """The seed's login view, which its tests did not cover: ``{"error": ...}`` on a 401."""
    response = seed.http.post("/api/token/", json={"username": "nobody", "password": "x" * 8})
    assert response.status_code == 401
    assert response.json()["error"] == "Invalid credentials"
    assert seed.http.get("/api/").json()["tasks"] == f"{server.url}/api/tasks/"
