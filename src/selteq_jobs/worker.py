"""The module Dramatiq's own CLI loads: ``selteq-worker`` (worker_cli.py) or
``dramatiq selteq_jobs.worker``.

This is the one place where importing a module builds things: Dramatiq's CLI imports the
module named on its command line in each worker process and then takes the global broker,
so the broker must exist once the import is done. Settings come from the environment
(``load_settings``: a bad value is one line on stderr and exit status 2), the container
from ``bootstrap``, the broker from the container; the actors are declared on it and it
becomes Dramatiq's global broker. No other module imports this one. Without
SELTEQ_REDIS_URL the worker stops the same way: an in-process broker would leave it
waiting on a queue nobody can reach.
"""

from __future__ import annotations

import dramatiq

from selteq_adapters.container import (
    Container,
    Settings,
    bootstrap,
    configure_logging,
    load_settings,
)

from .actors import Actors, declare_actors
from .worker_cli import PROG, require_redis


class CloseContainer(dramatiq.Middleware):
    """Closes the container's pools when the worker stops, after the last message."""

    def __init__(self, container: Container) -> None:
        self.container = container

    def after_worker_shutdown(self, broker: dramatiq.Broker, worker: dramatiq.Worker) -> None:
        self.container.close()


def boot(settings: Settings | None = None) -> tuple[dramatiq.Broker, Actors]:
    """Build the container and broker, declare the actors, and make the broker global."""
    settings = settings or load_settings(PROG)
    require_redis(settings)
    configure_logging(settings)
    if settings.metrics:  # SELTEQ_METRICS: before the container imports prometheus_client
        from .workermetrics import worker_prometheus

        prometheus = worker_prometheus()
    container = bootstrap(settings)
    broker = container.broker
    if settings.metrics:
        broker.add_middleware(prometheus)
    observer = None
    if settings.metrics:
        from .metrics import runs

        observer = runs()
    container.jobs.record_runs(broker, observer)
    broker.add_middleware(CloseContainer(container))
    actors = declare_actors(broker, container)
    dramatiq.set_broker(broker)
    return broker, actors


broker, actors = boot()
