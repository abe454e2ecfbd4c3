"""Shared fixtures. Engine- and service-specific fixtures live next to their tests."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator

import pytest
import redis

from selteq_adapters.container import Container, bootstrap
from selteq_adapters.settings import Settings
from selteq_core import Task, User
from tests import services
from tests.integration.db.engines import MssqlServer

TITLES = ("Write the report", "Water the plants", "Call Ada")


@pytest.fixture
def settings(tmp_path: object) -> Settings:
    """Test settings on a temporary SQLite file with a fixed, long enough secret."""
    return Settings(
        env="test",
        database_url=f"sqlite:///{tmp_path}/selteq.db",
        jwt_secret="test-secret-that-is-at-least-32-bytes-long",
    )


@pytest.fixture(autouse=True)
def _quiet_third_party_logs() -> None:
    logging.getLogger("dramatiq").setLevel(logging.WARNING)


@pytest.fixture(scope="session")
def mssql() -> Iterator[MssqlServer]:
    """The SQL Server of ``SELTEQ_TEST_MSSQL_URL``, making databases the session drops."""
    server = MssqlServer()
    try:
        yield server
    finally:
        server.drop_all()


@pytest.fixture
def container(settings: Settings) -> Iterator[Container]:
    """The real container on the test's SQLite file, migrated; closed afterwards."""
    made = bootstrap(settings)
    made.migrate()
    yield made
    made.close()


@pytest.fixture
def alice(container: Container) -> tuple[User, list[Task]]:
    """User 1 with three tasks (TITLES), and a second user whose task must never show."""
    user = container.register_user("alice", "correct horse battery")
    other = container.register_user("bob", "correct horse battery")
    tasks = [container.create_task(user.id.value, t, 15 * (i + 1)) for i, t in enumerate(TITLES)]
    container.create_task(other.id.value, "Bob's secret", 5)
    return user, tasks


@pytest.fixture
def redis_url() -> str:
    client = redis.Redis.from_url(services.REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.RedisError as exc:
        services.missing(f"Redis at {services.REDIS_URL} is not reachable ({exc})")
    finally:
        client.close()
    return services.REDIS_URL


@pytest.fixture
def namespace(redis_url: str) -> Iterator[str]:
    """A broker namespace of our own on the shared Redis; its keys are removed afterwards."""
    name = f"selteq-test-{uuid.uuid4().hex[:12]}"
    yield name
    client = redis.Redis.from_url(redis_url)
    try:
        for pattern in (f"{name}:*", f"selteq:tick:{name}*"):
            keys = list(client.scan_iter(match=pattern, count=500))
            if keys:
                client.delete(*keys)
    finally:
        client.close()
