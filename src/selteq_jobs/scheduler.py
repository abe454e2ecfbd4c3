"""`selteq-scheduler` (`make scheduler`): send ``print_user_tasks(user)`` once per tick,
and ``purge_idempotency_keys()`` once per purge tick (hourly by default).

Ticks are aligned to the epoch (every multiple of the interval), so every replica fires
at the same instants and names the tick the same way; a Redis ``SET NX`` per tick lets
exactly one of them send. Needs SELTEQ_REDIS_URL: without Redis there is nothing to send
through, and the API runs the job itself (its embedded mode).
"""

from __future__ import annotations

import argparse
import logging
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

import attrs
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger

from selteq_adapters.container import Settings, bootstrap, configure_logging, load_settings
from selteq_core import Clock, TickLock, Unavailable

from . import metrics
from ._signals import stop_on_signals
from ._spans import SpanFactory, untraced
from .actors import PRINT_USER_TASKS, PURGE_IDEMPOTENCY_KEYS, declare_actors

log = logging.getLogger("selteq.scheduler")

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@attrs.define
class ReportTick:
    """One tick: win the tick's lock, then send. Redis being away costs the tick, not the
    scheduler: the next tick tries again. An outage is logged twice, a WARNING when the
    first tick fails and an INFO when a tick gets through again; the ticks failing in
    between log at DEBUG, so a long outage does not fill the log (the metrics still count
    every failed tick)."""

    send: Callable[..., object]
    lock: TickLock
    clock: Clock
    interval: int
    user_id: int | None
    """The argument sent (the report's user); None for a job that takes none (the purge)."""
    name: str = PRINT_USER_TASKS
    span: SpanFactory = untraced
    _failing: bool = False

    def tick_of(self, now: datetime) -> int:
        """The tick a moment belongs to. APScheduler never fires before the scheduled wall
        time, so flooring lands every replica on the same number."""
        return int(now.timestamp() // self.interval)

    def __call__(self) -> bool:
        tick = self.tick_of(self.clock.now())
        with self.span("scheduler tick", **{"selteq.tick": tick}):
            return self._tick(tick)

    def _tick(self, tick: int) -> bool:
        counts = metrics.scheduler()
        counts.ticks.inc()
        try:
            if not self.lock.acquire(self.name, str(tick), ttl=2 * self.interval):
                log.debug("tick %d: another replica sends %s", tick, self.name)
                counts.skipped.inc()
                self._recovered()
                return False
            self.send(*self._args())
        except Unavailable as exc:
            counts.errors.labels("redis").inc()
            if self._failing:
                log.debug("tick %d: Redis still unavailable: %s", tick, exc)
            else:
                log.warning(
                    "tick %d: Redis unavailable; trying every tick, logging once more when"
                    " it is back: %s",
                    tick,
                    exc,
                )
                self._failing = True
            return False
        self._recovered()
        log.info("tick %d: sent %s%s", tick, self.name, self.call())
        counts.sent.inc()
        return True

    def _args(self) -> tuple[int, ...]:
        return () if self.user_id is None else (self.user_id,)

    def call(self) -> str:
        """The arguments as a log line shows them: ``(1)``, or ``()``."""
        return f"({', '.join(map(str, self._args()))})"

    def _recovered(self) -> None:
        if self._failing:
            log.info("Redis is reachable again")
            self._failing = False


def schedule(
    scheduler: Any,
    tick: ReportTick,
    *,
    start: datetime | None = None,
    end: datetime | None = None,
) -> Any:
    """Add the tick to an APScheduler 3 scheduler: one run at a time, missed runs merged
    into one, and a run later than half an interval dropped (its tick would be misnamed)."""
    scheduler.add_job(
        tick,
        IntervalTrigger(seconds=tick.interval, start_date=start or EPOCH, end_date=end),
        id=tick.name,
        name=f"send {tick.name}{tick.call()}",
        coalesce=True,
        max_instances=1,
        misfire_grace_time=max(1, tick.interval // 2),
        replace_existing=True,
    )
    return scheduler


def _parser(settings: Settings) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="selteq-scheduler", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--interval", type=int, default=settings.report_interval, help="seconds between sends"
    )
    parser.add_argument(
        "--user", type=int, default=settings.report_user_id, help="whose tasks to report"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Send until SIGINT/SIGTERM. APScheduler runs in its own thread; the main thread only
    waits for the stop (see ``_signals``) and then shuts the scheduler down itself, so no
    signal handler ever waits for a running send."""
    settings = load_settings("selteq-scheduler")
    parser = _parser(settings)
    args = parser.parse_args(argv)
    configure_logging(settings)
    if settings.redis_url is None:
        parser.exit(
            2,
            "selteq-scheduler: SELTEQ_REDIS_URL is not set. The scheduler sends through Redis;"
            " without it, `make run` runs the minute job inside the API process.\n",
        )
    if args.interval < 1 or args.user < 1:
        parser.error("--interval and --user must be positive")
    with stop_on_signals(restore=False) as stop:
        if stop.is_set():
            return 0
        container = bootstrap(settings)
        stop_metrics = metrics.serve_metrics(settings, "scheduler") if settings.metrics else None
        try:
            broker = container.broker
            actors = declare_actors(broker, container)
            assert container.tick_lock is not None  # Redis is configured, checked above
            tick = ReportTick(
                actors.print_user_tasks.send,
                container.tick_lock,
                container.clock,
                args.interval,
                args.user,
                name=f"{getattr(broker, 'namespace', 'local')}.{PRINT_USER_TASKS}",
                span=container.span,
            )
            purge = ReportTick(
                actors.purge_idempotency_keys.send,
                container.tick_lock,
                container.clock,
                settings.purge_interval,
                None,
                name=f"{getattr(broker, 'namespace', 'local')}.{PURGE_IDEMPOTENCY_KEYS}",
                span=container.span,
            )
            scheduler = BackgroundScheduler(timezone=UTC, daemon=True)
            schedule(schedule(scheduler, tick), purge)
            if not stop.is_set():
                scheduler.start()
                log.info("sending %s(%d) every %d s", PRINT_USER_TASKS, args.user, args.interval)
                log.info("sending %s() every %d s", PURGE_IDEMPOTENCY_KEYS, purge.interval)
                stop.wait()
                scheduler.shutdown(wait=True)
        finally:
            if stop_metrics is not None:
                stop_metrics()
            container.close()
    log.info("scheduler stopped")
    return 0
