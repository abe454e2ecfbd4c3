"""Both login throttles through one suite: in memory on a ManualClock, and on the real Redis."""

from __future__ import annotations

import socket
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor

import attrs
import pytest
import redis

from selteq_adapters.settings import Rate
from selteq_adapters.throttle import MemoryLoginThrottle, RedisLoginThrottle
from selteq_core import LoginThrottle, RateLimited, Unavailable
from selteq_core.memory import ManualClock
from tests import services

LOOSE = Rate(1000, 60)


@attrs.define
class Harness:
    """Makes throttles that share one store, and lets a window run out."""

    make: Callable[[Rate, Rate], LoginThrottle]
    expire: Callable[[LoginThrottle, str, str, int], None]
    redis: redis.Redis | None = None
    prefix: str = ""


def _redis_client() -> redis.Redis:
    client = redis.Redis.from_url(services.REDIS_URL, socket_connect_timeout=2, socket_timeout=5)
    try:
        client.ping()
    except redis.RedisError as exc:
        client.close()
        services.missing(f"Redis not reachable at {services.REDIS_URL}: {exc}")
    return client


def _poll_until_open(throttle: LoginThrottle, client: str, username: str, period: int) -> None:
    """Redis expires keys on its own clock: poll until the window reopens, with a deadline."""
    deadline = time.monotonic() + period + 10
    while True:
        try:
            throttle.check(client, username)
            return
        except RateLimited:
            if time.monotonic() > deadline:
                pytest.fail("the Redis window never expired")
            time.sleep(0.05)


@pytest.fixture(params=["memory", "redis"])
def harness(request: pytest.FixtureRequest) -> Iterator[Harness]:
    if request.param == "memory":
        clock = ManualClock()
        yield Harness(
            make=lambda user, address: MemoryLoginThrottle(user, address, clock),
            expire=lambda _t, _c, _u, period: clock.advance(period),
        )
        return
    client = _redis_client()
    prefix = f"selteq:test:{uuid.uuid4().hex}:"
    try:
        yield Harness(
            make=lambda user, address: RedisLoginThrottle(client, user, address, prefix=prefix),
            expire=_poll_until_open,
            redis=client,
            prefix=prefix,
        )
    finally:
        for key in client.scan_iter(match=prefix + "*"):
            client.delete(key)
        client.close()


def fail(throttle: LoginThrottle, client: str, username: str, times: int) -> None:
    for _ in range(times):
        throttle.check(client, username)
        throttle.failed(client, username)


def test_allows_count_failures_then_refuses_with_a_retry_after(harness: Harness) -> None:
    throttle = harness.make(Rate(3, 60), LOOSE)
    fail(throttle, "10.0.0.1", "alice", 3)
    with pytest.raises(RateLimited) as limited:
        throttle.check("10.0.0.1", "alice")
    assert 1 <= limited.value.retry_after <= 60
    throttle.check("10.0.0.1", "bob")  # another username from the same address
    throttle.check("10.0.0.2", "alice")  # the same username from another address


def test_the_address_limit_spans_usernames(harness: Harness) -> None:
    throttle = harness.make(Rate(3, 60), Rate(10, 60))
    for i in range(10):
        fail(throttle, "10.0.0.1", f"user{i}", 1)
    with pytest.raises(RateLimited):
        throttle.check("10.0.0.1", "somebody-new")
    throttle.check("10.0.0.2", "somebody-new")


def test_success_clears_the_user_window_but_not_the_address_window(harness: Harness) -> None:
    throttle = harness.make(Rate(3, 60), Rate(5, 60))
    fail(throttle, "10.0.0.1", "alice", 2)
    throttle.succeeded("10.0.0.1", "alice")
    fail(throttle, "10.0.0.1", "alice", 2)  # would be the 3rd and 4th without the reset
    throttle.check("10.0.0.1", "alice")
    fail(throttle, "10.0.0.1", "bob", 1)  # the address has now seen 5 failures
    with pytest.raises(RateLimited):
        throttle.check("10.0.0.1", "carol")


def test_a_spent_window_reopens_after_its_period(harness: Harness) -> None:
    throttle = harness.make(Rate(2, 1), LOOSE)
    fail(throttle, "10.0.0.1", "alice", 2)
    with pytest.raises(RateLimited) as limited:
        throttle.check("10.0.0.1", "alice")
    assert limited.value.retry_after == 1
    harness.expire(throttle, "10.0.0.1", "alice", 1)
    throttle.check("10.0.0.1", "alice")
    fail(throttle, "10.0.0.1", "alice", 2)  # a fresh window with the full allowance
    with pytest.raises(RateLimited):
        throttle.check("10.0.0.1", "alice")


