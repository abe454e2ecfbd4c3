"""Task routes through the real app: success, validation, ownership, trailing slashes."""

from __future__ import annotations

import re
from typing import Any

import pytest

from selteq_adapters.db import open_database
from selteq_adapters.settings import Settings
from selteq_core import UnitOfWork
from selteq_core.memory import ManualClock

from .conftest import Api, invalid_names, problem, running

RFC3339_Z = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$")


def test_create_get_rename_delete(api: Api) -> None:
    headers = api.user("alice")
    created = api.client.post(
        "/api/tasks/", json={"title": "  Write report ", "duration": 45}, headers=headers
    )
    assert created.status_code == 201
    task = created.json()
    assert set(task) == {"id", "title", "duration", "created_at", "updated_at"}
    assert (task["title"], task["duration"]) == ("Write report", 45)
    assert RFC3339_Z.match(task["created_at"])
    assert RFC3339_Z.match(task["updated_at"])

    assert api.client.get(f"/api/tasks/{task['id']}/", headers=headers).json() == task

    api.clock.advance(5)
    renamed = api.client.put(
        f"/api/tasks/{task['id']}/", json={"title": "Send report"}, headers=headers
    )
    assert renamed.status_code == 200
    assert renamed.json()["title"] == "Send report"
    assert renamed.json()["duration"] == 45
    assert renamed.json()["created_at"] == task["created_at"]
    assert renamed.json()["updated_at"] > task["updated_at"]

    deleted = api.client.delete(f"/api/tasks/{task['id']}/", headers=headers)
    assert deleted.status_code == 204
    assert deleted.content == b""
    problem(api.client.get(f"/api/tasks/{task['id']}/", headers=headers), 404)


def test_every_route_answers_without_the_trailing_slash(api: Api) -> None:
    api.sign_up("alice")
    token = api.client.post(
        "/api/token", json={"username": "alice", "password": "correct horse battery"}
    )
    assert token.status_code == 200
    headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
    task = api.client.post("/api/tasks", json={"title": "a", "duration": 1}, headers=headers).json()
    assert api.client.get("/api/tasks", headers=headers).json() == [task]
    assert api.client.get(f"/api/tasks/{task['id']}", headers=headers).status_code == 200
    assert (
        api.client.put(f"/api/tasks/{task['id']}", json={"title": "b"}, headers=headers).status_code
        == 200
    )
    assert api.client.delete(f"/api/tasks/{task['id']}", headers=headers).status_code == 204
    refreshed = api.client.post("/api/token/refresh", json={"refresh": token.json()["refresh"]})
    assert refreshed.status_code == 200
    assert (
        api.client.post(
            "/api/token/revoke", json={"refresh": refreshed.json()["refresh"]}
        ).status_code
        == 204
    )
    assert api.client.get("/health/live").status_code == 200
    assert api.client.get("/health/ready/").status_code == 200


def test_boundaries_are_accepted(api: Api) -> None:
    headers = api.user("alice")
    task = api.create(headers, title="t" * 200, duration=2_147_483_647)
    assert (len(task["title"]), task["duration"]) == (200, 2_147_483_647)
    assert api.create(headers, title="x", duration=1)["duration"] == 1


INVALID_BODIES: list[tuple[dict[str, Any], set[str]]] = [
    ({"title": "", "duration": 10}, {"title"}),
    ({"title": "   ", "duration": 10}, {"title"}),
    ({"title": "t" * 201, "duration": 10}, {"title"}),
    ({"title": 42, "duration": 10}, {"title"}),
    ({"title": None, "duration": 10}, {"title"}),
    ({"title": ["a"], "duration": 10}, {"title"}),
    ({"title": "ok", "duration": 0}, {"duration"}),
    ({"title": "ok", "duration": -5}, {"duration"}),
    ({"title": "ok", "duration": 2_147_483_648}, {"duration"}),
    ({"title": "ok", "duration": 10**30}, {"duration"}),
    ({"title": "ok", "duration": 1.5}, {"duration"}),
    ({"title": "ok", "duration": 60.0}, {"duration"}),
    ({"title": "ok", "duration": True}, {"duration"}),
    ({"title": "ok", "duration": "60"}, {"duration"}),
    ({"title": "ok", "duration": None}, {"duration"}),
    ({"title": "ok"}, {"duration"}),
    ({"duration": 10}, {"title"}),
    ({"title": "", "duration": 0}, {"title", "duration"}),
]


@pytest.mark.parametrize(("body", "fields"), INVALID_BODIES)
def test_invalid_fields_are_400_naming_them_and_change_nothing(
    api: Api, body: dict[str, Any], fields: set[str]
) -> None:
    headers = api.user("alice")
    before = api.snapshot()
    response = api.client.post("/api/tasks/", json=body, headers=headers)
    assert invalid_names(problem(response, 400)) == fields
    assert api.snapshot() == before


@pytest.mark.parametrize("body", [[], ["title"], "title", 5, None, {}])
def test_a_body_that_is_not_a_task_object_is_400(api: Api, body: object) -> None:
    headers = api.user("alice")
    before = api.snapshot()
    problem(api.client.post("/api/tasks/", json=body, headers=headers), 400)
    assert api.snapshot() == before


