"""Rate limits for logins and sign-ups on the ``limits`` package (docs/decisions/0240).

``build_throttles(settings, client)`` is what the container calls: with the process's
Redis client the limits are shared by every process that uses that Redis (through the
client's own connection pool, so the process keeps one client), and counted in memory
while Redis does not answer; without one they live in this process alone.
"""

from __future__ import annotations

import attrs
import redis
from limits.storage import RedisStorage

from selteq_adapters.settings import Settings

from ._keys import address, digest
from ._limiter import Limiter, Window
from ._throttles import LimitsLoginThrottle, LimitsSignupThrottle

__all__ = [
    "Limiter",
    "LimitsLoginThrottle",
    "LimitsSignupThrottle",
    "Throttles",
    "Window",
    "address",
    "build_throttles",
    "digest",
]

KEY_PREFIX = "selteq:limits"


@attrs.frozen
class Throttles:
    """The two throttles on one Limiter, so one outage is noticed (and logged) once."""

    login: LimitsLoginThrottle
    signup: LimitsSignupThrottle
    limiter: Limiter


def build_throttles(
    settings: Settings,
    client: redis.Redis | None,
    *,
    key_prefix: str = KEY_PREFIX,
    retry_interval: float = 5.0,
) -> Throttles:
    """The login and sign-up throttles for this process.

    ``client`` must bound its calls (``socket_timeout`` and ``socket_connect_timeout``):
    a hung Redis would otherwise hang every login that asks it."""
    storage = None if client is None else redis_storage(client, key_prefix)
    limiter = Limiter(storage, share=settings.server_workers, retry_interval=retry_interval)
    return Throttles(
        login=LimitsLoginThrottle(limiter, settings.login_rate, settings.login_rate_per_address),
        signup=LimitsSignupThrottle(limiter, settings.signup_rate),
        limiter=limiter,
    )


def redis_storage(client: redis.Redis, key_prefix: str = KEY_PREFIX) -> RedisStorage:
    """A limits storage on ``client``'s connection pool: no second pool, no connection made
    until the first hit. The URI only tells limits the server is Redis, not Valkey."""
    options = client.connection_pool.connection_kwargs
    if options.get("socket_timeout") is None or options.get("socket_connect_timeout") is None:
        raise ValueError("the rate-limit Redis client needs socket_timeout and connect timeout")
    return RedisStorage("redis://", connection_pool=client.connection_pool, key_prefix=key_prefix)
