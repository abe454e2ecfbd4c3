"""Validly signed tokens that still must not pass, forged with the real secret by PyJWT, and
tokens whose user is gone or deactivated, through the real app."""

from __future__ import annotations

import asyncio
import sqlite3
from typing import Any

import jwt
import pytest
from litestar.exceptions import ClientException

from selteq_adapters.container import Overrides
from selteq_adapters.db import open_database
from selteq_adapters.settings import Settings
from selteq_core import UnitOfWork
from selteq_core._authenticate import RECHECK_AFTER
from selteq_core.memory import ManualClock
from selteq_http.api.auth import bearer_token

from .conftest import Api, bearer, problem, running, sqlite_path


def forge(api: Api, sub: str, **claims: Any) -> dict[str, str]:
    """A bearer header for a token signed with the app's own secret: every claim right
    unless ``claims`` says otherwise."""
    settings = api.container.settings
    now = int(api.clock.now().timestamp())
    payload = {
        "sub": sub,
        "typ": "access",
        "jti": "forged",
        "iat": now,
        "exp": now + settings.access_ttl,
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
    } | claims
    return bearer(jwt.encode(payload, settings.jwt_secret, algorithm="HS256"))


def refused(api: Api, headers: dict[str, str]) -> None:
    """Reading and creating are both 401 with the challenge, and nothing is written."""
    before = api.snapshot()
    for response in (
        api.client.get("/api/tasks/", headers=headers),
        api.client.post("/api/tasks/", json={"title": "sneaky", "duration": 1}, headers=headers),
    ):
        problem(response, 401)
        assert response.headers["www-authenticate"].startswith("Bearer")
    assert api.snapshot() == before


def accepted(api: Api, headers: dict[str, str]) -> None:
    assert api.client.get("/api/tasks/", headers=headers).status_code == 200


def sql(settings: Settings, statement: str, *args: object) -> None:
    with sqlite3.connect(sqlite_path(settings)) as db:
        db.execute("PRAGMA foreign_keys = ON")
        db.execute(statement, args)


def test_a_forged_token_by_the_rules_is_accepted(api: Api) -> None:
    """The forge is right: what the other tests change is what makes them fail."""
    user = api.sign_up("alice")
    accepted(api, forge(api, str(user)))


def test_iat_or_nbf_beyond_the_leeway_is_refused(api: Api) -> None:
    user = str(api.sign_up("alice"))
    now = int(api.clock.now().timestamp())
    accepted(api, forge(api, user, iat=now + 30, exp=now + 330))
    accepted(api, forge(api, user, nbf=now + 30))
    refused(api, forge(api, user, iat=now + 31, exp=now + 331))
    refused(api, forge(api, user, nbf=now + 31))
    refused(api, forge(api, user, nbf="soon"))


def test_a_lifetime_longer_than_the_configured_one_is_refused(api: Api) -> None:
    user = str(api.sign_up("alice"))
    now = int(api.clock.now().timestamp())
    ttl = api.container.settings.access_ttl
    accepted(api, forge(api, user, iat=now - 10, exp=now + ttl - 10))
    refused(api, forge(api, user, iat=now - 10, exp=now + ttl - 9))
    refused(api, forge(api, user, iat=now - 86_000, exp=now + 400))


@pytest.mark.parametrize("sub", [" 1", "1 ", "\u0661", "1_0", "01", "+1", "0", "-1", "1.0"])
def test_a_subject_that_is_not_the_canonical_decimal_is_refused(api: Api, sub: str) -> None:
    assert api.sign_up("alice") == 1
    refused(api, forge(api, sub))


def test_a_user_that_never_existed_is_401_not_409(api: Api) -> None:
    api.sign_up("alice")
    refused(api, forge(api, "999"))


@pytest.mark.parametrize(
    "change",
    [
        "UPDATE users SET is_active = 0 WHERE id = ?",
        "DELETE FROM users WHERE id = ?",
    ],
)
def test_a_deactivated_or_deleted_users_token_is_refused(api: Api, change: str) -> None:
    user = api.sign_up("alice")
    headers = bearer(api.login("alice")["access_token"])
    sql(api.container.settings, change, user)
    refused(api, headers)


def test_a_user_deactivated_while_using_a_token_is_refused_within_the_recheck(
    api: Api,
) -> None:
    user = api.sign_up("alice")
    headers = bearer(api.login("alice")["access_token"])
    accepted(api, headers)
    sql(api.container.settings, "UPDATE users SET is_active = 0 WHERE id = ?", user)
    api.clock.advance(RECHECK_AFTER)
    refused(api, headers)


def test_the_user_is_read_off_the_event_loop(settings: Settings, clock: ManualClock) -> None:
    """Every unit of work records whether it was opened on a running event loop; the first
    one a request opens is the bearer check's read of the user."""
    on_loop: list[bool] = []
    database = open_database(settings.database_url)

    def recording() -> UnitOfWork:
        try:
            asyncio.get_running_loop()
            on_loop.append(True)
        except RuntimeError:
            on_loop.append(False)
        return database.unit_of_work()

    with running(settings, clock, Overrides(database=database, uow=recording)) as api:
        user = api.sign_up("alice")
        token = api.login("alice")["access_token"]
        del on_loop[:]
        response = api.client.post(
            "/api/tasks/", json={"title": "t", "duration": 1}, headers=bearer(token)
        )
        assert response.status_code == 201, response.text
        assert on_loop[0] is False
        assert user == 1


@pytest.mark.parametrize(
    "values", [("good", "garbage"), ("garbage", "good"), ("good", "good")], ids=str
)
def test_two_authorization_headers_are_a_400(api: Api, values: tuple[str, str]) -> None:
    good = api.user("alice")["Authorization"]
    headers = [("authorization", good if value == "good" else "Bearer x.y.z") for value in values]
    before = api.snapshot()
    for method in ("GET", "POST"):
        response = api.client.request(
            method, "/api/tasks/", json={"title": "t", "duration": 1}, headers=headers
        )
        problem(response, 400)
    assert api.snapshot() == before


@pytest.mark.parametrize(
    "headers",
    [
        [(b"authorization", b"Bearer one"), (b"authorization", b"Bearer two")],
        [(b"authorization", b"Basic YTpi"), (b"authorization", b"Bearer two")],
        [(b"authorization", b"Bearer one, Bearer two")],
    ],
)
def test_two_authorization_headers_as_the_server_passes_them_are_refused(
    headers: list[tuple[bytes, bytes]],
) -> None:
    """The test client joins repeated headers into one; a server passes them apart."""
    with pytest.raises(ClientException) as refused:
        bearer_token({"headers": headers})  # type: ignore[typeddict-item]
    assert refused.value.status_code == 400
