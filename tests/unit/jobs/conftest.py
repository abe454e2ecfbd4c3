"""The jobs' unit tests: the real container on a temporary SQLite file, a StubBroker."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from selteq_adapters.container import Container, bootstrap
from selteq_adapters.settings import Settings
from selteq_core import Task, User

TITLES = ("Write the report", "Water the plants", "Call Ada")


@pytest.fixture
def container(settings: Settings) -> Iterator[Container]:
    made = bootstrap(settings)
    made.database.migrate()
    yield made
    made.close()


@pytest.fixture
def alice(container: Container) -> tuple[User, list[Task]]:
    """A user with three tasks, and another user with one, which must never show."""
    user = container.register_user("alice", "correct horse battery")
    other = container.register_user("bob", "correct horse battery")
    tasks = [container.create_task(user.id.value, t, 15 * (i + 1)) for i, t in enumerate(TITLES)]
    container.create_task(other.id.value, "Bob's secret", 5)
    return user, tasks
