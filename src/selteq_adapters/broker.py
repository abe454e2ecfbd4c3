"""The Dramatiq broker: Redis when ``SELTEQ_REDIS_URL`` is set, else an in-process stub.

Built by the container. Actors are declared against the broker returned here (see
``selteq_jobs.actors``), never through ``dramatiq.get_broker()``, which would silently
create a default broker the moment a module is imported.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

import dramatiq
import redis
from dramatiq.brokers.redis import RedisBroker, _RedisConsumer
from dramatiq.brokers.stub import StubBroker
from dramatiq.errors import BrokerConnectionError
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
RECOVERED = "consumers_recovered"
"""The ``extra`` flag on the one line saying the worker's consumers reach Redis again; the
log set-up's ``ConsumerOutageFilter`` ends an outage's silence when it sees it."""

log = logging.getLogger("selteq.broker")


def default_middleware() -> list[Middleware]:
    """Dramatiq's own defaults, spelled out so an upgrade cannot add one behind our back
    (no Prometheus: it opens an HTTP port and writes to a shared folder)."""
    return [AgeLimit(), TimeLimit(), ShutdownNotifications(), Callbacks(), Pipelines(), Retries()]


class SelteqRedisBroker(RedisBroker):
    """A RedisBroker whose ``send`` fails with the domain's ``Unavailable`` when Redis is
    away, so the scheduler and the API handle one error type, never a driver's.

    Its consumers report whether they reach Redis, so the worker can say once that an
    outage is over (Dramatiq itself logs only the failures, once per retry)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[no-untyped-call]
        self._down: set[str] = set()
        self._down_lock = threading.Lock()

    @property
    def consumer_class(self) -> type[_RedisConsumer]:
        return _ReportingConsumer

    def consumer_down(self, queue_name: str) -> None:
        with self._down_lock:
            self._down.add(queue_name)

    def consumer_up(self, queue_name: str) -> None:
        """Called on every fetch; costs a set's truth test unless an outage is on."""
        if not self._down:
            return
        with self._down_lock:
            if queue_name not in self._down:
                return
            self._down.discard(queue_name)
            recovered = not self._down
        if recovered:
            log.info("the worker's consumers reach Redis again", extra={RECOVERED: True})

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
    return SelteqRedisBroker(
        client=client,
        namespace=settings.broker_namespace or DEFAULT_NAMESPACE,
        middleware=default_middleware(),
    )


class _ReportingConsumer(_RedisConsumer):
    """Dramatiq's Redis consumer (the broker's ``consumer_class`` hook), telling the broker
    whether each fetch reached Redis."""

    broker: SelteqRedisBroker
    queue_name: str

    def __next__(self) -> dramatiq.MessageProxy | None:
        try:
            message: dramatiq.MessageProxy | None = super().__next__()  # type: ignore[no-untyped-call]
        except BrokerConnectionError:
            self.broker.consumer_down(self.queue_name)
            raise
        self.broker.consumer_up(self.queue_name)
        return message
