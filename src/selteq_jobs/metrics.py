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
from prometheus_client import Counter, Histogram, start_http_server

from selteq_adapters.container import Settings
from selteq_core import JobRun

log = logging.getLogger("selteq.metrics")


@attrs.frozen
class SchedulerMetrics:
    ticks: Counter
    sent: Counter
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
        Counter("selteq_scheduler_errors", "Ticks lost to a backing service.", ["service"]),
    )
    made.errors.labels("redis")
    made.errors.labels("database")
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


@attrs.frozen
class ScheduleMetrics:
    """Per schedule (label ``schedule``, its id; empty for a run no schedule sent)."""

    sent: Counter


@functools.cache
def schedules() -> ScheduleMetrics:
    return ScheduleMetrics(
        Counter("selteq_schedule_runs_sent", "Due runs this replica sent.", ["schedule"]),
    )


@attrs.frozen
class RunMetrics:
    """The worker's figures per schedule, told by the run recorder as it records each
    attempt: runs finished by outcome, failures (given up), and how late runs started
    after they were due."""

    runs: Counter
    failures: Counter
    lag: Histogram

    def started(self, run: JobRun) -> None:
        lag = run.lag
        if lag is not None:
            self.lag.labels(_schedule(run)).observe(max(0.0, lag.total_seconds()))

    def finished(self, run: JobRun) -> None:
        self.runs.labels(_schedule(run), run.outcome).inc()
        if run.outcome == "failed":
            self.failures.labels(_schedule(run)).inc()


def _schedule(run: JobRun) -> str:
    return "" if run.schedule_id is None else str(run.schedule_id.value)


@functools.cache
def runs() -> RunMetrics:
    return RunMetrics(
        Counter(
            "selteq_job_runs", "Attempts of job runs ended, by outcome.", ["schedule", "outcome"]
        ),
        Counter("selteq_job_run_failures", "Runs given up (dead letters).", ["schedule"]),
        Histogram(
            "selteq_job_run_lag_seconds",
            "Seconds from a run's due time to its start.",
            ["schedule"],
            buckets=(0.1, 0.5, 1, 2, 5, 10, 30, 60, 300, 900),
        ),
    )


def serve_metrics(settings: Settings, name: str) -> Callable[[], None]:
    """Start the metrics listener of this process; the returned call stops it."""
    server, thread = start_http_server(settings.metrics_port, addr=settings.host)
    log.info("%s metrics on http://%s:%d/metrics", name, settings.host, settings.metrics_port)

    def stop() -> None:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)

    return stop
