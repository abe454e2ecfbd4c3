"""POST /api/tasks/ with an Idempotency-Key, through the real app on SQLite: a retry gets
the first answer (status, body, Location) and creates nothing; the key is the user's own;
another body is a 422; a restart forgets nothing."""

from __future__ import annotations

from selteq_adapters.settings import Settings
from selteq_core.memory import ManualClock

from .conftest import Api, bearer, invalid_names, problem, running

KEY = {"Idempotency-Key": "8e03978e-40d5-43e8-bc93-6894a57f9324"}


def test_a_retry_answers_the_first_create_and_creates_nothing(api: Api) -> None:
    headers = {**api.user("alice"), **KEY}
    body = {"title": "Report", "duration": 30}
    first = api.client.post("/api/tasks/", json=body, headers=headers)
    assert first.status_code == 201, first.text
    assert first.headers["location"] == f"/api/tasks/{first.json()['id']}/"
    api.clock.advance(5)
    api.client.put(first.headers["location"], json={"title": "Renamed"}, headers=headers)
    before = api.snapshot()
    again = api.client.post("/api/tasks/", json=body, headers=headers)
    assert (again.status_code, again.content) == (201, first.content)
    assert again.headers["location"] == first.headers["location"]
    form = api.client.post(
        "/api/tasks/", data={"title": "Report", "duration": "30"}, headers=headers
    )
    assert form.content == first.content  # the same request in another encoding
    assert api.snapshot() == before


def test_the_same_key_with_another_body_is_a_422_that_changes_nothing(api: Api) -> None:
    headers = {**api.user("alice"), **KEY}
    api.client.post("/api/tasks/", json={"title": "Report", "duration": 30}, headers=headers)
    before = api.snapshot()
    response = api.client.post(
        "/api/tasks/", json={"title": "Report", "duration": 31}, headers=headers
    )
    assert problem(response, 422)["type"] == "urn:selteq:problem:idempotency-key-reused"
    assert api.snapshot() == before


def test_keys_are_each_users_own_and_a_quoted_key_is_the_same_key(api: Api) -> None:
    alice, bob = api.user("alice"), api.user("bob")
    body = {"title": "Report", "duration": 30}
    mine = api.client.post("/api/tasks/", json=body, headers={**alice, **KEY}).json()
    theirs = api.client.post("/api/tasks/", json=body, headers={**bob, **KEY}).json()
    assert mine["id"] != theirs["id"]
    quoted = {"Idempotency-Key": f'"{KEY["Idempotency-Key"]}"'}
    assert api.client.post("/api/tasks/", json=body, headers={**alice, **quoted}).json() == mine


def test_a_bad_key_is_a_400_naming_it(api: Api) -> None:
    headers = api.user("alice")
    before = api.snapshot()
    for key in ("x" * 256, "two words"):
        response = api.client.post(
            "/api/tasks/",
            json={"title": "Report", "duration": 30},
            headers={**headers, "Idempotency-Key": key},
        )
        assert invalid_names(problem(response, 400)) == {"idempotency_key"}, response.text
    assert api.snapshot() == before


def test_a_retry_after_a_restart_gets_the_same_answer(
    settings: Settings, clock: ManualClock
) -> None:
    with running(settings, clock) as api:
        api.sign_up("alice")
        headers = {**bearer(api.login("alice")["access_token"]), **KEY}
        first = api.client.post("/api/tasks/", json={"title": "R", "duration": 1}, headers=headers)
    with running(settings, clock) as api:
        headers = {**bearer(api.login("alice")["access_token"]), **KEY}
        again = api.client.post("/api/tasks/", json={"title": "R", "duration": 1}, headers=headers)
        assert (again.status_code, again.content) == (201, first.content)
        assert len(api.client.get("/api/tasks/", headers=headers).json()) == 1
