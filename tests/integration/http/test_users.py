"""Sign-up: POST /api/users/."""

from __future__ import annotations

import attrs
import pytest

from selteq_adapters.settings import Rate, Settings
from selteq_core.memory import ManualClock

from .conftest import PASSWORD, Api, invalid_names, problem, running


def test_sign_up_creates_a_user_who_can_log_in(api: Api) -> None:
    response = api.client.post("/api/users/", json={"username": "alice", "password": PASSWORD})
    assert response.status_code == 201
    body = response.json()
    assert body == {"id": body["id"], "username": "alice"}
    assert isinstance(body["id"], int)
    assert "password" not in response.text
    assert api.login("alice")["token_type"] == "Bearer"


def test_a_taken_username_is_409(api: Api) -> None:
    api.sign_up("alice")
    before = api.snapshot()
    response = api.client.post(
        "/api/users", json={"username": "alice", "password": "another password"}
    )
    problem(response, 409)
    assert api.snapshot() == before


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"username": "alice", "password": "short"}, {"password"}),
        ({"username": "alice", "password": "x" * 1025}, {"password"}),
        ({"username": "", "password": PASSWORD}, {"username"}),
        ({"username": "no spaces", "password": PASSWORD}, {"username"}),
        ({"username": "a" * 151, "password": PASSWORD}, {"username"}),
        ({"username": "", "password": "short"}, {"username", "password"}),
        ({"username": "alice", "password": 12345678}, {"password"}),
        ({"password": PASSWORD}, {"username"}),
    ],
)
def test_invalid_sign_ups_name_their_fields_and_change_nothing(
    api: Api, body: dict[str, object], fields: set[str]
) -> None:
    before = api.snapshot()
    assert invalid_names(problem(api.client.post("/api/users/", json=body), 400)) == fields
    assert api.snapshot() == before


def test_sign_up_switched_off_is_404(settings: Settings, clock: ManualClock) -> None:
    closed = attrs.evolve(settings, signup=False)
    with running(closed, clock) as api:
        before = api.snapshot()
        response = api.client.post("/api/users/", json={"username": "alice", "password": PASSWORD})
        problem(response, 404)
        assert api.snapshot() == before
        paths = api.client.get("/schema/openapi.json").json()["paths"]
        assert "/api/users/" not in paths
        assert "/api/users/me/password" in paths  # changing a password is not signing up


def test_sign_ups_are_limited_per_client_address(settings: Settings, clock: ManualClock) -> None:
    strict = attrs.evolve(settings, signup_rate=Rate(2, 3600))
    with running(strict, clock) as api:
        api.sign_up("alice")
        taken = {"username": "alice", "password": PASSWORD}
        problem(api.client.post("/api/users/", json=taken), 409)  # counted too
        before = api.snapshot()
        fresh = {"username": "bob", "password": PASSWORD}
        limited = api.client.post("/api/users/", json=fresh)
        assert problem(limited, 429)["detail"] == "too many sign-ups from this address"
        assert 1 <= int(limited.headers["retry-after"]) <= 3600
        assert api.snapshot() == before
