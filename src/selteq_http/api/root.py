"""``GET /api/``: the API's endpoints by name, as absolute URLs, the way Django REST
framework's router answers its root, so a client written against it can start there."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Request, get
from litestar.handlers import HTTPRouteHandler


class Endpoints(msgspec.Struct, omit_defaults=True):
    tasks: str
    token: str
    users: str | None = None


def api_root(signup: bool) -> HTTPRouteHandler:
    """The root route; sign-up is listed only when it is open."""

    @get(
        "/api",
        summary="The API's endpoints",
        operation_id="listEndpoints",
        tags=["api"],
        sync_to_thread=False,
    )
    def endpoints(request: Request[Any, Any, Any]) -> Endpoints:
        base = str(request.base_url).rstrip("/")
        users = f"{base}/api/users/" if signup else None
        return Endpoints(tasks=f"{base}/api/tasks/", token=f"{base}/api/token/", users=users)

    return endpoints
