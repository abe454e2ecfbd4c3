"""The login and sign-up throttles on the ``limits`` package: one suite run in memory and on
the real Redis, then Redis cut, hung and restored under a running throttle."""

from __future__ import annotations

import logging
import socket
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor

import attrs
import pytest
import redis

from selteq_adapters.container import Overrides, bootstrap
from selteq_adapters.settings import Rate, Settings
from selteq_adapters.throttle import (
    Limiter,
    LimitsLoginThrottle,
    LimitsSignupThrottle,
    address,
    digest,
    redis_storage,
)
from selteq_core import AuthenticationFailed, RateLimited
from selteq_core.memory import InMemoryDatabase
from tests import services
from tests.integration.http.relay import Relay

LOOSE = Rate(1000, 60)


def _client(url: str = services.REDIS_URL, timeout: float = 2) -> redis.Redis:
    """Built as the container builds its client: from the URL, with socket timeouts."""
    return redis.Redis.from_url(url, socket_connect_timeout=timeout, socket_timeout=timeout)


def _real_redis() -> redis.Redis:
    client = _client()
    try:
        client.ping()
    except redis.RedisError as exc:
        client.close()
        services.missing(f"Redis not reachable at {services.REDIS_URL}: {exc}")
    return client


def _drop(client: redis.Redis, prefix: str) -> None:
    for key in client.scan_iter(match=prefix + "*"):
        client.delete(key)


@attrs.define
class Harness:
    """Makes throttles on one store: memory, or Redis under a prefix of the test's own."""

    limiter: Callable[[], Limiter]
    redis: redis.Redis | None = None
    prefix: str = ""

    def login(self, per_user: Rate, per_address: Rate = LOOSE) -> LimitsLoginThrottle:
        return LimitsLoginThrottle(self.limiter(), per_user, per_address)

    def signup(self, rate: Rate) -> LimitsSignupThrottle:
        return LimitsSignupThrottle(self.limiter(), rate)


@pytest.fixture(params=["memory", "redis"])
def harness(request: pytest.FixtureRequest) -> Iterator[Harness]:
    if request.param == "memory":
        yield Harness(limiter=lambda: Limiter(None))
        return
    client = _real_redis()
    prefix = f"selteq:test:{uuid.uuid4().hex}"
    try:
        yield Harness(lambda: Limiter(redis_storage(client, prefix)), client, prefix)
    finally:
        _drop(client, prefix)
        client.close()


def fail(throttle: LimitsLoginThrottle, client: str, username: str, times: int) -> None:
    for _ in range(times):
        throttle.check(client, username)
        throttle.failed(client, username)


def until_open(throttle: LimitsLoginThrottle, client: str, username: str) -> None:
    """The windows run on the system's clock: poll until one reopens, with a deadline."""
    deadline = time.monotonic() + 10
    while True:
        try:
            throttle.check(client, username)
            return
        except RateLimited:
            if time.monotonic() > deadline:
                pytest.fail("the window never reopened")
            time.sleep(0.05)


def test_allows_count_failures_then_refuses_with_a_retry_after(harness: Harness) -> None:
    throttle = harness.login(Rate(3, 60))
    fail(throttle, "10.0.0.1", "alice", 3)
    with pytest.raises(RateLimited) as limited:
        throttle.check("10.0.0.1", "alice")
    assert 50 <= limited.value.retry_after <= 60
    throttle.check("10.0.0.1", "bob")  # another username from the same address
    throttle.check("10.0.0.2", "alice")  # the same username from another address


def test_failures_from_many_addresses_never_refuse_a_fresh_one(harness: Harness) -> None:
    """No lock-out per username alone: alice's own login elsewhere still goes through."""
    throttle = harness.login(Rate(3, 60))
    for n in range(20):
        fail(throttle, f"10.0.1.{n}", "alice", 3)
    throttle.check("10.0.2.1", "alice")


