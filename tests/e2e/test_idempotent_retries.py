"""Twenty concurrent retries of one keyed create against two ``selteq-api`` processes on
one PostgreSQL database: exactly one task, twenty identical answers; and after both
servers restart, a retry still gets that answer."""

from __future__ import annotations

import threading
from pathlib import Path

import httpx
import pytest

from tests.integration.http.postgres import fresh_database

from .server import live_server

RETRIES = 20
PASSWORD = "correct horse battery"
KEY = {"Idempotency-Key": "3f1c2b9a-retry-after-timeout"}
BODY = {"title": "Pay the invoice", "duration": 15}


def _bearer(url: str, username: str, *, sign_up: bool) -> dict[str, str]:
    with httpx.Client(base_url=url, timeout=10) as http:
        if sign_up:
            http.post("/api/users/", json={"username": username, "password": PASSWORD})
        login = http.post("/api/token/", json={"username": username, "password": PASSWORD})
        return {"Authorization": f"Bearer {login.json()['token']}"}


def _retries(urls: list[str], headers: dict[str, str]) -> list[tuple[int, bytes, str]]:
    start = threading.Barrier(RETRIES, timeout=30)
    answers: list[tuple[int, bytes, str]] = []

    def retry(url: str) -> None:
        with httpx.Client(base_url=url, timeout=30) as http:
            start.wait()
            response = http.post("/api/tasks/", json=BODY, headers={**headers, **KEY})
            answers.append((response.status_code, response.content, response.headers["location"]))

    threads = [threading.Thread(target=retry, args=(urls[n % 2],)) for n in range(RETRIES)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return answers


def created_id(body: bytes) -> int:
    return int(httpx.Response(201, content=body).json()["id"])


@pytest.mark.slow
def test_concurrent_retries_on_two_servers_make_one_task(tmp_path: Path) -> None:
    for folder in ("one", "two", "again"):
        (tmp_path / folder).mkdir()
    with fresh_database() as name:
        env = {"SELTEQ_DATABASE_URL": f"postgresql://postgres@127.0.0.1:5432/{name}"}
        with (
            live_server(tmp_path / "one", **env) as one,
            live_server(tmp_path / "two", **env) as two,
        ):
            headers = _bearer(one.url, "alice", sign_up=True)
            answers = _retries([one.url, two.url], headers)
            assert len(answers) == RETRIES
            assert len(set(answers)) == 1, set(answers)
            status, body, location = answers[0]
            assert status == 201
            listed = httpx.get(f"{two.url}/api/tasks/", headers=headers).json()
            assert [task["id"] for task in listed] == [created_id(body)]
        with live_server(tmp_path / "again", **env) as again:
            headers = _bearer(again.url, "alice", sign_up=False)
            retried = httpx.post(f"{again.url}/api/tasks/", json=BODY, headers={**headers, **KEY})
            assert (retried.status_code, retried.content) == (status, body)
            assert retried.headers["location"] == location
            assert len(httpx.get(f"{again.url}/api/tasks/", headers=headers).json()) == 1
