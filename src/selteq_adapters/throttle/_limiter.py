"""Moving windows from the ``limits`` package: on Redis, shared by every process, with this
process's memory standing in, stricter, while Redis does not answer (docs/decisions/0241).

A moving window of ``count`` per ``period`` admits at most ``count`` hits in any ``period``
seconds, with no boundary at which a fresh window doubles the allowance, and frees one
slot as its oldest hit turns ``period`` old: that is what ``retry_after`` reports.
"""

from __future__ import annotations

import enum
import logging
import math
import threading
import time
from collections.abc import Callable
from typing import TypeVar

import attrs
import redis
from limits import RateLimitItem, RateLimitItemPerSecond
from limits.storage import MemoryStorage, RedisStorage
from limits.strategies import MovingWindowRateLimiter

from selteq_adapters.settings import Rate

log = logging.getLogger("selteq.throttle")

T = TypeVar("T")


class _Down(enum.Enum):
    DOWN = enum.auto()


@attrs.frozen
class Window:
    """One limit as the shared store counts it, and as this process counts it alone."""

    shared: RateLimitItem
    local: RateLimitItem
    period: int


class Limiter:
    """Hits and their windows, by key, on Redis when given one and else in memory.

    While Redis is up, every hit goes there and this process's memory holds nothing. When a
    Redis call fails (refused, reset, or past the client's socket timeout) the outage
    starts: hits are counted in memory against each limit's count divided by ``share`` (the
    host's server processes), so the host as a whole lets no more through than the shared
    limit would; one warning is logged. Redis is tried again by one caller at most every
    ``retry_interval`` seconds, so a hung Redis costs one timeout per interval, not one per
    login. Windows spent in memory keep refusing after Redis is back until they run out,
    so an outage never wipes a spent limit early. Thread-safe."""

    def __init__(
        self,
        shared: RedisStorage | None,
        *,
        share: int = 1,
        retry_interval: float = 5.0,
    ) -> None:
        self._local = MovingWindowRateLimiter(MemoryStorage())
        self._shared = MovingWindowRateLimiter(shared) if shared is not None else None
        self._share = max(1, share) if shared is not None else 1
        self._outage = _Outage(retry_interval)

    @property
    def degraded(self) -> bool:
        """True while Redis is configured but not answering (limits counted in memory)."""
        return self._outage.ongoing

    def window(self, name: str, rate: Rate) -> Window:
        local_count = max(1, rate.count // self._share)
        return Window(
            shared=RateLimitItemPerSecond(rate.count, rate.period, namespace=name),
            local=RateLimitItemPerSecond(local_count, rate.period, namespace=name),
            period=rate.period,
        )

    def retry_after(self, window: Window, key: str) -> int | None:
        """Seconds until the window admits a hit again when it is spent, else None."""
        resets = []
        local = self._local.get_window_stats(window.local, key)
        if local.remaining <= 0:
            resets.append(local.reset_time)
        shared = self._on_shared(lambda limiter: limiter.get_window_stats(window.shared, key))
        if shared is not _Down.DOWN and shared.remaining <= 0:
            resets.append(shared.reset_time)
        if not resets:
            return None
        return min(window.period, max(1, math.ceil(max(resets) - time.time())))

    def hit(self, window: Window, key: str) -> bool:
        """Count one hit; False (and nothing counted) when the window is already spent."""
        if not self._local.test(window.local, key):
            return False
        shared = self._on_shared(lambda limiter: limiter.hit(window.shared, key))
        if shared is _Down.DOWN:
            return self._local.hit(window.local, key)
        return shared

    def clear(self, window: Window, key: str) -> None:
        self._local.clear(window.local, key)
        self._on_shared(lambda limiter: limiter.clear(window.shared, key))

    def _on_shared(self, call: Callable[[MovingWindowRateLimiter], T]) -> T | _Down:
        if self._shared is None or not self._outage.may_try():
            return _Down.DOWN
        try:
            result = call(self._shared)
        except redis.RedisError as error:
            self._outage.began(error)
            return _Down.DOWN
        self._outage.ended()
        return result


class _Outage:
    """When Redis stopped answering, and when to try it again; logs each edge once."""

    def __init__(self, retry_interval: float) -> None:
        self._retry_interval = retry_interval
        self._lock = threading.Lock()
        self._since: float | None = None
        self._next_try = 0.0

    @property
    def ongoing(self) -> bool:
        return self._since is not None

    def may_try(self) -> bool:
        with self._lock:
            if self._since is None:
                return True
            now = time.monotonic()
            if now < self._next_try:
                return False
            self._next_try = now + self._retry_interval  # this caller probes, others wait
            return True

    def began(self, error: Exception) -> None:
        with self._lock:
            now = time.monotonic()
            self._next_try = now + self._retry_interval
            if self._since is not None:
                return
            self._since = now
        log.warning(
            "Redis does not answer (%s): rate limits are counted in this process, stricter,"
            " until it does",
            type(error).__name__,
            extra={"error": type(error).__name__},
        )

    def ended(self) -> None:
        with self._lock:
            if self._since is None:
                return
            lasted = time.monotonic() - self._since
            self._since = None
        log.info(
            "Redis answers again after %.0f s: rate limits are shared again",
            lasted,
            extra={"outage_seconds": round(lasted, 1)},
        )
