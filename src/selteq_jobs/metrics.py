"""Prometheus metrics of the scheduler and the watcher, and the small listener that serves
them (SELTEQ_METRICS on SELTEQ_HOST:SELTEQ_METRICS_PORT). Each of those is one process, so
prometheus_client's default registry is all a scrape needs. The worker's metrics are
Dramatiq's own (workermetrics.py).

Each group is made on first use, so a process exports only its own figures.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable

import attrs
from prometheus_client import Counter, start_http_server

from selteq_adapters.container import Settings

log = logging.getLogger("selteq.metrics")


@attrs.frozen
class SchedulerMetrics:
    ticks: Counter
    sent: Counter
    skipped: Counter
    errors: Counter


@attrs.frozen
class WatchMetrics:
    ticks: Counter
    tasks: Counter
    errors: Counter


@functools.cache
def scheduler() -> SchedulerMetrics:
    made = SchedulerMetrics(
        Counter("selteq_scheduler_ticks", "Ticks run, whoever sent."),
        Counter("selteq_scheduler_messages_sent", "Messages this replica sent to the broker."),
        Counter("selteq_scheduler_ticks_skipped", "Ticks another replica won and sent."),
        Counter("selteq_scheduler_errors", "Ticks lost to a backing service.", ["service"]),
    )
    made.errors.labels("redis")
    return made


@functools.cache
def watch() -> WatchMetrics:
    made = WatchMetrics(
        Counter("selteq_watch_ticks", "Watcher passes run."),
        Counter("selteq_watch_tasks_logged", "Task records the watcher logged."),
        Counter("selteq_watch_errors", "Passes lost to a backing service.", ["service"]),
    )
    made.errors.labels("database")
    return made


def serve_metrics(settings: Settings, name: str) -> Callable[[], None]:
    """Start the metrics listener of this process; the returned call stops it."""
    server, thread = start_http_server(settings.metrics_port, addr=settings.host)
    log.info("%s metrics on http://%s:%d/metrics", name, settings.host, settings.metrics_port)

    def stop() -> None:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)

    return stop
