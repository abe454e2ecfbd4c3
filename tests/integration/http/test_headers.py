"""Headers: Allow lists every method of a route, token answers are never cached, and no
answer lets a browser guess its type."""

from __future__ import annotations

import pytest

from .conftest import Api, bearer

ROUTES = {
    "/api/tasks/": {"GET", "POST", "OPTIONS"},
    "/api/tasks/1/": {"GET", "PUT", "PATCH", "DELETE", "OPTIONS"},
    "/api/token/": {"POST", "OPTIONS"},
    "/api/token/refresh/": {"POST", "OPTIONS"},
    "/api/users/": {"POST", "OPTIONS"},
    "/health/live": {"GET", "OPTIONS"},
}


def allowed(value: str) -> set[str]:
    return {method.strip() for method in value.split(",")}


@pytest.mark.parametrize(("path", "methods"), ROUTES.items())
def test_options_lists_every_method_of_the_route(api: Api, path: str, methods: set[str]) -> None:
    for variant in (path, path.rstrip("/")):
        response = api.client.options(variant)
        assert response.status_code == 204
        assert allowed(response.headers["allow"]) == methods


@pytest.mark.parametrize(
    ("method", "path"),
    [("DELETE", "/api/tasks/"), ("POST", "/api/tasks/1/"), ("GET", "/api/token/")],
)
def test_a_405_lists_every_method_of_the_route(api: Api, method: str, path: str) -> None:
    response = api.client.request(method, path)
    assert response.status_code == 405
    assert allowed(response.headers["allow"]) == ROUTES[path]


def test_token_answers_are_not_stored(api: Api) -> None:
    api.sign_up("alice")
    login = api.client.post(
        "/api/token/", json={"username": "alice", "password": "correct horse battery"}
    )
    refreshed = api.client.post("/api/token/refresh/", json={"refresh": login.json()["refresh"]})
    for response in (login, refreshed):
        assert response.status_code == 200
        assert response.headers["cache-control"] == "no-store"
        assert response.headers["pragma"] == "no-cache"


def test_every_answer_says_nosniff(api: Api) -> None:
    headers = api.user("alice")
    for response in (
        api.client.get("/health/live"),
        api.client.get("/api/tasks/", headers=headers),
        api.client.get("/api/tasks/"),  # 401
        api.client.get("/nowhere"),  # the router's 404
        api.client.delete("/api/tasks/"),  # the router's 405
        api.client.options("/api/tasks/"),
        api.client.post("/api/tasks/", content=b"\xff", headers=headers),  # 415
        api.client.get("/api/tasks/", headers={**bearer("x"), "authorization": "Bearer a, b"}),
        api.client.get("/schema/openapi.json"),
    ):
        assert response.headers["x-content-type-options"] == "nosniff", response.request.url
