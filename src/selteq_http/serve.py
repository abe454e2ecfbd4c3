"""``selteq-api`` (``make run``): serve the API with Granian on SELTEQ_HOST:SELTEQ_PORT.

One process in development; ``SELTEQ_WORKERS`` processes in production. Granian was chosen
over uvicorn by measurement (see the README's API section), and it runs the app on uvloop
where uvloop is installed (a dependency everywhere but Windows): the list answered 12% more
requests per second than on asyncio's own loop (``python -m bench.whatif``, README).
"""

from __future__ import annotations

import importlib.util
import logging
import sys

from granian import Granian
from granian.constants import Interfaces, Loops

from selteq_adapters.container import Settings, SettingsError, redact_url

from .logs import configure_logging
from .metricsdir import prepare_multiprocess

log = logging.getLogger("selteq.http.serve")
TARGET = "selteq_http.asgi:create"


def event_loop() -> Loops:
    """uvloop when it is installed, else the standard library's loop."""
    return Loops.uvloop if importlib.util.find_spec("uvloop") else Loops.asyncio


def main() -> int:
    try:
        settings = Settings.from_env()
    except SettingsError as error:
        print(f"selteq-api: {error}", file=sys.stderr)  # noqa: T201 - CLI output
        return 2
    configure_logging(settings.log_level)
    workers = settings.server_workers
    if settings.redis_url is None and not settings.embedded_jobs:
        log.warning(
            "no SELTEQ_REDIS_URL and %d workers: the minute job does not run in the API;"
            " set SELTEQ_REDIS_URL and run `make worker` and `make scheduler`",
            workers,
        )
    if settings.metrics:  # SELTEQ_METRICS: one directory of metric files for every worker
        log.info("metrics of every worker are gathered in %s", prepare_multiprocess())
    loop = event_loop()
    log.info(
        "serving %s on http://%s:%d with %d worker(s) on %s",
        redact_url(settings.database_url),
        settings.host,
        settings.port,
        workers,
        loop.value,
    )
    Granian(
        TARGET,
        address=settings.host,
        port=settings.port,
        interface=Interfaces.ASGI,
        workers=workers,
        loop=loop,
        factory=True,
        log_access=False,
    ).serve()
    return 0


if __name__ == "__main__":
    sys.exit(main())
