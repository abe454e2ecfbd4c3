"""Prometheus metrics the container adds when SELTEQ_METRICS is on: login outcomes and the
database pool. The core stays free of prometheus_client; these wrap or read its ports.

The metric objects live in prometheus_client's default registry, as the library expects,
so that its multiprocess mode (PROMETHEUS_MULTIPROC_DIR, set up by ``selteq-api``) writes
every server worker's values where one scrape reads them all. This module is imported only
when metrics are on, so a process without them creates nothing.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import attrs
from prometheus_client import Counter, Gauge

from selteq_core import LoginThrottle, RateLimited

from .db.pool import PoolStats

LOGINS = Counter(
    "selteq_logins",
    "Login attempts by outcome: success, wrong_password (unknown users too), throttled.",
    ["outcome"],
)
POOL_CONNECTIONS = Gauge(
    "selteq_db_pool_connections",
    "Database connections by state: in_use (lent to a request) or idle (kept warm).",
    ["state"],
    multiprocess_mode="livesum",
)
POOL_SIZE = Gauge(
    "selteq_db_pool_size",
    "The most connections the pools may hold at once.",
    multiprocess_mode="livesum",
)
POOL_WAITING = Gauge(
    "selteq_db_pool_waiting",
    "Threads waiting for a database connection now.",
    multiprocess_mode="livesum",
)
POOL_WAITS = Counter(
    "selteq_db_pool_waits",
    "Connection requests that found every connection lent out and had to wait.",
)
DB_UNAVAILABLE = Counter(
    "selteq_db_unavailable",
    "Times the database was unavailable: connect (could not connect), broken (a statement"
    " failed), busy (no connection free within the pool's timeout).",
    ["reason"],
)
REFRESH_SECONDS = 1.0


@attrs.frozen
class CountedLoginThrottle:
    """The login throttle, counting each outcome on its way through: the core's Login calls
    ``check`` first (which refuses a throttled client), then exactly one of ``failed`` or
    ``succeeded``, so every login path of every edge is counted once."""

    inner: LoginThrottle

    def __attrs_post_init__(self) -> None:
        for outcome in ("success", "wrong_password", "throttled"):
            LOGINS.labels(outcome)  # present at zero from the first scrape

    def check(self, client: str, username: str) -> None:
        try:
            self.inner.check(client, username)
        except RateLimited:
            LOGINS.labels("throttled").inc()
            raise

    def failed(self, client: str, username: str) -> None:
        LOGINS.labels("wrong_password").inc()
        self.inner.failed(client, username)

    def succeeded(self, client: str, username: str) -> None:
        LOGINS.labels("success").inc()
        self.inner.succeeded(client, username)


class PoolGauges:
    """Copies the pool's counts into the gauges once a second, from a daemon thread.

    A collector that read the pool at scrape time would only see the one server worker
    that answered the scrape; gauges written by every worker are summed by the multiprocess
    collector instead. The totals are added as deltas, so counters only ever go up."""

    def __init__(self, stats: Callable[[], PoolStats], interval: float = REFRESH_SECONDS) -> None:
        self._stats = stats
        self._interval = interval
        self._stop = threading.Event()
        self._seen = PoolStats(0, 0, 0, 0, 0, {})
        self._thread = threading.Thread(target=self._run, name="selteq-pool-metrics", daemon=True)

    def start(self) -> PoolGauges:
        self.refresh()
        self._thread.start()
        return self

    def refresh(self) -> None:
        now = self._stats()
        POOL_SIZE.set(now.size)
        POOL_CONNECTIONS.labels("in_use").set(now.in_use)
        POOL_CONNECTIONS.labels("idle").set(now.idle)
        POOL_WAITING.set(now.waiting)
        POOL_WAITS.inc(now.waits - self._seen.waits)
        for reason, count in now.unavailable.items():
            DB_UNAVAILABLE.labels(reason).inc(count - self._seen.unavailable.get(reason, 0))
        self._seen = now

    def close(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=2 * self._interval)
        self.refresh()

    def _run(self) -> None:
        while not self._stop.wait(self._interval):
            self.refresh()
