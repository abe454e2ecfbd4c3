"""Liveness and readiness probes.

``/health/live`` does no I/O: the process answers. ``/health/ready`` checks what a request
needs (the database, and Redis when configured) and answers 503 with Retry-After otherwise.
"""

from __future__ import annotations

from litestar import Response, Router, get
from litestar.openapi import ResponseSpec

from .deps import Services
from .problems import RETRY_UNAVAILABLE
from .schemas import Health


@get("/live", summary="The process is up")
async def live() -> Health:
    return Health(status="ok")


@get(
    "/ready",
    sync_to_thread=True,
    summary="The database (and Redis) answer",
    responses={503: ResponseSpec(Health, description="A dependency is down; see Retry-After")},
)
def ready(container: Services) -> Response[Health]:
    checks = {name: "ok" if up else "down" for name, up in container.readiness().items()}
    if all(state == "ok" for state in checks.values()):
        return Response(Health("ok", checks))
    return Response(
        Health("unavailable", checks),
        status_code=503,
        headers={"Retry-After": str(RETRY_UNAVAILABLE)},
    )


def health_router() -> Router:
    return Router(path="/health", route_handlers=[live, ready], tags=["health"])
