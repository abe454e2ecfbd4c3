"""`selteq-watch` (`make watch`): log every task, every 10 seconds, until stopped.

selteq-watch                          every task, every 10 s, to the console and var/tasks.log
selteq-watch --user 1 --interval 2    one user's tasks, every 2 s
selteq-watch --ticks 1                one pass, then exit (for scripts)
selteq-watch --one-by-one             the Django project's pace: one task every 10 s, in id
                                      order, then exit
"""

from __future__ import annotations

import argparse
import logging
from collections.abc import Sequence

import attrs

from selteq_adapters.container import (
    Container,
    Settings,
    bootstrap,
    configure_logging,
    file_handler,
    load_settings,
)
from selteq_core import LogTasks, LogTasksOneByOne, Unavailable

from . import metrics
from ._signals import Stop, stop_on_signals
from ._spans import SpanFactory, untraced

log = logging.getLogger("selteq.watch")
TASK_LOGGERS = ("selteq.watch", "selteq.tasks")


@attrs.frozen
class Watcher:
    """Logs every task (or one user's) once per tick through ``LogTasks``. Rows stream in
    batches, so a tick needs the same memory at a thousand tasks as at millions."""

    log_tasks: LogTasks
    user_id: int | None = None
    span: SpanFactory = untraced

    def tick(self) -> int | None:
        """Log each task; the number logged, or None when the database could not be read.

        A database that is down costs one warning line: the next tick simply tries again.
        One span per tick when tracing is on, the database statements inside it."""
        with self.span("watch tick"):
            return self._tick()

    def _tick(self) -> int | None:
        counts = metrics.watch()
        counts.ticks.inc()
        try:
            count = self.log_tasks(self.user_id)
        except Unavailable as exc:
            log.warning("database unavailable, trying again next tick: %s", exc)
            counts.errors.labels("database").inc()
            return None
        counts.tasks.inc(count)
        return count

    def run(self, stop: Stop, interval: float, ticks: int | None = None) -> int:
        """Tick now and then every ``interval`` seconds until ``stop`` is set or ``ticks``
        ticks have run; returns the number of ticks. Waiting on the stop, not sleeping,
        is what lets a signal end the wait at once."""
        done = 0
        while not stop.is_set():
            self.tick()
            done += 1
            if (ticks is not None and done >= ticks) or stop.wait(interval):
                break
        return done


@attrs.frozen
class Walker:
    """``--one-by-one``: every task (or one user's) once through ``LogTasksOneByOne``, one
    record per interval, then done. The wait between records is the stop's, so a signal
    ends the walk at once, between two records."""

    log_each: LogTasksOneByOne
    user_id: int | None = None
    span: SpanFactory = untraced

    def run(self, stop: Stop, interval: float) -> int | None:
        """The number of tasks logged, or None when the database could not be read: a
        walk is one pass, so an outage ends it (the exit status says so) rather than
        starting it over."""
        counts = metrics.watch()
        counts.ticks.inc()
        with self.span("watch walk"):
            try:
                count = self.log_each(lambda: stop.wait(interval), self.user_id)
            except Unavailable as exc:
                log.warning("database unavailable, the walk stops: %s", exc)
                counts.errors.labels("database").inc()
                return None
        counts.tasks.inc(count)
        return count


def log_to_file(settings: Settings, path: str) -> logging.Handler:
    """Also write the watcher's and the task log's records to a size-bounded rotating
    file, in the same format."""
    handler = file_handler(settings, path)
    for name in TASK_LOGGERS:
        logging.getLogger(name).addHandler(handler)
        logging.getLogger(name).setLevel(settings.log_level)
    return handler


def stop_logging_to_file(handler: logging.Handler) -> None:
    for name in TASK_LOGGERS:
        logging.getLogger(name).removeHandler(handler)
    handler.close()


def _parser(settings: Settings) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="selteq-watch", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--interval",
        type=float,
        default=10.0,
        help="seconds between ticks, or between two tasks with --one-by-one (%(default)s)",
    )
    parser.add_argument("--user", type=int, default=None, help="only this user's tasks")
    parser.add_argument(
        "--batch-size", type=int, default=1000, help="rows read per database round trip"
    )
    parser.add_argument(
        "--log-file", default=settings.tasks_log, help="rotating log file (%(default)s)"
    )
    parser.add_argument("--ticks", type=int, default=None, help="stop after this many ticks")
    parser.add_argument(
        "--one-by-one",
        action="store_true",
        help="log one task per interval, in id order, each task once, then exit (exit status"
        " 1 when the database could not be read)",
    )
    return parser


def main(argv: Sequence[str] | None = None, *, container: Container | None = None) -> int:
    """Run the watcher. ``container`` lets a test hand in one built on its own database;
    the test then owns the process's logging and signal handlers."""
    owned = container is None
    status = 0
    settings = load_settings("selteq-watch") if container is None else container.settings
    args = _parser(settings).parse_args(argv)
    if args.interval <= 0 or args.batch_size < 1 or (args.ticks is not None and args.ticks < 1):
        _parser(settings).error("--interval, --batch-size and --ticks must be positive")
    if args.one_by_one and args.ticks is not None:
        _parser(settings).error("--one-by-one walks once: it takes no --ticks")
    if owned:
        configure_logging(settings)
    with stop_on_signals(restore=not owned) as stop:
        if stop.is_set():
            return 0
        container = container or bootstrap(settings)
        handler = log_to_file(settings, args.log_file)
        report = attrs.evolve(container.log_tasks.report, batch_size=args.batch_size)
        stop_metrics = metrics.serve_metrics(settings, "watcher") if settings.metrics else None
        try:
            if args.one_by_one:
                each = attrs.evolve(container.log_tasks_one_by_one, report=report)
                walked = Walker(each, args.user, container.span).run(stop, args.interval)
                status = 0 if walked is not None else 1
            else:
                log_tasks = attrs.evolve(container.log_tasks, report=report)
                Watcher(log_tasks, args.user, container.span).run(stop, args.interval, args.ticks)
        finally:
            if stop_metrics is not None:
                stop_metrics()
            stop_logging_to_file(handler)
            if owned:
                container.close()
    return status
