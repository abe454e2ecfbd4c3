"""Failed-login throttles behind the core's LoginThrottle port: in process memory, or Redis.

Two fixed windows are counted per failure: one for the client address and username (the
``per_user`` rate) and a looser one for the address alone (``per_address``), so one address
cannot try a password against thousands of usernames either. A window opens at the first
failure and lasts its rate's period; a success clears only the address+username window.
"""

from __future__ import annotations

import hashlib
import math
import threading
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

import redis
from redis.commands.core import Script

from selteq_core import Clock, LoginThrottle, RateLimited, Unavailable

from .settings import Rate, Settings


def _digest(*parts: str) -> str:
    """A fixed-size, key-safe name for any client and username (length-prefixed, so
    ``("a:b", "c")`` and ``("a", "b:c")`` never collide)."""
    h = hashlib.blake2b(digest_size=16)
    for part in parts:
        data = part.encode("utf-8", "surrogatepass")
        h.update(len(data).to_bytes(8, "big"))
        h.update(data)
    return h.hexdigest()


class _Windows:
    """Fixed windows of one rate, oldest first, so expiry and the size cap evict from the
    front in O(1). Not locked: the owning throttle holds its lock around every call."""

    def __init__(self, rate: Rate, max_keys: int) -> None:
        self.rate = rate
        self._max_keys = max_keys
        self._open: OrderedDict[str, tuple[float, int]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._open)

    def evict(self, now: float) -> None:
        while self._open:
            start, _ = next(iter(self._open.values()))
            if start + self.rate.period > now:
                break
            self._open.popitem(last=False)

    def retry_after(self, key: str, now: float) -> int | None:
        """Seconds until the window reopens when it is spent, else None."""
        start, count = self._open.get(key, (now, 0))
        if count < self.rate.count:
            return None
        return min(self.rate.period, max(1, math.ceil(start + self.rate.period - now)))

    def hit(self, key: str, now: float) -> None:
        start, count = self._open.get(key, (now, 0))
        self._open[key] = (start, count + 1)  # an existing key keeps its place in the order
        while len(self._open) > self._max_keys:
            self._open.popitem(last=False)

    def clear(self, key: str) -> None:
        self._open.pop(key, None)


class MemoryLoginThrottle(LoginThrottle):
    """One process's throttle, for the embedded setup without Redis.

    Thread-safe. Memory is bounded: expired windows are dropped as time passes and at most
    ``max_keys`` windows per rate are kept (past that the oldest go first, which forgives
    the oldest failures rather than letting a flood of addresses grow the process)."""

    def __init__(
        self, per_user: Rate, per_address: Rate, clock: Clock, *, max_keys: int = 100_000
    ) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._user = _Windows(per_user, max_keys)
        self._address = _Windows(per_address, max_keys)

    def __len__(self) -> int:
        """How many windows are held (both rates); for observing the memory bound."""
        with self._lock:
            return len(self._user) + len(self._address)

    def check(self, client: str, username: str) -> None:
        with self._lock:
            now = self._now()
            waits = [
                self._user.retry_after(_digest(client, username), now),
                self._address.retry_after(_digest(client), now),
            ]
        spent = [wait for wait in waits if wait is not None]
        if spent:
            raise RateLimited(max(spent))

    def failed(self, client: str, username: str) -> None:
        with self._lock:
            now = self._now()
            self._user.hit(_digest(client, username), now)
            self._address.hit(_digest(client), now)

    def succeeded(self, client: str, username: str) -> None:
        with self._lock:
            self._user.clear(_digest(client, username))

    def _now(self) -> float:
        now = self._clock.now().timestamp()
        self._user.evict(now)
        self._address.evict(now)
        return now


# KEYS: user window, address window. ARGV: their periods in seconds. A key that somehow
# lost its TTL (a PERSIST by hand, say) gets one again, so no window can last forever.
_FAIL = """
for i = 1, 2 do
  local n = redis.call('INCR', KEYS[i])
  if n == 1 or redis.call('PTTL', KEYS[i]) < 0 then
    redis.call('EXPIRE', KEYS[i], ARGV[i])
  end
end
return 1
"""

# KEYS as above. Returns count and milliseconds to live of each window.
_CHECK = """
local out = {}
for i = 1, 2 do
  out[2 * i - 1] = tonumber(redis.call('GET', KEYS[i]) or '0')
  out[2 * i] = redis.call('PTTL', KEYS[i])
end
return out
"""


class RedisLoginThrottle(LoginThrottle):
    """The throttle shared by every process that talks to the same Redis.

    Each failure increments both windows and sets their expiry in one Lua script, so
    concurrent failures from many processes are all counted and a window's lifetime is set
    once. Retry-After is the spent window's remaining TTL. Keys hold digests, never the raw
    username or address, and share a hash tag per address so a cluster keeps the pair on one
    slot. Any Redis error becomes the core's Unavailable."""

    def __init__(
        self,
        client: redis.Redis,
        per_user: Rate,
        per_address: Rate,
        *,
        prefix: str = "selteq:login:",
    ) -> None:
        self._per_user = per_user
        self._per_address = per_address
        self._prefix = prefix
        self._fail = client.register_script(_FAIL)
        self._check = client.register_script(_CHECK)
        self._client = client

    def keys(self, client: str, username: str) -> tuple[str, str]:
        """The Redis keys of the address+username window and of the address window."""
        address = f"{self._prefix}{{{_digest(client)}}}"
        return f"{address}:user:{_digest(client, username)}", f"{address}:addr"

    def check(self, client: str, username: str) -> None:
        reply = self._run(self._check, self.keys(client, username))
        try:
            user_count, user_ttl, address_count, address_ttl = (int(x) for x in reply)
        except (TypeError, ValueError) as exc:
            raise Unavailable("the login throttle store gave an unexpected reply") from exc
        waits = [
            _wait(self._per_user, user_count, user_ttl),
            _wait(self._per_address, address_count, address_ttl),
        ]
        spent = [wait for wait in waits if wait is not None]
        if spent:
            raise RateLimited(max(spent))

    def failed(self, client: str, username: str) -> None:
        periods = (self._per_user.period, self._per_address.period)
        self._run(self._fail, self.keys(client, username), periods)

    def succeeded(self, client: str, username: str) -> None:
        user_key, _ = self.keys(client, username)
        try:
            self._client.delete(user_key)
        except redis.RedisError as exc:
            raise Unavailable("the login throttle store is unavailable") from exc

    def _run(self, script: Script, keys: Sequence[str], args: Sequence[int] = ()) -> Any:
        try:
            return script(keys=keys, args=args)
        except redis.RedisError as exc:
            raise Unavailable("the login throttle store is unavailable") from exc


def _wait(rate: Rate, count: int, ttl_ms: int) -> int | None:
    """Seconds to wait when the window is spent: its TTL, or a whole period without one."""
    if count < rate.count:
        return None
    if ttl_ms <= 0:
        return rate.period
    return min(rate.period, max(1, math.ceil(ttl_ms / 1000)))


def make_login_throttle(
    settings: Settings, clock: Clock, client: redis.Redis | None
) -> LoginThrottle:
    """Redis when the process has a client (shared by every replica), else this process's memory."""
    if client is None:
        return MemoryLoginThrottle(settings.login_rate, settings.login_rate_per_address, clock)
    return RedisLoginThrottle(client, settings.login_rate, settings.login_rate_per_address)
