"""Prometheus metrics for the API (SELTEQ_METRICS): requests, latency, requests in flight,
password checks, and ``GET /metrics`` to read them with everything the container records.

Every server worker is its own process. ``selteq-api`` points PROMETHEUS_MULTIPROC_DIR at
a fresh directory before the workers start (metricsdir.py); each worker's
prometheus_client then writes its values to memory-mapped files there, and a scrape that
lands on any one worker reads and sums the files of all of them. Without that variable
(a test's in-process app) the values live in this process's default registry.

``/metrics`` is never behind the bearer check and not in the OpenAPI document. It answers
only clients inside SELTEQ_METRICS_ALLOW (loopback by default), judged by the same client
address as everything else (clients.py); anyone else gets the 404 of an unknown route.
"""

from __future__ import annotations

import os
import re
import time
from pathlib import Path
from typing import Any

from litestar import Litestar, Request, Response, get
from litestar.enums import ScopeType
from litestar.exceptions import NotFoundException
from litestar.types import ASGIApp, Message, Receive, Scope, Send
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)

from selteq_http.facade import backend_of
from selteq_http.facade.gate import Level
from selteq_http.layers.clients import client_address, in_networks, networks
from selteq_http.layers.metricsdir import MULTIPROC_ENV

UNMATCHED = "<unmatched>"
"""The route label of a request that matched no route: one series, not one per path."""

REQUESTS = Counter("selteq_http_requests", "HTTP requests answered.", ["method", "route", "status"])
DURATION = Histogram(
    "selteq_http_request_duration_seconds",
    "Time from a request's arrival to the end of its response.",
    ["method", "route"],
)
IN_FLIGHT = Gauge(
    "selteq_http_requests_in_flight", "HTTP requests being served now.", multiprocess_mode="livesum"
)
PASSWORD_CHECKS = Gauge(
    "selteq_password_checks",
    "Logins and sign-ups at the hashing gate: waiting for a slot, or running.",
    ["state"],
    multiprocess_mode="livesum",
)
_MEDIA_TYPE = CONTENT_TYPE_LATEST.removesuffix("; charset=utf-8")  # Litestar adds the charset
_PID_FILE = re.compile(r"_(\d+)\.db$")


def instrument(app: Litestar) -> None:
    """Count every request the app answers (the router's own 404 and 405 too) and serve
    ``/metrics``. Called by the app factory when SELTEQ_METRICS is on."""
    for state in ("waiting", "running"):
        PASSWORD_CHECKS.labels(state)
    app.register(scrape)
    app.asgi_handler = RequestMetrics(app.asgi_handler)


def password_check_gauges() -> tuple[Level, Level]:
    """The hashing gate's two levels: waiting for a slot, running in a thread."""
    return PASSWORD_CHECKS.labels("waiting"), PASSWORD_CHECKS.labels("running")


class RequestMetrics:
    """Counts each HTTP request by method, route template and status and times it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def send_and_watch(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        IN_FLIGHT.inc()
        try:
            await self.app(scope, receive, send_and_watch)
        finally:
            IN_FLIGHT.dec()
            method, route = scope["method"], scope.get("path_template") or UNMATCHED
            REQUESTS.labels(method, route, str(status)).inc()
            DURATION.labels(method, route).observe(time.perf_counter() - started)


@get("/metrics", include_in_schema=False, sync_to_thread=True)
def scrape(request: Request[Any, Any, Any]) -> Response[bytes]:
    """The Prometheus text of every worker (it reads files: hence a worker thread)."""
    allowed = networks(backend_of(request).settings.metrics_allow)
    if not in_networks(client_address(request), allowed):
        raise NotFoundException()
    return Response(generate_latest(_registry()), media_type=_MEDIA_TYPE)


def _registry() -> CollectorRegistry:
    directory = os.environ.get(MULTIPROC_ENV)
    if not directory:
        return REGISTRY
    _forget_dead_workers(Path(directory))
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry, path=directory)  # type: ignore[no-untyped-call]
    return registry


def _forget_dead_workers(directory: Path) -> None:
    """Drop the live gauges of workers that have exited (a restarted worker has a new pid),
    so requests in flight and pool connections count living processes only. Their counters
    stay: what a dead worker answered was still answered."""
    pids = {int(m[1]) for p in directory.glob("gauge_live*.db") if (m := _PID_FILE.search(p.name))}
    for pid in pids:
        if not _alive(pid):
            multiprocess.mark_process_dead(pid, str(directory))  # type: ignore[no-untyped-call]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
