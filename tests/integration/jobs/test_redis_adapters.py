"""The tick lock and the broker factory against the real Redis."""

from __future__ import annotations

import uuid

import attrs
import dramatiq
import pytest
import redis
from dramatiq.brokers.redis import RedisBroker
from dramatiq.brokers.stub import StubBroker

from selteq_adapters.broker import make_broker
from selteq_adapters.settings import Settings
from selteq_adapters.ticklock import RedisTickLock
from selteq_core import Unavailable
from selteq_jobs.actors import QUEUE

from .conftest import free_port

DEFAULTS = ["AgeLimit", "TimeLimit", "ShutdownNotifications", "Callbacks", "Pipelines", "Retries"]


@pytest.fixture
def client(redis_url: str) -> redis.Redis:
    return redis.Redis.from_url(redis_url)


def test_one_caller_wins_each_tick_and_the_key_expires(redis_url: str, client: redis.Redis) -> None:
    name = f"test-{uuid.uuid4().hex}"
    first, second = RedisTickLock(client), RedisTickLock(redis.Redis.from_url(redis_url))
    try:
        assert first.acquire(name, "100", ttl=30)
        assert not second.acquire(name, "100", ttl=30)
        assert not first.acquire(name, "100", ttl=30)
        assert second.acquire(name, "101", ttl=30)
        assert 0 < client.ttl(f"selteq:tick:{name}:100") <= 30
    finally:
        client.delete(f"selteq:tick:{name}:100", f"selteq:tick:{name}:101")


def test_redis_away_is_unavailable() -> None:
    lock = RedisTickLock(redis.Redis.from_url(f"redis://127.0.0.1:{free_port()}/0"))
    with pytest.raises(Unavailable):
        lock.acquire("anything", "1", ttl=5)


def test_without_redis_the_broker_is_an_in_process_stub(settings: Settings) -> None:
    broker = make_broker(settings, None)
    assert isinstance(broker, StubBroker)
    assert [type(m).__name__ for m in broker.middleware] == DEFAULTS


def test_with_redis_the_broker_uses_its_own_namespace(
    settings: Settings, redis_url: str, namespace: str, client: redis.Redis
) -> None:
    broker = make_broker(attrs.evolve(settings, broker_namespace=namespace), client)
    assert isinstance(broker, RedisBroker)
    assert broker.namespace == namespace
    assert [type(m).__name__ for m in broker.middleware] == DEFAULTS
    broker.declare_queue(QUEUE)
    message = broker.enqueue(_message())
    assert client.hexists(f"{namespace}:{QUEUE}.msgs", message.options["redis_message_id"])
    broker.close()


def test_sending_while_redis_is_away_is_unavailable(settings: Settings) -> None:
    away = redis.Redis.from_url(f"redis://127.0.0.1:{free_port()}/0")
    broker = make_broker(settings, away)
    broker.declare_queue(QUEUE)
    with pytest.raises(Unavailable):
        broker.enqueue(_message())


def _message() -> dramatiq.Message[None]:
    return dramatiq.Message(
        queue_name=QUEUE, actor_name="print_user_tasks", args=(1,), kwargs={}, options={}
    )
