"""The JSON API: one module a resource, each a Litestar router."""

from __future__ import annotations

from litestar import Router
from litestar.handlers import HTTPRouteHandler

from selteq_http.api.accounts import account_routers
from selteq_http.api.admin import admin_router
from selteq_http.api.admin_jobs import admin_jobs_router
from selteq_http.api.health import health_router
from selteq_http.api.me import me_router
from selteq_http.api.root import api_root
from selteq_http.api.tasks import task_router


def api_routers(signup: bool) -> list[Router | HTTPRouteHandler]:
    """Every JSON route; sign-up only when ``SELTEQ_SIGNUP`` is on."""
    return [
        *account_routers(signup),
        me_router(),
        task_router(),
        admin_router(),
        admin_jobs_router(),
        api_root(signup),
        health_router(),
    ]
