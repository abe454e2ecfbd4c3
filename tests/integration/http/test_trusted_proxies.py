"""Behind a proxy, the login throttle and the access log see the client the proxy names,
and only when that proxy is trusted (SELTEQ_TRUSTED_PROXIES). The app is driven through
httpx's ASGI transport, which lets the test choose the TCP peer's address."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator

import attrs
import httpx
import pytest

from selteq_adapters.container import Container, bootstrap
from selteq_adapters.settings import Settings
from selteq_http.server.app import create_app

from .conftest import PASSWORD

PROXY = "10.0.0.1"
CLIENT_A, CLIENT_B = "198.51.100.1", "198.51.100.2"


@pytest.fixture
def behind(settings: Settings) -> Iterator[Container]:
    container = bootstrap(attrs.evolve(settings, trusted_proxies=(f"{PROXY}/32",)))
    container.migrate()
    container.register_user("alice", PASSWORD)
    yield container
    container.close()


@pytest.fixture
def untrusting(settings: Settings) -> Iterator[Container]:
    container = bootstrap(settings)
    container.migrate()
    container.register_user("alice", PASSWORD)
    yield container
    container.close()


def logins(container: Container, attempts: list[tuple[str, str]]) -> list[int]:
    """POST /api/token/ for alice once per (forwarded client, password), each arriving from
    the proxy's address; the statuses in order."""

    async def run() -> list[int]:
        transport = httpx.ASGITransport(app=create_app(container), client=(PROXY, 40000))
        async with httpx.AsyncClient(transport=transport, base_url="http://selteq") as client:
            statuses = []
            for forwarded, password in attempts:
                response = await client.post(
                    "/api/token/",
                    json={"username": "alice", "password": password},
                    headers={"X-Forwarded-For": f"203.0.113.66, {forwarded}"},
                )
                statuses.append(response.status_code)
            return statuses

    return asyncio.run(run())


def access_clients(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.client for r in caplog.records if r.name == "selteq.http.access"]  # type: ignore[attr-defined]


def test_a_trusted_proxy_names_the_client_for_the_throttle_and_the_log(
    behind: Container, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="selteq.http.access")
    failures = [(CLIENT_A, "wrong password")] * 10
    statuses = logins(behind, [*failures, (CLIENT_A, PASSWORD), (CLIENT_B, PASSWORD)])
    assert statuses == [401] * 10 + [429, 200]
    assert access_clients(caplog) == [CLIENT_A] * 11 + [CLIENT_B]


def test_forwarded_addresses_from_an_untrusted_peer_are_ignored(
    untrusting: Container, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="selteq.http.access")
    failures = [(CLIENT_A, "wrong password")] * 10
    statuses = logins(untrusting, [*failures, (CLIENT_B, PASSWORD)])
    assert statuses == [401] * 10 + [429]  # A and B are one client: the proxy
    assert set(access_clients(caplog)) == {PROXY}


def test_the_access_line_names_the_user_and_the_route(
    behind: Container, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="selteq.http.access")

    async def run() -> None:
        transport = httpx.ASGITransport(app=create_app(behind), client=(PROXY, 40000))
        async with httpx.AsyncClient(transport=transport, base_url="http://selteq") as client:
            token = await client.post(
                "/api/token/", json={"username": "alice", "password": PASSWORD}
            )
            bearer = {"Authorization": f"Bearer {token.json()['access_token']}"}
            assert (await client.get("/api/tasks/7/", headers=bearer)).status_code == 404
            assert (await client.get("/nowhere")).status_code == 404

    asyncio.run(run())
    lines = [r for r in caplog.records if r.name == "selteq.http.access"]
    assert [(r.user_id, r.route) for r in lines] == [  # type: ignore[attr-defined]
        (None, "/api/token"),
        (1, "/api/tasks/{task_id}"),
        (None, None),
    ]
