"""The hot lane (selteq_http.api.hot) answers the plain list, retrieve and create exactly
as the routes do: the same status, headers, body and access line, for answers and for errors,
while the framework still answers everything the lane must not (queries, HEAD,
conditional reads, tokens it cannot vouch for). Two apps over one database file, one with
the lane and one without, are asked the same things."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterator
from typing import Any

import attrs
import pytest
from litestar.enums import ScopeType
from litestar.testing import TestClient
from litestar.types import Receive, Scope, Send

from selteq_adapters.container import Overrides, bootstrap
from selteq_adapters.settings import Settings
from selteq_core import Unavailable
from selteq_core._authenticate import RECHECK_AFTER
from selteq_core.memory import ManualClock
from selteq_http.api.hot import HotLane
from selteq_http.facade.backend import STATE_KEY, Backend
from selteq_http.server import app as app_module
from selteq_http.server.app import create_app
from tests.integration.http.conftest import PASSWORD, bearer, snapshot, sqlite_path

TITLES = [
    "plain",
    'quotes " and \\ slash',
    "emoji \U0001f680 é",
    "\u202egnirts desrever",
    "x" * 200,
]


@attrs.define
class Pair:
    lane: TestClient[Any]
    framework: TestClient[Any]
    passed_on: list[str]
    """Paths the lane app's HotLane handed to Litestar."""

    def both(self, method: str, path: str, **kwargs: Any) -> tuple[Any, Any]:
        return (
            self.lane.request(method, path, **kwargs),
            self.framework.request(method, path, **kwargs),
        )


def backend_of(client: TestClient[Any]) -> Backend:
    backend: Backend = client.app.state[STATE_KEY]
    return backend


