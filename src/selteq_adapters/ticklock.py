"""A per-tick lock in Redis, so several scheduler replicas send once per tick between them."""

from __future__ import annotations

import os
import socket

import redis

from selteq_core import Unavailable

KEY_PREFIX = "selteq:tick"


class RedisTickLock:
    """``acquire`` is true for exactly one caller per (name, tick) until the key expires.

    ``SET NX EX`` is atomic in Redis, so there is no window where two replicas both win.
    The value names the winner (host and pid), which helps when reading Redis by hand.
    """

    def __init__(self, client: redis.Redis) -> None:
        self._client = client
        self._owner = f"{socket.gethostname()}:{os.getpid()}"

    def acquire(self, name: str, tick: str, ttl: int) -> bool:
        if ttl < 1:
            raise ValueError("ttl must be at least one second")
        try:
            won = self._client.set(f"{KEY_PREFIX}:{name}:{tick}", self._owner, nx=True, ex=ttl)
        except redis.RedisError as exc:
            raise Unavailable(f"Redis cannot be reached: {exc}") from exc
        return bool(won)