def test_the_address_limit_spans_usernames(harness: Harness) -> None:
    throttle = harness.login(Rate(3, 60), Rate(10, 60))
    for i in range(10):
        fail(throttle, "10.0.0.1", f"user{i}", 1)
    with pytest.raises(RateLimited):
        throttle.check("10.0.0.1", "somebody-new")
    throttle.check("10.0.0.2", "somebody-new")


def test_success_clears_the_user_window_but_not_the_address_window(harness: Harness) -> None:
    throttle = harness.login(Rate(3, 60), Rate(5, 60))
    fail(throttle, "10.0.0.1", "alice", 2)
    throttle.succeeded("10.0.0.1", "alice")
    fail(throttle, "10.0.0.1", "alice", 2)  # would be the 3rd and 4th without the reset
    throttle.check("10.0.0.1", "alice")
    fail(throttle, "10.0.0.1", "bob", 1)  # the address has now seen 5 failures
    with pytest.raises(RateLimited):
        throttle.check("10.0.0.1", "carol")


def test_a_spent_window_reopens_after_its_period(harness: Harness) -> None:
    throttle = harness.login(Rate(2, 1))
    fail(throttle, "10.0.0.1", "alice", 2)
    with pytest.raises(RateLimited) as limited:
        throttle.check("10.0.0.1", "alice")
    assert limited.value.retry_after == 1
    until_open(throttle, "10.0.0.1", "alice")  # the oldest failure is one period old
    time.sleep(1)  # and now every failure is: the whole allowance is back
    fail(throttle, "10.0.0.1", "alice", 2)
    with pytest.raises(RateLimited):
        throttle.check("10.0.0.1", "alice")


@pytest.mark.parametrize(
    "username",
    ["a:b*?[x]{y}/\n", "x" * 10_000, "пользователь 🔐", "lone \ud800", ""],
    ids=["glob-braces-slash", "10k-chars", "unicode", "lone-surrogate", "empty"],
)
def test_any_username_or_address_is_a_safe_key(harness: Harness, username: str) -> None:
    throttle = harness.login(Rate(2, 60))
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
    throttle = harness.login(Rate(200, 60), Rate(201, 60))

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


def test_sign_ups_are_limited_per_address(harness: Harness) -> None:
    throttle = harness.signup(Rate(3, 3600))
    for _ in range(3):
        throttle.hit("10.0.0.1")
    with pytest.raises(RateLimited) as limited:
        throttle.hit("10.0.0.1")
    assert "sign-ups" in str(limited.value)
    assert 3590 <= limited.value.retry_after <= 3600
    throttle.hit("10.0.0.2")


def test_concurrent_sign_ups_never_overshoot(harness: Harness) -> None:
    throttle = harness.signup(Rate(20, 3600))

    def attempt(_: int) -> bool:
        try:
            throttle.hit("10.0.0.3")
        except RateLimited:
            return False
        return True

    with ThreadPoolExecutor(max_workers=8) as pool:
        admitted = sum(pool.map(attempt, range(60)))
    assert admitted == 20


def test_an_ipv6_host_counts_as_its_64() -> None:
    throttle = LimitsSignupThrottle(Limiter(None), Rate(2, 3600))
    throttle.hit("2001:db8:1:2::1")
    throttle.hit("2001:db8:1:2:ffff::9")
    with pytest.raises(RateLimited):
        throttle.hit("2001:db8:1:2:abcd::1")
    throttle.hit("2001:db8:1:3::1")  # another /64
    assert address("::ffff:192.0.2.7") == "192.0.2.7"
    assert address("unix-socket") == "unix-socket"


def test_the_storage_borrows_the_clients_pool_and_needs_its_timeouts() -> None:
    client = _client()
    try:
        storage = redis_storage(client, "selteq:test:pool")
        assert storage.get_connection().connection_pool is client.connection_pool
    finally:
        client.close()
    unbounded = redis.Redis.from_url(services.REDIS_URL)
    try:
        with pytest.raises(ValueError, match="socket_timeout"):
            redis_storage(unbounded)
    finally:
        unbounded.close()


def _throttle_warnings(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "selteq.throttle"]


