"""The Dramatiq broker: Redis when ``SELTEQ_REDIS_URL`` is set, else an in-process stub.

Built by the container. Actors are declared against the broker returned here (see
``selteq_jobs.actors``), never through ``dramatiq.get_broker()``, which would silently
create a default broker the moment a module is imported.
"""

from __future__ import annotations

from typing import Any

import dramatiq
import redis
from dramatiq.brokers.redis import RedisBroker
from dramatiq.brokers.stub import StubBroker
from dramatiq.middleware import (
    AgeLimit,
    Callbacks,
    Middleware,
    Pipelines,
    Retries,
    ShutdownNotifications,
    TimeLimit,
)

from selteq_core import Unavailable

from .settings import Settings

DEFAULT_NAMESPACE = "selteq"


def default_middleware() -> list[Middleware]:
    """Dramatiq's own defaults, spelled out so an upgrade cannot add one behind our back
    (no Prometheus: it opens an HTTP port and writes to a shared folder)."""
    return [AgeLimit(), TimeLimit(), ShutdownNotifications(), Callbacks(), Pipelines(), Retries()]


class SelteqRedisBroker(RedisBroker):
    """A RedisBroker whose ``send`` fails with the domain's ``Unavailable`` when Redis is
    away, so the scheduler and the API handle one error type, never a driver's."""

    def enqueue(
        self, message: dramatiq.Message[Any], *, delay: int | None = None
    ) -> dramatiq.Message[Any]:
        try:
            return super().enqueue(message, delay=delay)
        except redis.RedisError as exc:
            raise Unavailable(f"the message broker cannot be reached: {exc}") from exc


def make_broker(settings: Settings, client: redis.Redis | None) -> dramatiq.Broker:
    """A new broker with no actors declared: on the process's Redis client (its owner closes
    it), or an in-process stub without one."""
    if client is None:
        return StubBroker(middleware=default_middleware())
    return SelteqRedisBroker(  # type: ignore[no-untyped-call]
        client=client,
        namespace=settings.broker_namespace or DEFAULT_NAMESPACE,
        middleware=default_middleware(),
    )
