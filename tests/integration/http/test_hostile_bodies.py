"""Bytes and shapes a client may send on every route that reads a body: each is a 4xx
problem that changes nothing, never a 500."""

from __future__ import annotations

import logging
from typing import Any

import anyio
import pytest

from selteq_http.contract.bodies import MAX_DEPTH

from .conftest import PASSWORD, Api, invalid_names, problem

JSON = "application/json"
FORM = "application/x-www-form-urlencoded"
BOUNDARY = "selteq-boundary"
MULTIPART = f"multipart/form-data; boundary={BOUNDARY}"
TOKEN_ROUTES = ("/api/token/", "/api/token/refresh/", "/api/token/revoke/")
TASK_ROUTES = ("/api/tasks/", "PUT task", "PATCH task")
FORMS_TAKEN = (*TOKEN_ROUTES, *TASK_ROUTES)
JSON_ONLY = ("/api/users/",)


def nested(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


def with_extra(extra: bytes) -> bytes:
    """A body whose fields are fine for every route, plus one member holding ``extra``."""
    return (
        b'{"username": "alice", "password": "correct horse battery", "refresh": "x",'
        b' "title": "ok", "duration": 5, "extra": ' + extra + b"}"
    )


BAD_JSON = {
    "invalid UTF-8 in a string": b'{"username": "al\xffice", "title": "a\xffb", "refresh": "\xff"}',
    "latin-1": '{"username": "josé", "title": "café", "refresh": "é"}'.encode("latin-1"),
    "a lone surrogate escape": b'{"username": "\\ud800", "title": "\\udc00", "refresh": "\\ud800"}',
    "nested 1,000 deep": with_extra(nested(1000)),
    "nested 30,000 deep": nested(30_000),
    f"nested {MAX_DEPTH + 1} deep": with_extra(nested(MAX_DEPTH)),
    "a number out of range": with_extra(b"1e400"),
    "an integer of 5,000 digits": with_extra(b"9" * 5000),
    "an overlong UTF-8 encoding": b'{"title": "\xc0\xaf", "username": "\xc0\xaf"}',
}


def multipart(*parts: tuple[str, bytes, str | None]) -> bytes:
    chunks = []
    for name, value, content_type in parts:
        head = f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n'
        if content_type:
            head += f"Content-Type: {content_type}\r\n"
        chunks.append(head.encode() + b"\r\n" + value + b"\r\n")
    return b"".join(chunks) + f"--{BOUNDARY}--\r\n".encode()


BAD_FORMS = {
    "a percent-escape that is not UTF-8": (FORM, b"username=al%FFice&password=x&refresh=%FF"),
    "raw latin-1 bytes": (FORM, "username=josé&refresh=é".encode("latin-1")),
    "a multipart value that is not UTF-8": (
        MULTIPART,
        multipart(("username", b"al\xffice", None), ("refresh", b"\xff", None)),
    ),
    "a multipart part in an unknown charset": (
        MULTIPART,
        multipart(("username", b"alice", "text/plain; charset=no-such-charset")),
    ),
}


def post(api: Api, route: str, body: bytes, content_type: str, headers: dict[str, str]) -> Any:
    if route.endswith(" task"):
        task = api.create(headers)
        before = api.snapshot()
        url = f"/api/tasks/{task['id']}/"
        response = api.client.request(
            route.split()[0], url, content=body, headers={**headers, "content-type": content_type}
        )
        return response, before
    before = api.snapshot()
    response = api.client.post(
        route, content=body, headers={**headers, "content-type": content_type}
    )
    return response, before


@pytest.mark.parametrize("route", [*FORMS_TAKEN, *JSON_ONLY])
def test_bad_json_is_a_400_naming_the_body_on_every_route(api: Api, route: str) -> None:
    headers = api.user("alice")
    for case, body in BAD_JSON.items():
        response, before = post(api, route, body, JSON, headers)
        assert invalid_names(problem(response, 400)) == {"body"}, case
        assert api.snapshot() == before, case


@pytest.mark.parametrize("route", [*FORMS_TAKEN, *JSON_ONLY])
def test_bad_forms_are_400_where_forms_are_taken_and_415_elsewhere(api: Api, route: str) -> None:
    headers = api.user("alice")
    for case, (content_type, body) in BAD_FORMS.items():
        response, before = post(api, route, body, content_type, headers)
        if route in FORMS_TAKEN:
            assert invalid_names(problem(response, 400)) == {"body"}, case
        else:
            problem(response, 415)
        assert api.snapshot() == before, case


def test_json_nested_up_to_the_limit_is_read(api: Api) -> None:
    headers = api.user("alice")
    body = with_extra(nested(MAX_DEPTH - 1))  # the object itself is the first level
    response = api.client.post(
        "/api/tasks/", content=body, headers={**headers, "content-type": JSON}
    )
    assert response.status_code == 201, response.text
    assert response.json()["title"] == "ok"


def test_a_multipart_login_is_accepted_and_a_repeated_field_refused(api: Api) -> None:
    api.sign_up("alice")
    fields = (("username", b"alice", None), ("password", PASSWORD.encode(), None))
    response = api.client.post(
        "/api/token/", content=multipart(*fields), headers={"content-type": MULTIPART}
    )
    assert response.status_code == 200, response.text
    twice = multipart(*fields, ("username", b"bob", None))
    response = api.client.post("/api/token/", content=twice, headers={"content-type": MULTIPART})
    assert invalid_names(problem(response, 400)) == {"username"}


def test_a_form_login_with_utf8_percent_escapes_is_read(api: Api) -> None:
    api.sign_up("jos\u00e9")
    body = f"username=jos%C3%A9&password={PASSWORD.replace(' ', '+')}".encode()
    response = api.client.post("/api/token/", content=body, headers={"content-type": FORM})
    assert response.status_code == 200, response.text


def test_every_bad_field_is_named_at_once(api: Api) -> None:
    headers = api.user("alice")
    response = api.client.post("/api/tasks/", json={"title": 5, "duration": "5"}, headers=headers)
    body = problem(response, 400)
    assert invalid_names(body) == {"title", "duration"}
    reasons = {param["name"]: param["reason"] for param in body["invalid_params"]}
    assert reasons == {"title": "must be a string", "duration": "must be a whole number"}


def test_a_client_gone_mid_body_is_logged_as_such_not_as_a_500(
    api: Api, caplog: pytest.LogCaptureFixture
) -> None:
    """Driven at the ASGI level: the body announces 100 bytes, sends 10, then the client
    disconnects."""
    headers = api.user("alice")
    caplog.set_level(logging.INFO)
    sent: list[dict[str, Any]] = []
    incoming: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return incoming.pop(0) if incoming else {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    raw_headers = [
        (b"content-type", JSON.encode()),
        (b"content-length", b"100"),
        (b"authorization", headers["Authorization"].encode()),
    ]
    for path in ("/api/tasks/", "/api/token/"):
        sent.clear()
        incoming[:] = [
            {"type": "http.request", "body": b'{"title": ', "more_body": True},
            {"type": "http.disconnect"},
        ]
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": "POST",
            "scheme": "http",
            "path": path,
            "raw_path": path.encode(),
            "root_path": "",
            "query_string": b"",
            "headers": raw_headers,
            "client": ("127.0.0.1", 50000),
            "server": ("testserver", 80),
            "state": {},
        }
        anyio.run(api.client.app, scope, receive, send)
        (start,) = [m for m in sent if m["type"] == "http.response.start"]
        assert start["status"] == 400
    assert any("disconnected" in r.getMessage() for r in caplog.records)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]
    access = [r.getMessage() for r in caplog.records if r.name == "selteq.http.access"]
    assert not [line for line in access if " 500 " in line]
