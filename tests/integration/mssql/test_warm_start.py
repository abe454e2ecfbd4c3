"""A server opens and warms its whole database pool before it takes load: right after a
start, a burst of list requests finds every connection open, its hot statements ready,
and each request answers 200. On SQL Server (both drivers) and PostgreSQL, real servers."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from selteq_adapters.container import Overrides, bootstrap
from selteq_adapters.db import Database, open_database
from selteq_adapters.settings import Settings
from selteq_http.server.app import create_app
from tests.integration.db.engines import PostgresServer

PASSWORD = "correct horse battery"
SECRET = "test-secret-that-is-at-least-32-bytes-long"
POOL = 6
BURST = 24


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="module")
def postgres_server() -> Iterator[PostgresServer]:
    server = PostgresServer()
    try:
        yield server
    finally:
        server.drop_all()


@pytest.fixture(params=["mssql-odbc18", "mssql-freetds", "postgresql"])
def url(request: pytest.FixtureRequest) -> str:
    """A migrated database with one user, on each engine."""
    if request.param == "postgresql":
        made = request.getfixturevalue("postgres_server").create()
        database = open_database(made, pool_size=1)
        try:
            database.migrate()
        finally:
            database.close()
    else:
        made = request.getfixturevalue("mssql").migrated(request.param)
    return str(made)


def _container(url: str, opened: list[Any]) -> tuple[Any, Database]:
    database = open_database(url, pool_size=POOL, on_connect=opened.append)
    settings = Settings(env="test", database_url=url, jwt_secret=SECRET, db_pool_size=POOL)
    container = bootstrap(settings, Overrides(database=database))
    return container, database


@pytest.mark.anyio
async def test_a_start_opens_the_pool_warm_and_a_burst_all_answers(url: str) -> None:
    opened: list[Any] = []
    setup, _ = _container(url, opened)
    setup.register_user("alice", PASSWORD)
    setup.close()
    opened.clear()
    container, database = _container(url, opened)
    async with AsyncTestClient(create_app(container)) as client:
        stats = database.pool_stats()
        assert (len(opened), stats.idle, stats.in_use) == (POOL, POOL, 0)
        token = await client.post("/api/token/", json={"username": "alice", "password": PASSWORD})
        assert token.status_code == 200, token.text
        auth = {"Authorization": f"Bearer {token.json()['access_token']}"}
        burst = (client.get("/api/tasks/", headers=auth) for _ in range(BURST))
        answers = await asyncio.gather(*burst)
        assert [a.status_code for a in answers] == [200] * BURST
        assert len(opened) == POOL  # the burst was served by the connections opened at start


@pytest.mark.anyio
async def test_a_database_down_at_start_does_not_stop_the_start() -> None:
    """Nothing listens on the port: the start goes on, readiness answers 503."""
    url = "postgresql://postgres@127.0.0.1:9/selteq"
    container, database = _container(url, [])
    async with AsyncTestClient(create_app(container)) as client:
        assert database.pool_stats().idle == 0
        ready = await client.get("/health/ready")
        assert ready.status_code == 503
