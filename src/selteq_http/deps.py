"""How handlers and middleware reach the container: as it is, never copied or converted.

The app keeps it in its state (not deep-copied); handlers receive it as the ``container``
dependency, which skips Litestar's validation (it would rebuild the attrs class).
"""

from __future__ import annotations

from typing import Any

import attrs
from litestar.connection import ASGIConnection
from litestar.datastructures import State
from litestar.di import NamedDependency
from litestar.params import SkipValidation

from selteq_adapters.container import Container

from .batching import ListBatcher
from .gate import STATE_KEY as GATE_KEY
from .gate import HashingGate, Level

Services = NamedDependency[SkipValidation[Container]]

STATE_KEY = "container"
BATCHER_KEY = "list_batcher"


def app_state(container: Container) -> State:
    settings = container.settings
    levels: tuple[Level, ...] = ()
    if settings.metrics:  # SELTEQ_METRICS: waiting and running password checks
        from .metrics import password_check_gauges

        levels = password_check_gauges()
    gate = HashingGate(
        settings.hash_concurrency, settings.db_timeout, container.ping_database, *levels
    )
    batch = container.list_recent_tasks_batch
    # One task more than the list shows, so the list can tell whether an older page exists.
    peek = None if batch is None else attrs.evolve(batch, limit=batch.limit + 1)
    batcher = None if peek is None else ListBatcher(peek, settings.list_batch, settings.db_timeout)
    return State({STATE_KEY: container, GATE_KEY: gate, BATCHER_KEY: batcher}, deep_copy=False)


def services_of(connection: ASGIConnection[Any, Any, Any, Any]) -> Container:
    container: Container = connection.app.state[STATE_KEY]
    return container


def batcher_of(connection: ASGIConnection[Any, Any, Any, Any]) -> ListBatcher | None:
    """The app's list batcher, or None when the store offers no batch read."""
    batcher: ListBatcher | None = connection.app.state[BATCHER_KEY]
    return batcher


def provide_container(state: State) -> Container:
    container: Container = state[STATE_KEY]
    return container
