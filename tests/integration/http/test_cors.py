"""CORS (``SELTEQ_CORS_ORIGINS``) on the real app and container over a SQLite file: the
preflight answered for an allowed origin only, actual answers readable by it, nothing at
all by default, and OPTIONS, ETags and the web app's CSRF as they were."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import attrs
import pytest

from selteq_adapters.settings import Settings
from selteq_core.memory import ManualClock
from tests.integration.http.conftest import Api, running
from tests.integration.web.conftest import Browser

ALLOWED = "https://app.example.com"
OTHER = "https://evil.example.net"
PREFLIGHT = {
    "Access-Control-Request-Method": "POST",
    "Access-Control-Request-Headers": "authorization, content-type, idempotency-key",
}


def cors_headers(response: Any) -> dict[str, str]:
    return {k: v for k, v in response.headers.items() if k.lower().startswith("access-control-")}


@pytest.fixture
def cors_api(settings: Settings, clock: ManualClock) -> Iterator[Api]:
    origins = (ALLOWED, "http://localhost:5173")
    with running(attrs.evolve(settings, cors_origins=origins), clock) as app:
        yield app


def test_a_preflight_from_an_allowed_origin_is_answered_with_what_it_may_send(
    cors_api: Api,
) -> None:
    response = cors_api.client.options("/api/tasks/", headers={"Origin": ALLOWED, **PREFLIGHT})
    assert response.status_code == 204
    assert response.headers["access-control-allow-origin"] == ALLOWED
    methods = {m.strip() for m in response.headers["access-control-allow-methods"].split(",")}
    assert {"GET", "POST", "PUT", "PATCH", "DELETE"} <= methods
    allowed = {h.strip() for h in response.headers["access-control-allow-headers"].split(",")}
    needed = {"authorization", "content-type", "idempotency-key", "if-match", "if-none-match"}
    assert needed <= allowed
    assert response.headers["access-control-max-age"] == "600"
    assert "access-control-allow-credentials" not in response.headers
    assert "origin" in response.headers["vary"].lower()


def test_a_preflight_from_another_origin_gets_no_cors_header(cors_api: Api) -> None:
    response = cors_api.client.options("/api/tasks/", headers={"Origin": OTHER, **PREFLIGHT})
    assert response.status_code == 400
    assert cors_headers(response) == {}
    asks_more = {**PREFLIGHT, "Access-Control-Request-Headers": "x-secret"}
    response = cors_api.client.options("/api/tasks/", headers={"Origin": ALLOWED, **asks_more})
    assert response.status_code == 400  # a header the API does not take is not offered


def test_an_allowed_origin_reads_the_answer_and_its_etag_and_location(cors_api: Api) -> None:
    headers = {**cors_api.user("ada"), "Origin": ALLOWED}
    created = cors_api.client.post(
        "/api/tasks/", json={"title": "Cross", "duration": 5}, headers=headers
    )
    assert created.status_code == 201
    assert created.headers["access-control-allow-origin"] == ALLOWED
    exposed = {
        h.strip().lower() for h in created.headers["access-control-expose-headers"].split(",")
    }
    assert {"etag", "location", "link", "retry-after"} <= exposed
    assert created.headers["etag"]
    assert created.headers["location"]
    assert "access-control-allow-credentials" not in created.headers

    listed = cors_api.client.get("/api/tasks/", headers=headers)
    assert listed.headers["access-control-allow-origin"] == ALLOWED
    assert "origin" in listed.headers["vary"].lower()


def test_another_origin_gets_the_answer_without_any_cors_header(cors_api: Api) -> None:
    headers = {**cors_api.user("ada"), "Origin": OTHER}
    response = cors_api.client.get("/api/tasks/", headers=headers)
    assert response.status_code == 200  # the browser, not the server, withholds it
    assert cors_headers(response) == {}
    assert "origin" in response.headers["vary"].lower()


def test_without_the_setting_no_answer_carries_a_cors_header(api: Api) -> None:
    headers = {**api.user("ada"), "Origin": ALLOWED}
    preflight = api.client.options("/api/tasks/", headers={"Origin": ALLOWED, **PREFLIGHT})
    assert cors_headers(preflight) == {}
    assert preflight.headers["allow"] == "GET, OPTIONS, POST"
    created = api.client.post(
        "/api/tasks/", json={"title": "Cross", "duration": 5}, headers=headers
    )
    assert created.status_code == 201
    assert cors_headers(created) == {}
    assert "vary" not in created.headers


def test_options_without_an_origin_still_lists_the_allowed_methods(cors_api: Api) -> None:
    response = cors_api.client.options("/api/tasks/1/")
    assert response.status_code == 204
    assert response.headers["allow"] == "DELETE, GET, OPTIONS, PATCH, PUT"
    assert cors_headers(response) == {}


def test_conditional_requests_from_an_allowed_origin_work_as_before(cors_api: Api) -> None:
    headers = {**cors_api.user("ada"), "Origin": ALLOWED}
    task = cors_api.create(headers)
    url = f"/api/tasks/{task['id']}/"
    etag = cors_api.client.get(url, headers=headers).headers["etag"]
    unchanged = cors_api.client.get(url, headers={**headers, "If-None-Match": etag})
    assert unchanged.status_code == 304
    assert unchanged.headers["access-control-allow-origin"] == ALLOWED
    stale = cors_api.client.put(
        url, json={"title": "New"}, headers={**headers, "If-Match": '"stale"'}
    )
    assert stale.status_code == 412
    assert stale.headers["access-control-allow-origin"] == ALLOWED


def test_the_web_app_still_refuses_a_form_without_its_csrf_token(cors_api: Api) -> None:
    browser = Browser(cors_api.client)
    browser.sign_up("ada")
    browser.sign_in("ada")
    browser.get("/")
    same_origin = {"Origin": str(cors_api.client.base_url)}
    browser.post("/tasks", {"title": "Mine", "duration": "5"}, headers=same_origin)
    forged = browser.post(
        "/tasks",
        {"title": "Forged", "duration": "5"},
        status=403,
        token=None,
        headers={"Origin": ALLOWED},
    )
    assert "access-control-allow-credentials" not in forged.headers
    with_token = browser.post(
        "/tasks", {"title": "Cross", "duration": "5"}, headers={"Origin": OTHER}
    )
    assert cors_headers(with_token) == {}
    assert "Mine" in browser.get("/").text
    assert "Forged" not in browser.get("/").text


def test_star_allows_any_origin_outside_production(settings: Settings, clock: ManualClock) -> None:
    with running(attrs.evolve(settings, cors_origins=("*",)), clock) as app:
        response = app.client.options("/api/tasks/", headers={"Origin": OTHER, **PREFLIGHT})
        assert response.status_code == 204
        assert response.headers["access-control-allow-origin"] == "*"