@pytest.mark.parametrize(
    "username",
    ["a:b*?[x]{y}\n", "x" * 10_000, "пользователь 🔐", "lone \ud800", ""],
    ids=["glob-and-braces", "10k-chars", "unicode", "lone-surrogate", "empty"],
)
def test_any_username_or_address_is_a_safe_key(harness: Harness, username: str) -> None:
    throttle = harness.make(Rate(2, 60), LOOSE)
    fail(throttle, username, username, 2)
    with pytest.raises(RateLimited):
        throttle.check(username, username)
    throttle.check(username, username + "2")
    if harness.redis is not None:
        keys = [k.decode() for k in harness.redis.scan_iter(match=harness.prefix + "*")]
        assert len(keys) == 2
        assert all(len(k) < 200 and "a:b" not in k and "x" * 50 not in k for k in keys)


def test_concurrent_failures_are_all_counted(harness: Harness) -> None:
    """Many threads fail at once (on Redis each borrows its own pooled connection, as
    separate processes would): none is lost and none counted twice, so the limit is exact."""
    throttle = harness.make(Rate(200, 60), Rate(201, 60))

    def burst(_: int) -> None:
        for _ in range(25):
            throttle.failed("10.0.0.9", "mallory")

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(burst, range(8)))
    with pytest.raises(RateLimited):
        throttle.check("10.0.0.9", "mallory")  # all 200 counted
    throttle.check("10.0.0.9", "trudy")  # the address saw 200 < 201: none counted twice
    throttle.failed("10.0.0.9", "trudy")
    with pytest.raises(RateLimited):
        throttle.check("10.0.0.9", "trudy")


def test_memory_retry_after_counts_down_with_the_clock() -> None:
    clock = ManualClock()
    throttle = MemoryLoginThrottle(Rate(3, 60), LOOSE, clock)
    fail(throttle, "10.0.0.1", "alice", 3)
    clock.advance(20)
    with pytest.raises(RateLimited) as limited:
        throttle.check("10.0.0.1", "alice")
    assert limited.value.retry_after == 40
    clock.advance(39.5)
    with pytest.raises(RateLimited) as limited:
        throttle.check("10.0.0.1", "alice")
    assert limited.value.retry_after == 1


def test_memory_stays_bounded() -> None:
    clock = ManualClock()
    throttle = MemoryLoginThrottle(Rate(3, 60), Rate(10, 60), clock, max_keys=50)
    for i in range(500):
        throttle.failed(f"10.0.{i // 256}.{i % 256}", "alice")
    assert len(throttle) == 100  # the oldest windows beyond the cap were forgiven
    clock.advance(60)
    throttle.failed("10.9.9.9", "alice")
    assert len(throttle) == 2  # every expired window is gone


def test_redis_retry_after_follows_the_key_ttl_and_heals_a_lost_ttl() -> None:
    client = _redis_client()
    prefix = f"selteq:test:{uuid.uuid4().hex}:"
    throttle = RedisLoginThrottle(client, Rate(1, 60), LOOSE, prefix=prefix)
    try:
        throttle.failed("10.0.0.1", "alice")
        user_key, _ = throttle.keys("10.0.0.1", "alice")
        assert 0 < client.pttl(user_key) <= 60_000
        client.persist(user_key)
        with pytest.raises(RateLimited) as limited:
            throttle.check("10.0.0.1", "alice")
        assert limited.value.retry_after == 60  # no TTL: a whole period
        throttle.failed("10.0.0.1", "alice")
        assert 0 < client.pttl(user_key) <= 60_000
    finally:
        for key in client.scan_iter(match=prefix + "*"):
            client.delete(key)
        client.close()


def test_unreachable_redis_is_unavailable() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    client = redis.Redis.from_url(f"redis://127.0.0.1:{port}/0", socket_connect_timeout=1)
    throttle = RedisLoginThrottle(client, Rate(3, 60), LOOSE)
    try:
        for call in (throttle.check, throttle.failed, throttle.succeeded):
            with pytest.raises(Unavailable):
                call("10.0.0.1", "alice")
    finally:
        client.close()
