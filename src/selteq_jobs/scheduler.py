"""`selteq-scheduler` (`make scheduler`): every second, send each due schedule's run.

The schedules are rows in the database (staff edit them; see ``selteq_core`` and
``docs/operations.md``): each tick reads the due ones, so a created, edited, paused or
deleted schedule takes effect at the next tick of every replica, with no restart. Of
several replicas, one sends each due run (the tick lock, keyed by schedule and due time,
and a compare-and-set on the due time). Needs SELTEQ_REDIS_URL: without Redis there is
nothing to send through, and the API process runs the same schedules itself (its embedded
mode calls the same ``container.jobs.run_due_schedules``).
"""

from __future__ import annotations

import argparse
import logging
import time
from collections.abc import Callable, Sequence

import attrs

from selteq_adapters.container import Settings, bootstrap, configure_logging, load_settings
from selteq_core import JobRun, Unavailable

from . import metrics
from ._signals import Stop, stop_on_signals
from ._spans import SpanFactory, untraced

log = logging.getLogger("selteq.scheduler")


@attrs.define
class ScheduleTick:
    """One tick: send what is due. A backing service being away costs the tick, not the
    scheduler, and not the run: the schedule stays due and the next tick sends it, once.
    An outage is logged twice, a WARNING when the first tick fails and an INFO when a tick
    gets through again; the ticks failing in between log at DEBUG (the metrics still count
    every failed tick)."""

    run_due: Callable[[], list[JobRun]]
    span: SpanFactory = untraced
    _failing: bool = False

    def __call__(self) -> list[JobRun]:
        with self.span("scheduler tick"):
            return self._tick()

    def _tick(self) -> list[JobRun]:
        counts = metrics.scheduler()
        counts.ticks.inc()
        try:
            sent = self.run_due()
        except Unavailable as exc:
            counts.errors.labels(_service(exc)).inc()
            if self._failing:
                log.debug("tick lost, still unavailable: %s", exc)
            else:
                log.warning(
                    "tick lost: %s; trying every tick, logging once more when it is back", exc
                )
                self._failing = True
            return []
        if self._failing:
            log.info("the scheduler's backing services answer again")
            self._failing = False
        for run in sent:
            schedule = "" if run.schedule_id is None else str(run.schedule_id.value)
            counts.sent.inc()
            metrics.schedules().sent.labels(schedule).inc()
        return sent


def _service(error: Unavailable) -> str:
    return "database" if "database" in str(error) else "redis"


def run_ticks(tick: Callable[[], object], stop: Stop, every: float) -> None:
    """Call ``tick`` on every multiple of ``every`` seconds (so replicas tick together)
    until stopped."""
    while not stop.wait(every - time.time() % every):
        tick()


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="selteq-scheduler", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--tick", type=float, default=1.0, help="seconds between reads of the schedules (1)"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Tick until SIGINT/SIGTERM. The main thread waits for the stop between ticks (see
    ``_signals``), so a signal ends the wait at once and never interrupts a send."""
    settings = load_settings("selteq-scheduler")
    parser = _parser()
    args = parser.parse_args(argv)
    configure_logging(settings)
    if settings.redis_url is None:
        parser.exit(
            2,
            "selteq-scheduler: SELTEQ_REDIS_URL is not set. The scheduler sends through Redis;"
            " without it, `make run` runs the schedules inside the API process.\n",
        )
    if args.tick <= 0:
        parser.error("--tick must be positive")
    return _serve(settings, args.tick)


def _serve(settings: Settings, every: float) -> int:
    with stop_on_signals(restore=False) as stop:
        if stop.is_set():
            return 0
        container = bootstrap(settings)
        stop_metrics = metrics.serve_metrics(settings, "scheduler") if settings.metrics else None
        try:
            tick = ScheduleTick(container.jobs.run_due_schedules, container.span)
            log.info("sending the due schedules, reading them every %g s", every)
            run_ticks(tick, stop, every)
        finally:
            if stop_metrics is not None:
                stop_metrics()
            container.close()
    log.info("scheduler stopped")
    return 0
