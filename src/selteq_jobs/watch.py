"""`selteq-watch` (`make watch`): log every task, every 10 seconds, until stopped.

selteq-watch                          every task, every 10 s, to the console and var/tasks.log
selteq-watch --user 1 --interval 2    one user's tasks, every 2 s
selteq-watch --ticks 1                one pass, then exit (for scripts)
"""

from __future__ import annotations

import argparse
import logging
import threading
from collections.abc import Sequence
from logging.handlers import RotatingFileHandler
from pathlib import Path

import attrs

from selteq_adapters.container import Container, Settings, bootstrap
from selteq_core import LogTasks, Unavailable

from . import metrics
from ._signals import stop_on_signals

log = logging.getLogger("selteq.watch")
TASK_LOGGERS = ("selteq.watch", "selteq.tasks")

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
LOG_MAX_BYTES = 10 * 1024 * 1024
LOG_BACKUPS = 5


@attrs.frozen
class Watcher:
    """Logs every task (or one user's) once per tick through ``LogTasks``. Rows stream in
    batches, so a tick needs the same memory at a thousand tasks as at millions."""

    log_tasks: LogTasks
    user_id: int | None = None

    def tick(self) -> int | None:
        """Log each task; the number logged, or None when the database could not be read.

        A database that is down costs one warning line: the next tick simply tries again."""
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

    def run(self, stop: threading.Event, interval: float, ticks: int | None = None) -> int:
        """Tick now and then every ``interval`` seconds until ``stop`` is set or ``ticks``
        ticks have run; returns the number of ticks. Waiting on the event, not sleeping,
        is what lets a signal end the wait at once."""
        done = 0
        while not stop.is_set():
            self.tick()
            done += 1
            if (ticks is not None and done >= ticks) or stop.wait(interval):
                break
        return done


def configure_logging(log_file: str, level: str = "INFO") -> list[logging.Handler]:
    """Send the watcher's and the task log's records to the console and a size-bounded
    rotating file. The loggers stop
    propagating meanwhile, so a root handler set up by someone else does not print twice."""
    Path(log_file).parent.mkdir(parents=True, exist_ok=True)
    formatter = logging.Formatter(LOG_FORMAT)
    handlers: list[logging.Handler] = [
        logging.StreamHandler(),
        RotatingFileHandler(
            log_file, maxBytes=LOG_MAX_BYTES, backupCount=LOG_BACKUPS, encoding="utf-8"
        ),
    ]
    for name in TASK_LOGGERS:
        logger = logging.getLogger(name)
        for handler in handlers:
            handler.setFormatter(formatter)
            logger.addHandler(handler)
        logger.setLevel(level)
        logger.propagate = False
    return handlers


def unconfigure_logging(handlers: list[logging.Handler]) -> None:
    for name in TASK_LOGGERS:
        logger = logging.getLogger(name)
        for handler in handlers:
            logger.removeHandler(handler)
        logger.propagate = True
    for handler in handlers:
        handler.close()


def _parser(settings: Settings) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="selteq-watch", description=__doc__.splitlines()[0])
    parser.add_argument("--interval", type=float, default=10.0, help="seconds between ticks")
    parser.add_argument("--user", type=int, default=None, help="only this user's tasks")
    parser.add_argument(
        "--batch-size", type=int, default=1000, help="rows read per database round trip"
    )
    parser.add_argument(
        "--log-file", default=settings.tasks_log, help="rotating log file (%(default)s)"
    )
    parser.add_argument("--ticks", type=int, default=None, help="stop after this many ticks")
    return parser


def main(argv: Sequence[str] | None = None, *, container: Container | None = None) -> int:
    """Run the watcher; ``container`` lets a test hand in one built on its own database."""
    settings = container.settings if container is not None else Settings.from_env()
    args = _parser(settings).parse_args(argv)
    if args.interval <= 0 or args.batch_size < 1 or (args.ticks is not None and args.ticks < 1):
        _parser(settings).error("--interval, --batch-size and --ticks must be positive")
    owned = container is None
    container = container or bootstrap(settings)
    handlers = configure_logging(args.log_file, settings.log_level)
    stop = threading.Event()
    report = attrs.evolve(container.log_tasks.report, batch_size=args.batch_size)
    watcher = Watcher(attrs.evolve(container.log_tasks, report=report), args.user)
    stop_metrics = metrics.serve_metrics(settings, "watcher") if settings.metrics else None
    try:
        with stop_on_signals(stop.set):
            watcher.run(stop, args.interval, args.ticks)
    finally:
        if stop_metrics is not None:
            stop_metrics()
        unconfigure_logging(handlers)
        if owned:
            container.close()
    return 0
