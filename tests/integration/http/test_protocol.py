"""HTTP-level behaviour: problem documents for Litestar's own errors, body limits, content
types, request ids, the access log, and what never reaches a log or a response."""

from __future__ import annotations

import logging
import re

import attrs
import pytest

from selteq_adapters.container import Overrides
from selteq_adapters.logs import RequestIdFilter
from selteq_adapters.settings import Settings
from selteq_adapters.tokens import PyJwtTokenCodec
from selteq_core import TokenClaims
from selteq_core.memory import ManualClock

from .conftest import PASSWORD, Api, problem, running


def test_malformed_json_is_400_and_changes_nothing(api: Api) -> None:
    headers = api.user("alice")
    before = api.snapshot()
    for raw in (b"{", b'{"title": "x", "duration": 1', b"", b"\xff\xfe"):
        response = api.client.post(
            "/api/tasks/", content=raw, headers={**headers, "content-type": "application/json"}
        )
        problem(response, 400)
    assert api.snapshot() == before


def test_a_body_over_the_limit_is_413(settings: Settings, clock: ManualClock) -> None:
    with running(attrs.evolve(settings, max_body_bytes=1024), clock) as api:
        headers = api.user("alice")
        before = api.snapshot()
        big = {"title": "x" * 2000, "duration": 1}
        problem(api.client.post("/api/tasks/", json=big, headers=headers), 413)
        problem(
            api.client.post("/api/token/", json={"username": "alice", "password": "p" * 2000}), 413
        )
        assert api.snapshot() == before


@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/octet-stream", "application/xml"]
)
def test_a_wrong_content_type_is_415(api: Api, content_type: str) -> None:
    headers = api.user("alice")
    before = api.snapshot()
    body = b'{"title": "x", "duration": 1}'
    response = api.client.post(
        "/api/tasks/", content=body, headers={**headers, "content-type": content_type}
    )
    problem(response, 415)
    assert api.snapshot() == before


def test_json_with_a_charset_or_a_json_suffix_is_accepted(api: Api) -> None:
    headers = api.user("alice")
    for content_type in ("application/json; charset=utf-8", "application/merge-patch+json"):
        response = api.client.post(
            "/api/tasks/",
            content=b'{"title": "x", "duration": 1}',
            headers={**headers, "content-type": content_type},
        )
        assert response.status_code == 201, response.text


def test_an_unknown_route_is_a_404_problem(api: Api) -> None:
    body = problem(api.client.get("/api/nothing-here/"), 404)
    assert body["type"] == "about:blank"
    page = api.client.get("/nothing-here")  # "/" is the web app: a page, not a problem
    assert page.status_code == 404
    assert page.headers["content-type"].startswith("text/html")


def test_a_wrong_method_is_405_with_allow(api: Api) -> None:
    response = api.client.post("/api/tasks/1/")
    problem(response, 405)
    assert "PUT" in response.headers["allow"]
    problem(api.client.get("/api/token/"), 405)
    problem(api.client.delete("/api/tasks/"), 405)


def test_every_response_has_a_request_id(api: Api) -> None:
    generated = {
        api.client.get(path).headers["x-request-id"]
        for path in ("/health/live", "/nope", "/api/tasks/")
    }
    assert len(generated) == 3
    assert all(re.fullmatch(r"[0-9a-f]{32}", value) for value in generated)


def test_a_sane_incoming_request_id_is_kept_and_an_odd_one_replaced(api: Api) -> None:
    assert (
        api.client.get("/health/live", headers={"X-Request-ID": "abc.DEF_1-2"}).headers[
            "x-request-id"
        ]
        == "abc.DEF_1-2"
    )
    for odd in ("x" * 65, "has space", "semi;colon", "ünï"):
        echoed = api.client.get("/health/live", headers={"X-Request-ID": odd.encode()}).headers[
            "x-request-id"
        ]
        assert echoed != odd
        assert re.fullmatch(r"[0-9a-f]{32}", echoed)


def test_one_access_line_per_request_carrying_its_request_id(
    api: Api, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.handler.addFilter(RequestIdFilter())
    caplog.set_level(logging.INFO, logger="selteq.http.access")
    response = api.client.get("/api/tasks/", headers={"X-Request-ID": "trace-me"})
    lines = [r for r in caplog.records if r.name == "selteq.http.access"]
    assert len(lines) == 1
    (line,) = lines
    assert line.request_id == "trace-me" == response.headers["x-request-id"]
    assert line.getMessage().startswith("GET /api/tasks/ 401 ")
    assert re.search(r" \d+\.\dms client=\S+ user=\S+$", line.getMessage())


def test_no_secret_reaches_the_logs(api: Api, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    api.sign_up("alice")
    tokens = api.login("alice")
    api.client.post("/api/token/", json={"username": "alice", "password": "wrong-password-123"})
    api.client.get("/api/tasks/", headers={"Authorization": f"Bearer {tokens['access_token']}"})
    api.client.get("/api/tasks/", headers={"Authorization": f"Bearer {tokens['access_token']}x"})
    api.client.post("/api/token/refresh/", json={"refresh": tokens["refresh"]})
    logged = "\n".join(record.getMessage() + repr(record.__dict__) for record in caplog.records)
    for secret in (
        PASSWORD,
        "wrong-password-123",
        tokens["access_token"],
        tokens["refresh_token"],
        "$argon2",
    ):
        assert secret not in logged


class _BrokenCodec(PyJwtTokenCodec):
    """A codec with a bug: it blows up with an exception the core never raises."""

    def decode(self, token: str) -> TokenClaims:
        raise RuntimeError("codec bug: secret material would be here")


def test_an_unexpected_error_is_a_bare_500_logged_with_its_request_id(
    settings: Settings, clock: ManualClock, caplog: pytest.LogCaptureFixture
) -> None:
    codec = _BrokenCodec(
        settings.jwt_secret, issuer=settings.jwt_issuer, audience=settings.jwt_audience
    )
    with running(settings, clock, Overrides(codec=codec)) as api:
        caplog.handler.addFilter(RequestIdFilter())
        response = api.client.get("/api/tasks/", headers={"Authorization": "Bearer whatever"})
        body = problem(response, 500)
        assert "codec bug" not in response.text
        assert body["detail"] == "Internal server error."
        errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
        assert errors
        assert errors[0].exc_info is not None
        assert errors[0].request_id == response.headers["x-request-id"]