def test_rename_ignores_read_only_fields(api: Api) -> None:
    headers = api.user("alice")
    task = api.create(headers, duration=30)
    body = {
        "title": "New",
        "duration": 999,
        "id": 12345,
        "created_at": "2000-01-01T00:00:00Z",
        "owner": 7,
    }
    renamed = api.client.put(f"/api/tasks/{task['id']}/", json=body, headers=headers)
    assert renamed.status_code == 200
    assert renamed.json() | {"updated_at": None} == task | {"title": "New", "updated_at": None}


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"title": 5}, {"title"}),
        ({"title": ""}, {"title"}),
        ({"title": "t" * 201}, {"title"}),
        ({"duration": 10}, {"title"}),
        ([{"title": "x"}], {"body"}),
        ("x", {"body"}),
    ],
)
def test_invalid_renames_are_400_and_change_nothing(
    api: Api, body: object, fields: set[str]
) -> None:
    headers = api.user("alice")
    task = api.create(headers)
    before = api.snapshot()
    response = api.client.put(f"/api/tasks/{task['id']}/", json=body, headers=headers)
    assert invalid_names(problem(response, 400)) == fields
    assert api.snapshot() == before


def test_another_users_task_is_not_found_and_untouched(api: Api) -> None:
    alice = api.user("alice")
    bob = api.user("bob")
    task = api.create(alice)
    before = api.snapshot()
    url = f"/api/tasks/{task['id']}/"
    problem(api.client.get(url, headers=bob), 404)
    problem(api.client.put(url, json={"title": "mine now"}, headers=bob), 404)
    problem(api.client.delete(url, headers=bob), 404)
    assert api.client.get("/api/tasks/", headers=bob).json() == []
    assert api.snapshot() == before
    assert api.client.get(url, headers=alice).json() == task


@pytest.mark.parametrize("task_id", ["999999", "0", "-1", "99999999999999999999999", "abc"])
def test_a_missing_task_is_404_and_changes_nothing(api: Api, task_id: str) -> None:
    headers = api.user("alice")
    api.create(headers)
    before = api.snapshot()
    url = f"/api/tasks/{task_id}/"
    problem(api.client.get(url, headers=headers), 404)
    problem(api.client.put(url, json={"title": "x"}, headers=headers), 404)
    problem(api.client.delete(url, headers=headers), 404)
    assert api.snapshot() == before


def test_task_routes_need_a_token_before_anything_else(api: Api) -> None:
    headers = api.user("alice")
    task = api.create(headers)
    before = api.snapshot()
    url = f"/api/tasks/{task['id']}/"
    for response in (
        api.client.get("/api/tasks/"),
        api.client.post("/api/tasks/", json={"title": "x", "duration": 1}),
        api.client.post(
            "/api/tasks/", content=b"{broken", headers={"content-type": "application/json"}
        ),
        api.client.get(url),
        api.client.put(url, json={"title": "x"}),
        api.client.delete(url),
    ):
        problem(response, 401)
        assert response.headers["www-authenticate"].startswith("Bearer")
    assert api.snapshot() == before


@pytest.mark.parametrize(("recheck_after", "path"), [(60.0, "at once"), (0.0, "waiting")])
def test_reads_run_without_waiting_when_a_connection_is_warm(
    settings: Settings, clock: ManualClock, recheck_after: float, path: str
) -> None:
    """List and retrieve take the event loop's path when an idle connection is warm. When
    none is (here: every idle one is due for its recheck) the pool refuses at once and the
    same read runs in a thread, where the pool may wait, ping and reconnect."""
    calls: list[str] = []
    database = open_database(settings.database_url, recheck_after=recheck_after)

    def waiting() -> UnitOfWork:
        calls.append("waiting")
        return database.unit_of_work()

    def at_once() -> UnitOfWork:
        calls.append("at once")
        return database.unit_of_work_at_once()

    with running(settings, clock, database=database, uow=waiting, uow_at_once=at_once) as app:
        headers = app.user("alice")
        task = app.create(headers, title="read me", duration=5)
        del calls[:]
        assert app.client.get("/api/tasks/", headers=headers).json() == [task]
        assert app.client.get(f"/api/tasks/{task['id']}", headers=headers).json() == task
    expected = ["at once"] if path == "at once" else ["at once", "waiting"]
    assert calls == expected * 2


def test_reads_answer_the_callers_own_tasks(settings: Settings, clock: ManualClock) -> None:
    with running(settings, clock) as app:
        alice, bob = app.user("alice"), app.user("bob")
        tasks = [app.create(alice, title=f"t{n}", duration=n + 1) for n in range(5)]
        assert app.client.get("/api/tasks/", headers=alice).json() == tasks[:0:-1]
        assert app.client.get("/api/tasks/", headers=bob).json() == []
        url = f"/api/tasks/{tasks[0]['id']}"
        assert app.client.get(url, headers=alice).json() == tasks[0]
        problem(app.client.get(url, headers=bob), 404)
        problem(app.client.get("/api/tasks/987654", headers=alice), 404)