@pytest.fixture
def pair(settings: Settings, clock: ManualClock, monkeypatch: pytest.MonkeyPatch) -> Iterator[Pair]:
    overrides = Overrides(clock=clock)
    first = bootstrap(settings, overrides)
    first.migrate()
    lane_app = create_app(first)
    lane = lane_app.asgi_handler.app  # type: ignore[attr-defined]
    assert isinstance(lane, HotLane)  # on by default: no CORS, metrics or tracing
    passed_on: list[str] = []
    inner = lane.app

    async def counting(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == ScopeType.HTTP:
            passed_on.append(f"{scope['method']} {scope['path']}")
        await inner(scope, receive, send)

    lane.app = counting
    with monkeypatch.context() as patch:
        patch.setattr(app_module, "HotLane", lambda app, *_: app)
        framework_app = create_app(bootstrap(settings, overrides))
    assert not isinstance(framework_app.asgi_handler.app, HotLane)  # type: ignore[attr-defined]
    with TestClient(lane_app) as a, TestClient(framework_app) as b:
        yield Pair(a, b, passed_on)


def signed_in(pair: Pair, username: str) -> dict[str, str]:
    made = pair.framework.post("/api/users/", json={"username": username, "password": PASSWORD})
    assert made.status_code == 201, made.text
    token = pair.framework.post("/api/token/", json={"username": username, "password": PASSWORD})
    headers = bearer(token.json()["access_token"])
    # The lane vouches only for a user its process checked a moment ago: the first request
    # of a token goes to the route, which reads the user.
    assert pair.lane.get("/api/tasks/?limit=1", headers=headers).status_code == 200
    return headers


def same(lane: Any, framework: Any) -> None:
    assert lane.status_code == framework.status_code, (lane.text, framework.text)
    assert lane.content == framework.content

    def headers(response: Any) -> list[tuple[str, str]]:
        # Litestar lists a 405's allowed methods in no fixed order.
        return sorted(
            (k, ", ".join(sorted(v.split(", "))) if k == "allow" else v)
            for k, v in response.headers.multi_items()
            if k != "x-request-id"
        )

    assert headers(lane) == headers(framework)


def test_the_lane_answers_lists_and_reads_as_the_routes_do(pair: Pair) -> None:
    alice, bob = signed_in(pair, "alice"), signed_in(pair, "bob")
    nobody = signed_in(pair, "nobody")  # no tasks: an empty list, no Link
    ids = [
        pair.framework.post(
            "/api/tasks/", json={"title": title, "duration": 5 + n}, headers=alice
        ).json()["id"]
        for n, title in enumerate(TITLES)
    ]
    bobs = pair.framework.post("/api/tasks/", json={"title": "b", "duration": 1}, headers=bob)
    pair.passed_on.clear()
    served = [
        ("/api/tasks/", alice),
        ("/api/tasks", alice),
        ("/api/tasks/", nobody),
        *((f"/api/tasks/{task}/", alice) for task in ids),
        (f"/api/tasks/{ids[0]}", alice),
        (f"/api/tasks/{bobs.json()['id']}/", alice),  # another's task: 404
        ("/api/tasks/987654321/", alice),  # none such: 404
    ]
    for path, headers in served:
        lane, framework = pair.both("GET", path, headers=headers)
        same(lane, framework)
    assert pair.passed_on == []  # every one of them answered by the lane
    listed = pair.lane.get("/api/tasks/", headers=alice)
    assert [task["title"] for task in listed.json()] == TITLES[::-1][:4]
    assert 'rel="next"' in listed.headers["link"]


def test_what_the_lane_must_not_answer_goes_to_the_routes(pair: Pair) -> None:
    alice = signed_in(pair, "alice")
    task = pair.framework.post("/api/tasks/", json={"title": "t", "duration": 5}, headers=alice)
    tag = task.headers["etag"]
    pair.passed_on.clear()
    asked: list[tuple[str, str, dict[str, str]]] = [
        ("GET", "/api/tasks/?limit=2", alice),
        ("HEAD", "/api/tasks/", alice),
        ("GET", f"/api/tasks/{task.json()['id']}/", {**alice, "If-None-Match": tag}),
        ("GET", "/api/tasks/007/", alice),
        ("GET", "/api/tasks/", {}),
        ("GET", "/api/tasks/", {"Authorization": "Bearer not-a-token"}),
        ("GET", "/api/tasks/", {"Authorization": "Basic YWxpY2U6cHc="}),
    ]
    for method, path, headers in asked:
        lane, framework = pair.both(method, path, headers=headers)
        same(lane, framework)
    assert len(pair.passed_on) == len(asked)


def test_a_user_is_read_again_by_the_route_once_the_lane_may_not_vouch(
    pair: Pair, settings: Settings, clock: ManualClock
) -> None:
    alice = signed_in(pair, "alice")
    pair.passed_on.clear()
    assert pair.lane.get("/api/tasks/", headers=alice).status_code == 200
    assert pair.passed_on == []
    with sqlite3.connect(sqlite_path(settings)) as db:  # deactivated behind both apps' backs
        db.execute("UPDATE users SET is_active = 0 WHERE username = 'alice'")
    clock.advance(RECHECK_AFTER + 1)
    lane, framework = pair.both("GET", "/api/tasks/", headers=alice)
    assert pair.passed_on == ["GET /api/tasks/"]  # past the recheck: the route reads the user
    assert lane.status_code == 401
    same(lane, framework)
    pair.passed_on.clear()
    same(*pair.both("GET", "/api/tasks/", headers=alice))  # refused from memory now
    assert pair.passed_on == ["GET /api/tasks/"]


@pytest.mark.parametrize("error", [Unavailable("the database did not answer in time"), KeyError])
def test_errors_are_the_same_problem_documents(
    pair: Pair, monkeypatch: pytest.MonkeyPatch, error: Exception | type[Exception]
) -> None:
    alice = signed_in(pair, "alice")
    task = pair.framework.post("/api/tasks/", json={"title": "t", "duration": 5}, headers=alice)

    async def failing(*_: object) -> Any:
        raise error

    for client in (pair.lane, pair.framework):
        monkeypatch.setattr(backend_of(client), "newest_tasks", failing)
        monkeypatch.setattr(backend_of(client), "task", failing)
    pair.passed_on.clear()
    for path in ("/api/tasks/", f"/api/tasks/{task.json()['id']}/"):
        lane, framework = pair.both("GET", path, headers=alice)
        assert lane.status_code == (503 if isinstance(error, Unavailable) else 500)
        assert lane.headers["content-type"] == "application/problem+json"
        same(lane, framework)
    assert pair.passed_on == []


def test_the_access_line_names_the_route_and_the_caller(
    pair: Pair, caplog: pytest.LogCaptureFixture
) -> None:
    alice = signed_in(pair, "alice")
    task = pair.framework.post("/api/tasks/", json={"title": "t", "duration": 5}, headers=alice)
    pair.passed_on.clear()
    for path in ("/api/tasks/", f"/api/tasks/{task.json()['id']}/"):
        with caplog.at_level(logging.INFO, logger="selteq.http.access"):
            caplog.clear()
            pair.both("GET", path, headers=alice)
            lines = [r for r in caplog.records if r.name == "selteq.http.access"]
        assert len(lines) == 2
        fields = [
            (r.method, r.path, r.status, r.route, r.user_id, r.client)  # type: ignore[attr-defined]
            for r in lines
        ]
        assert fields[0] == fields[1]
        assert fields[0][4] is not None
    assert pair.passed_on == []


def test_the_lane_creates_as_the_route_does(pair: Pair, settings: Settings) -> None:
    alice = signed_in(pair, "alice")
    pair.passed_on.clear()
    for content_type in ("application/json", "application/json; charset=utf-8"):
        body = '{"title": "Write \u202e report", "duration": 30, "ignored": [1]}'
        headers = {**alice, "Content-Type": content_type}
        lane, framework = pair.both("POST", "/api/tasks/", content=body, headers=headers)
        assert (lane.status_code, framework.status_code) == (201, 201), lane.text
        made, also = lane.json(), framework.json()
        assert made.pop("id") != also.pop("id")
        assert made == also | {"created_at": made["created_at"], "updated_at": made["updated_at"]}
        assert lane.headers["location"] == f"/api/tasks/{lane.json()['id']}/"
        assert sorted(lane.headers) == sorted(framework.headers)
        assert (
            lane.headers["etag"]
            == pair.lane.get(lane.headers["location"], headers=alice).headers["etag"]
        )
    assert pair.passed_on == []
    keyed = {**alice, "Idempotency-Key": "k1"}  # the route keeps the key: it answers these
    answered = pair.lane.post("/api/tasks/", json={"title": "t", "duration": 5}, headers=keyed)
    assert answered.status_code == 201
    form = pair.lane.post("/api/tasks/", data={"title": "t", "duration": "5"}, headers=alice)
    assert form.status_code == 201  # forms are the route's: Django REST framework took them
    assert pair.passed_on == ["POST /api/tasks/"] * 2


REFUSED: list[tuple[str, bytes, dict[str, str]]] = [
    ("not JSON", b"{", {}),
    ("no title", b'{"duration": 5}', {}),
    ("text for a number", b'{"title": "t", "duration": "60"}', {}),
    ("a blank title", b'{"title": "   ", "duration": 5}', {}),
    ("too long", b'{"title": "%s", "duration": 5}' % (b"x" * 201), {}),
    ("too deep", b'{"title": "t", "duration": 5, "x": ' + b"[" * 40 + b"]" * 40 + b"}", {}),
    ("not UTF-8", b'{"title": "\xff", "duration": 5}', {}),
    ("XML", b"<task/>", {"Content-Type": "application/xml"}),
    ("too big", b'{"title": "t", "duration": 5, "pad": "%s"}' % (b"x" * 70_000), {}),
]


@pytest.mark.parametrize(("case", "body", "extra"), REFUSED, ids=[case for case, *_ in REFUSED])
def test_what_the_route_would_refuse_is_refused_in_its_words(
    pair: Pair, settings: Settings, case: str, body: bytes, extra: dict[str, str]
) -> None:
    alice = signed_in(pair, "alice")
    before = snapshot(settings)
    headers = {**alice, "Content-Type": "application/json", **extra}
    lane, framework = pair.both("POST", "/api/tasks/", content=body, headers=headers)
    same(lane, framework)
    assert 400 <= lane.status_code < 500, (case, lane.text)
    assert snapshot(settings) == before
