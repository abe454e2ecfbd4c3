"""``selteq-api`` (``make run``): serve the API with Granian on SELTEQ_HOST:SELTEQ_PORT.

One process in development; ``SELTEQ_WORKERS`` processes in production. Granian runs the
app on uvloop where uvloop is installed (a dependency everywhere but Windows).

Connection hygiene (docs/operations.md): HTTP/1.1 only, so the head timeout covers a
connection that never sends a byte as well as one idle between requests (Granian's
HTTP/1-or-2 detection reads the first bytes without a deadline);
``SELTEQ_MAX_CONNECTIONS`` connections per process, the next ones waiting in the kernel's
backlog until an idle one times out; the body deadline is an ASGI layer (``deadline``).
"""

from __future__ import annotations

import argparse
import errno
import importlib.util
import logging
import resource
import socket
import sys
from collections.abc import Sequence

import attrs
from granian import Granian
from granian.constants import HTTPModes, Interfaces, Loops
from granian.http import HTTP1Settings

from selteq_adapters.container import Settings, configure_logging, load_settings, redact_url
from selteq_http.layers.metricsdir import prepare_multiprocess

PROG = "selteq-api"
log = logging.getLogger("selteq.http.serve")
TARGET = "selteq_http.server.asgi:create"
# Granian's own lines go to the root logger, so they are written in Selteq's format.
GRANIAN_LOGS = {
    "loggers": {
        "_granian": {"handlers": [], "propagate": True},
        "granian.access": {"handlers": [], "propagate": False},
    }
}


def event_loop() -> Loops:
    """uvloop when it is installed, else the standard library's loop."""
    return Loops.uvloop if importlib.util.find_spec("uvloop") else Loops.asyncio


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Serve the Selteq API. Flags win over the SELTEQ_* settings.",
    )
    parser.add_argument("--host", help="address to listen on (SELTEQ_HOST)")
    parser.add_argument("--port", type=int, help="port to listen on (SELTEQ_PORT)")
    parser.add_argument(
        "--workers",
        type=int,
        help="server processes (SELTEQ_WORKERS; production only, development serves one)",
    )
    return parser


def _with_flags(settings: Settings, args: argparse.Namespace) -> Settings:
    given = {k: v for k, v in vars(args).items() if v is not None}
    return attrs.evolve(settings, **given)


def port_taken(host: str, port: int) -> str | None:
    """Why ``host:port`` cannot be ours, or None. Granian binds with SO_REUSEPORT, so a
    second server would silently share the port with the first; a probe bound without it
    fails while anyone listens there."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                return f"{host}:{port} is already in use by another process"
            return f"cannot listen on {host}:{port}: {error.strerror}"
    return None


def _raise_file_limit(wanted: int) -> None:
    """Each connection is a file descriptor: lift the soft limit toward the hard one."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft != resource.RLIM_INFINITY and soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    settings = _with_flags(load_settings(PROG), args)
    if args.workers is not None and args.workers > 1 and not settings.production:
        print(f"{PROG}: --workers needs SELTEQ_ENV=production", file=sys.stderr)  # noqa: T201
        return 2
    problem = port_taken(settings.host, settings.port)
    if problem is not None:
        print(f"{PROG}: {problem}", file=sys.stderr)  # noqa: T201
        return 2
    configure_logging(settings)
    workers = settings.server_workers
    if settings.redis_url is None and not settings.embedded_jobs:
        log.warning(
            "no SELTEQ_REDIS_URL and %d workers: the minute job does not run in the API;"
            " set SELTEQ_REDIS_URL and run `make worker` and `make scheduler`",
            workers,
        )
    _raise_file_limit(settings.max_connections + 1024)
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
        http=HTTPModes.http1,
        http1_settings=HTTP1Settings(header_read_timeout=settings.header_timeout * 1000),
        backlog=settings.backlog,
        backpressure=settings.max_connections,
        websockets=False,
        factory=True,
        log_access=False,
        log_dictconfig=GRANIAN_LOGS,
    ).serve()
    return 0


if __name__ == "__main__":
    sys.exit(main())
