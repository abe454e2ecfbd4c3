"""The Dramatiq broker: Redis when ``SELTEQ_REDIS_URL`` is set, else an in-process stub.

Built only when called. Actors are declared against the broker returned here (see
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

from .settings import Settings, redact_url

DEFAULT_NAMESPACE = "selteq"


def default_middleware() -> list[Middleware]:
    """Dramatiq's own defaults, spelled out so an upgrade cannot add one behind our back
    (no Prometheus: it opens an HTTP port and writes to a shared folder)."""
    return [AgeLimit(), TimeLimit(), ShutdownNotifications(), Callbacks(), Pipelines(), Retries()]


def broker_namespace(settings: Settings) -> str:
    """The prefix of every broker key in Redis (``SELTEQ_BROKER_NAMESPACE``), so deployments
    (and test runs) can share one Redis without seeing each other's queues."""
    return settings.broker_namespace or DEFAULT_NAMESPACE


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

    def close(self) -> None:
        """Dramatiq's RedisBroker leaves its connections open; the worker calls this last."""
        self.client.close()


def make_broker(settings: Settings, *, namespace: str | None = None) -> dramatiq.Broker:
    """A new broker for ``settings``; each call makes a fresh one with no actors declared."""
    if settings.redis_url is None:
        return StubBroker(middleware=default_middleware())
    client = redis.Redis.from_url(
        settings.redis_url, socket_connect_timeout=2, socket_timeout=5, health_check_interval=30
    )
    broker = SelteqRedisBroker(  # type: ignore[no-untyped-call]
        client=client,
        namespace=namespace or broker_namespace(settings),
        middleware=default_middleware(),
    )
    broker.logger.debug("Redis broker at %s", redact_url(settings.redis_url))
    return broker
