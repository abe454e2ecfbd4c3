"""Login, bearer checks, refresh rotation and logout through the real app."""

from __future__ import annotations

import base64
import json
import time
from typing import Any

import attrs
import pytest

from selteq_adapters.settings import Rate, Settings
from selteq_core.memory import ManualClock
from selteq_http.api.auth import bearer_token

from .conftest import PASSWORD, Api, bearer, invalid_names, problem, running


def _b64(data: dict[str, object]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def _unb64(part: str) -> dict[str, object]:
    decoded: dict[str, object] = json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
    return decoded


def _refused(api: Api, headers: dict[str, str]) -> list[Any]:
    """Reading and creating with these headers are both 401, and nothing is written."""
    before = api.snapshot()
    responses = [
        api.client.get("/api/tasks/", headers=headers),
        api.client.post("/api/tasks/", json={"title": "sneaky", "duration": 1}, headers=headers),
    ]
    for response in responses:
        problem(response, 401)
        assert response.headers["www-authenticate"].startswith("Bearer")
    assert api.snapshot() == before
    return responses


def test_login_returns_oauth2_and_simplejwt_fields(api: Api) -> None:
    api.sign_up("alice")
    response = api.client.post("/api/token/", json={"username": "alice", "password": PASSWORD})
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 300
    assert body["refresh_expires_in"] == api.container.settings.refresh_ttl
    assert body["access"] == body["access_token"]
    assert body["refresh"] == body["refresh_token"]
    assert body["access_token"] != body["refresh_token"]
    assert api.client.get("/api/tasks/", headers=bearer(body["access_token"])).status_code == 200


@pytest.mark.parametrize(
    "form",
    [
        {"username": "alice", "password": PASSWORD},
        {"grant_type": "password", "username": "alice", "password": PASSWORD, "scope": ""},
    ],
)
def test_login_accepts_forms_and_the_oauth2_password_grant(api: Api, form: dict[str, str]) -> None:
    api.sign_up("alice")
    response = api.client.post("/api/token", data=form)
    assert response.status_code == 200, response.text
    assert response.json()["token_type"] == "Bearer"


def test_login_refuses_another_grant_type(api: Api) -> None:
    api.sign_up("alice")
    before = api.snapshot()
    response = api.client.post(
        "/api/token/",
        data={"grant_type": "client_credentials", "username": "alice", "password": PASSWORD},
    )
    assert invalid_names(problem(response, 400)) == {"grant_type"}
    assert api.snapshot() == before


@pytest.mark.parametrize(
    "body",
    [
        {"username": "alice", "password": "wrong password"},
        {"username": "nobody", "password": PASSWORD},
    ],
)
def test_bad_credentials_are_401_and_change_nothing(api: Api, body: dict[str, str]) -> None:
    api.sign_up("alice")
    before = api.snapshot()
    response = api.client.post("/api/token/", json=body)
    problem(response, 401)
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert api.snapshot() == before


def test_login_names_missing_and_mistyped_fields(api: Api) -> None:
    before = api.snapshot()
    assert invalid_names(problem(api.client.post("/api/token/", json={"username": "a"}), 400)) == {
        "password"
    }
    response = api.client.post("/api/token/", json={"username": 5, "password": PASSWORD})
    assert invalid_names(problem(response, 400)) == {"username"}
    response = api.client.post(
        "/api/token/", content=b"{", headers={"content-type": "application/json"}
    )
    problem(response, 400)
    response = api.client.post(
        "/api/token/", content=b"alice", headers={"content-type": "text/plain"}
    )
    problem(response, 415)
    assert api.snapshot() == before


@pytest.fixture
def strict_settings(settings: Settings) -> Settings:
    """A short window: the limits count on the system's clock, so the test waits it out."""
    return attrs.evolve(settings, login_rate=Rate(3, 5))


def test_failed_logins_are_rate_limited_with_retry_after(
    strict_settings: Settings, clock: ManualClock
) -> None:
    with running(strict_settings, clock) as api:
        api.sign_up("alice")
        for _ in range(3):
            problem(
                api.client.post(
                    "/api/token/", json={"username": "alice", "password": "bad password"}
                ),
                401,
            )
        before = api.snapshot()
        limited = api.client.post("/api/token/", json={"username": "alice", "password": PASSWORD})
        problem(limited, 429)
        assert 1 <= int(limited.headers["retry-after"]) <= 5
        assert "www-authenticate" not in limited.headers
        assert api.snapshot() == before
        time.sleep(int(limited.headers["retry-after"]))
        deadline = time.monotonic() + 10
        while (
            answer := api.client.post(
                "/api/token/", json={"username": "alice", "password": PASSWORD}
            )
        ).status_code == 429 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert answer.status_code == 200


def test_missing_or_malformed_authorization_is_401(api: Api) -> None:
    for headers in (
        {},
        {"Authorization": "Bearer"},
        {"Authorization": "Basic YTpi"},
        {"Authorization": "Bearer x.y.z"},
    ):
        _refused(api, headers)


@pytest.mark.parametrize(
    ("headers", "token"),
    [
        ([(b"authorization", b"Bearer abc.def.ghi")], "abc.def.ghi"),
        ([(b"authorization", b"bEARER   abc.def.ghi  ")], "abc.def.ghi"),  # any case, spaces
        ([(b"authorization", b"Basic YTpi")], ""),
        ([(b"authorization", b"Bearer")], ""),
        ([(b"authorization", b"Bearerabc")], ""),
        ([(b"x-authorization", b"Bearer abc")], ""),
        ([], ""),
    ],
)
def test_the_bearer_token_is_read_from_the_authorization_header(
    headers: list[tuple[bytes, bytes]], token: str
) -> None:
    assert bearer_token({"headers": headers}) == token  # type: ignore[typeddict-item]


def test_a_lower_case_scheme_is_accepted(api: Api) -> None:
    token = api.user("alice")["Authorization"].removeprefix("Bearer ")
    response = api.client.get("/api/tasks/", headers={"authorization": f"bearer {token}"})
    assert response.status_code == 200


def test_a_presented_bad_token_is_called_invalid_token(api: Api) -> None:
    response = api.client.get("/api/tasks/", headers=bearer("not-a-token"))
    problem(response, 401)
    assert 'error="invalid_token"' in response.headers["www-authenticate"]


def test_an_expired_access_token_is_401(api: Api) -> None:
    headers = api.user("alice")
    assert api.client.get("/api/tasks/", headers=headers).status_code == 200
    api.clock.advance(301)
    for response in _refused(api, headers):
        assert 'error="invalid_token"' in response.headers["www-authenticate"]


def test_a_tampered_signature_is_401(api: Api) -> None:
    api.sign_up("alice")
    token = api.login("alice")["access_token"]
    head, payload, signature = token.split(".")
    flipped = signature[:-2] + ("AA" if signature[-2:] != "AA" else "BB")
    _refused(api, bearer(f"{head}.{payload}.{flipped}"))


def test_a_changed_payload_under_the_old_signature_is_401(api: Api) -> None:
    api.sign_up("alice")
    bob = api.sign_up("bob")
    token = api.login("alice")["access_token"]
    head, payload, signature = token.split(".")
    claims = _unb64(payload) | {"sub": str(bob)}
    _refused(api, bearer(f"{head}.{_b64(claims)}.{signature}"))


def test_alg_none_is_401(api: Api) -> None:
    api.sign_up("alice")
    _, payload, _ = api.login("alice")["access_token"].split(".")
    unsigned = f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{payload}."
    _refused(api, bearer(unsigned))


def test_a_refresh_token_is_not_an_access_token(api: Api) -> None:
    api.sign_up("alice")
    refresh = api.login("alice")["refresh_token"]
    _refused(api, bearer(refresh))


def test_an_access_token_is_not_a_refresh_token(api: Api) -> None:
    api.sign_up("alice")
    access = api.login("alice")["access_token"]
    before = api.snapshot()
    problem(api.client.post("/api/token/refresh/", json={"refresh_token": access}), 401)
    assert api.snapshot() == before


@pytest.mark.parametrize("field", ["refresh_token", "refresh"])
def test_refresh_rotates_and_reuse_revokes_the_family(api: Api, field: str) -> None:
    api.sign_up("alice")
    first = api.login("alice")
    rotated = api.client.post("/api/token/refresh/", json={field: first["refresh_token"]})
    assert rotated.status_code == 200, rotated.text
    second = rotated.json()
    assert second["refresh_token"] != first["refresh_token"]
    assert second["refresh"] == second["refresh_token"]
    assert api.client.get("/api/tasks/", headers=bearer(second["access_token"])).status_code == 200

    problem(api.client.post("/api/token/refresh/", json={field: first["refresh_token"]}), 401)
    problem(api.client.post("/api/token/refresh/", json={field: second["refresh_token"]}), 401)


def test_refresh_accepts_a_form(api: Api) -> None:
    api.sign_up("alice")
    first = api.login("alice")
    response = api.client.post(
        "/api/token/refresh",
        data={"grant_type": "refresh_token", "refresh_token": first["refresh_token"]},
    )
    assert response.status_code == 200, response.text


def test_refresh_without_a_token_names_the_field(api: Api) -> None:
    assert invalid_names(problem(api.client.post("/api/token/refresh/", json={}), 400)) == {
        "refresh_token"
    }
    assert invalid_names(problem(api.client.post("/api/token/revoke/", json={}), 400)) == {
        "refresh_token"
    }


@pytest.mark.parametrize("field", ["refresh_token", "refresh"])
def test_revoke_then_refresh_fails(api: Api, field: str) -> None:
    api.sign_up("alice")
    tokens = api.login("alice")
    response = api.client.post("/api/token/revoke/", json={field: tokens["refresh_token"]})
    assert response.status_code == 204
    assert response.content == b""
    problem(api.client.post("/api/token/refresh/", json={field: tokens["refresh_token"]}), 401)


def test_revoking_an_unknown_token_is_accepted_and_changes_nothing(api: Api) -> None:
    before = api.snapshot()
    assert api.client.post("/api/token/revoke", json={"refresh": "garbage"}).status_code == 204
    assert api.snapshot() == before