def test_redis_cut_mid_way_counts_locally_stricter_and_shares_again_after(
    caplog: pytest.LogCaptureFixture,
) -> None:
    real = _real_redis()
    real.close()
    where = real.connection_pool.connection_kwargs
    relay = Relay((where["host"], where["port"]))
    relay.start()
    db = where.get("db", 0)
    client = _client(f"redis://127.0.0.1:{relay.port}/{db}", timeout=1)
    prefix = f"selteq:test:{uuid.uuid4().hex}"
    limiter = Limiter(redis_storage(client, prefix), share=2, retry_interval=0.2)
    throttle = LimitsLoginThrottle(limiter, Rate(4, 60), LOOSE)
    caplog.set_level(logging.INFO, logger="selteq.throttle")
    try:
        fail(throttle, "10.0.0.1", "alice", 4)  # spent in Redis
        relay.stop()
        for _ in range(20):  # every call answers: no Unavailable, no 503
            throttle.check("10.0.0.1", "bob")
        assert limiter.degraded
        fail(throttle, "10.0.0.1", "bob", 2)  # the host's 2 workers share the 4: 2 each
        with pytest.raises(RateLimited):
            throttle.check("10.0.0.1", "bob")
        fail(throttle, "10.0.0.2", "carol", 1)
        outage = _throttle_warnings(caplog)
        assert [r.levelno for r in outage] == [logging.WARNING]  # one line per outage

        relay.start()
        time.sleep(0.3)  # past the retry interval: the next call tries Redis again
        with pytest.raises(RateLimited):
            throttle.check("10.0.0.1", "alice")  # Redis kept what it counted before
        assert not limiter.degraded
        with pytest.raises(RateLimited):
            throttle.check("10.0.0.1", "bob")  # what the outage spent stays spent
        throttle.check("10.0.0.2", "carol")
        lines = _throttle_warnings(caplog)
        assert [r.levelno for r in lines] == [logging.WARNING, logging.INFO]
        assert "again" in lines[-1].getMessage()
    finally:
        relay.stop()
        client.close()
        cleanup = _client()
        _drop(cleanup, prefix)
        cleanup.close()


@pytest.mark.timeout(30)
def test_a_hung_redis_costs_one_timeout_then_logins_go_on(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A Redis that accepts connections and never answers, like a frozen server."""
    with socket.socket() as hung:
        hung.bind(("127.0.0.1", 0))
        hung.listen(16)  # the kernel completes the handshakes; nothing ever reads
        client = _client(f"redis://127.0.0.1:{hung.getsockname()[1]}/0", timeout=0.5)
        limiter = Limiter(redis_storage(client, "selteq:test:hung"), retry_interval=60)
        throttle = LimitsLoginThrottle(limiter, Rate(3, 60), LOOSE)
        signups = LimitsSignupThrottle(limiter, Rate(3, 3600))
        caplog.set_level(logging.INFO, logger="selteq.throttle")
        fail(throttle, "10.0.0.1", "alice", 3)
        with pytest.raises(RateLimited):
            throttle.check("10.0.0.1", "alice")
        signups.hit("10.0.0.1")
        client.close()
    assert limiter.degraded
    assert len(_throttle_warnings(caplog)) == 1


def test_the_container_wires_both_throttles_to_its_redis_client(settings: Settings) -> None:
    client = _real_redis()
    where = f"2001:db8:{uuid.uuid4().hex[:4]}::1"  # a /64 of this test's own
    keys = [
        f"selteq:limits:login-user/{digest(address(where), 'alice')}/*",
        f"selteq:limits:login-address/{digest(address(where))}/*",
        f"selteq:limits:signup/{digest(address(where))}/*",
    ]
    db = InMemoryDatabase()
    try:
        container = bootstrap(settings, Overrides(uow=db.unit_of_work, redis=client))
        with pytest.raises(AuthenticationFailed):
            container.login("alice", "a wrong password", where)
        container.register_user("alice", "correct horse battery", where)
        assert all(list(client.scan_iter(match=pattern)) for pattern in keys)
    finally:
        for pattern in keys:
            _drop(client, pattern)
        client.close()
