"""Shared fixtures. Engine- and service-specific fixtures live next to their tests."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from selteq_adapters.container import Container, bootstrap
from selteq_adapters.settings import Settings
from selteq_core import Task, User

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
