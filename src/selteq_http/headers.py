"""Headers every answer carries, and the ``Allow`` list of an ``OPTIONS`` answer made whole.

A ``before_send`` hook, so the router's own 404 and 405 answers and every problem document
get them too, not only the handlers' responses.
"""

from __future__ import annotations

from litestar import Litestar
from litestar.datastructures import MutableScopeHeaders
from litestar.routes import HTTPRoute
from litestar.types import Message, Scope


async def standard_headers(message: Message, scope: Scope) -> None:
    if message["type"] != "http.response.start":
        return
    headers = MutableScopeHeaders.from_message(message)
    # A browser must not guess a type: a problem document or a title is never HTML/script.
    headers["X-Content-Type-Options"] = "nosniff"
    if scope.get("method") == "OPTIONS" and message["status"] == 204:
        allowed = route_methods(scope["litestar_app"], scope.get("path_template"))
        if allowed:
            headers["Allow"] = allowed


def route_methods(app: Litestar, path_template: str | None) -> str:
    """Every method of the route at ``path_template``, as an ``Allow`` value.

    Litestar 2 builds the automatic OPTIONS handler with the first handler registered at a
    path, so its ``Allow`` lists only that handler's methods (litestar-org/litestar#4169);
    the route itself knows them all."""
    for route in app.routes:
        if isinstance(route, HTTPRoute) and route.path_format == path_template:
            return ", ".join(sorted(route.methods))
    return ""
