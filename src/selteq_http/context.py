"""Request ids and the access log, for every response including the router's own 404/405.

Litestar applies middleware per route, so requests that match no route would pass no
middleware; this ASGI wrapper sits around the whole application instead.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from typing import Any

from litestar.connection import ASGIConnection
from litestar.enums import ScopeType
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from selteq_adapters.container import REQUEST_ID

from .clients import client_address

HEADER = "x-request-id"
# Granian adds ``server: granian`` unless the answer has a Server header of its own; an
# empty one names no software for a scanner to match against its list of flaws.
ANONYMOUS_SERVER = (b"server", b"")
_SANE_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")

access_log = logging.getLogger("selteq.http.access")


def incoming_request_id(scope: Scope) -> str | None:
    """The client's X-Request-ID when it is short and harmless enough to echo and log."""
    for name, value in scope.get("headers", ()):
        if name == HEADER.encode():
            text = value.decode("latin-1")
            return text if _SANE_ID.fullmatch(text) else None
    return None


def _who(scope: Scope) -> dict[str, Any]:
    """The access line's ``client`` (clients.py), ``user_id`` (None unless a bearer token
    named one) and ``route`` (the matched route's template, None when none matched)."""
    return {
        "client": client_address(ASGIConnection(scope)),
        "user_id": scope.get("user"),
        "route": scope.get("path_template"),
    }


class RequestContext:
    """Gives each HTTP request an id (its own or the client's), sets it for the logs,
    echoes it in ``X-Request-ID`` and writes one access log line when the response ends."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await self.app(scope, receive, send)
            return
        request_id = incoming_request_id(scope) or uuid.uuid4().hex
        method, path = scope["method"], scope["path"]
        token = REQUEST_ID.set(request_id)
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = [(k, v) for k, v in message.get("headers", ()) if k != HEADER.encode()]
                headers.append((HEADER.encode(), request_id.encode()))
                headers.append(ANONYMOUS_SERVER)
                message["headers"] = headers
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            elapsed_ms = (time.perf_counter() - started) * 1000
            who = _who(scope)
            access_log.info(
                "%s %s %d %.1fms client=%s user=%s",
                method,
                path,
                status,
                elapsed_ms,
                who["client"],
                who["user_id"] if who["user_id"] is not None else "-",
                extra={
                    "method": method,
                    "path": path,
                    "status": status,
                    "duration_ms": round(elapsed_ms, 3),
                    **who,
                },
            )
            REQUEST_ID.reset(token)
