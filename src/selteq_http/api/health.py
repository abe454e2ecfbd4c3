"""Liveness and readiness probes.

``/health/live`` does no I/O: the process answers. ``/health/ready`` checks the database,
which every task route needs, and answers 503 with Retry-After when it does not answer.
Redis down is reported as ``degraded`` with 200: logins fall back to a per-process limit
and the scheduler retries, so taking every replica out of the balancer at once (they all
share the one Redis) would turn a partial outage into a full one.
"""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, Router, get
from litestar.openapi import ResponseSpec

from selteq_core import Unavailable
from selteq_http.contract.problems import RETRY_UNAVAILABLE
from selteq_http.contract.schemas import Health
from selteq_http.facade import backend_of


@get("/live", summary="The process is up")
async def live() -> Health:
    return Health(status="ok")


@get(
    "/ready",
    summary="The database answers (Redis down: degraded, still 200)",
    responses={503: ResponseSpec(Health, description="A dependency is down; see Retry-After")},
)
async def ready(request: Request[Any, Any, Any]) -> Response[Health]:
    backend = backend_of(request)
    try:
        answers = await backend.run(backend.cases.readiness)
    except Unavailable:
        answers = {"database": False}
    checks = {name: "ok" if up else "down" for name, up in answers.items()}
    if answers["database"]:
        return Response(Health("ok" if all(answers.values()) else "degraded", checks))
    return Response(
        Health("unavailable", checks),
        status_code=503,
        headers={"Retry-After": str(RETRY_UNAVAILABLE)},
    )


def health_router() -> Router:
    return Router(path="/health", route_handlers=[live, ready], tags=["health"])
