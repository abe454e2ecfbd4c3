"""The floor: a bare Litestar app with one route, served like ``selteq-api`` serves Selteq.

``/health/live`` on Selteq does no I/O either, so the difference between the two is what
Selteq's own layers, routing and settings cost a request: the benchmark's ``floor`` scenario
loads this app with the same server, worker count and load as the ``health`` scenario.
"""

from __future__ import annotations

from litestar import Litestar, get


@get("/health/live")
async def live() -> dict[str, str]:
    return {"status": "ok"}


def create() -> Litestar:
    return Litestar(route_handlers=[live], openapi_config=None, logging_config=None)
