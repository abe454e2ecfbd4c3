"""The one ASGI layer every HTTP request passes through, outermost, in a single pass.

It gives the request an id (its own ``X-Request-ID`` when short and harmless, else a new
one) and sets it for the logs; bounds the body's arrival (``SELTEQ_BODY_TIMEOUT``, counted
from the request's start: past it the read fails as a 408 and the connection closes; a
request without a body pays nothing for it); adds the headers every answer carries
(``X-Content-Type-Options: nosniff``, the request id, an empty ``Server``, a page's own
Content-Security-Policy, an ``OPTIONS`` answer's whole ``Allow`` list); and writes one
access line when the response ends, with the client's address (clients.py). Access lines
are preformatted and written together once per turn of the event loop: one write for all
the requests that ended in that turn, flushed, and a last write when the app stops.

Litestar applies middleware per route, so requests that match no route would pass no
middleware; this layer wraps the whole application instead, so the router's own 404 and
405 answers get all of the above too.
"""

from __future__ import annotations

import asyncio
import itertools
import re
import secrets
import time
from collections.abc import Mapping, Sequence
from typing import Any

from litestar import Litestar
from litestar.enums import ScopeType
from litestar.exceptions import HTTPException
from litestar.routes import HTTPRoute
from litestar.types import ASGIApp, Message, Receive, ReceiveMessage, Scope, Send

from selteq_adapters.container import REQUEST_ID, AccessLog
from selteq_http.layers.clients import Network, resolve

HEADER = b"x-request-id"
POLICY_KEY = "selteq.content_security_policy"
"""A route that renders a page with a policy of its own puts it in the request's state
under this key; the layer sends it as the answer's Content-Security-Policy."""
NOSNIFF = (b"x-content-type-options", b"nosniff")
# Granian adds ``server: granian`` unless the answer has a Server header of its own; an
# empty one names no software for a scanner to match against its list of flaws.
ANONYMOUS_SERVER = (b"server", b"")
CLOSE = (b"connection", b"close")
_SANE_ID = re.compile(rb"[A-Za-z0-9._-]{1,64}")
_BODY_HEADERS = (b"content-length", b"transfer-encoding")


def incoming_request_id(scope: Scope) -> str | None:
    """The client's X-Request-ID when it is short and harmless enough to echo and log."""
    for name, value in scope["headers"]:
        if name == HEADER:
            return value.decode("latin-1") if _SANE_ID.fullmatch(value) else None
    return None


def _has_body(scope: Scope) -> bool:
    return any(name in _BODY_HEADERS and value != b"0" for name, value in scope["headers"])


class RequestLayer:
    """``trusted`` and ``proxy_header``: whose forwarded address to believe (clients.py);
    ``policies``: a Content-Security-Policy by exact path, for pages served from files."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        body_timeout: float,
        trusted: Sequence[Network] = (),
        proxy_header: str = "x-forwarded-for",
        policies: Mapping[str, str] | None = None,
    ) -> None:
        self.app = app
        self._body_timeout = body_timeout
        self._trusted = tuple(trusted)
        self._proxy_header = proxy_header
        self._policies = {path: policy.encode() for path, policy in (policies or {}).items()}
        self._access = AccessLog()
        self._lines: list[str] = []
        # Unique per process and per request, without a system call per request.
        self._prefix = secrets.token_hex(8)
        self._counter = itertools.count(1)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await self.app(scope, receive, send)
            return
        request_id = incoming_request_id(scope) or f"{self._prefix}{next(self._counter):016x}"
        token = REQUEST_ID.set(request_id)
        method, path = scope["method"], scope["path"]  # as asked: routing rewrites the path
        started = time.perf_counter()
        status = 500
        timed_out = False
        complete = not _has_body(scope)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self._body_timeout

        async def receive_in_time() -> ReceiveMessage:
            nonlocal timed_out, complete
            if complete:
                return await receive()
            try:
                async with asyncio.timeout_at(deadline):
                    message = await receive()
            except TimeoutError:
                timed_out = True
                raise HTTPException(
                    status_code=408, detail="the request body did not arrive in time"
                ) from None
            complete = message["type"] != "http.request" or not message.get("more_body")
            return message

        async def send_with_headers(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = self._headers(message, scope, request_id, timed_out)
            await send(message)

        try:
            await self.app(scope, receive_in_time if not complete else receive, send_with_headers)
        finally:
            elapsed_ms = (time.perf_counter() - started) * 1000
            line = self._access.line(
                method,
                path,
                status,
                elapsed_ms,
                {
                    "client": resolve(scope, self._trusted, self._proxy_header),
                    "user_id": scope.get("user"),
                    "route": scope.get("path_template"),
                },
            )
            if line is not None:
                if not self._lines:
                    loop.call_soon(self.flush)
                self._lines.append(line)
            REQUEST_ID.reset(token)

    def flush(self) -> None:
        """Write the access lines of the requests that have ended (called by the loop)."""
        lines, self._lines = self._lines, []
        if lines:
            self._access.write(lines)

    def _headers(
        self, message: Any, scope: Any, request_id: str, timed_out: bool
    ) -> list[tuple[bytes, bytes]]:
        """The answer's headers with ours added (Litestar hands over a fresh list)."""
        headers = message.get("headers")
        if type(headers) is not list:
            headers = list(headers or ())
        headers += (NOSNIFF, (HEADER, request_id.encode()), ANONYMOUS_SERVER)
        if timed_out:
            headers.append(CLOSE)
        state = scope.get("state")
        policy = state.get(POLICY_KEY) if state else None
        if policy is not None:
            headers.append((b"content-security-policy", policy.encode()))
        elif self._policies and scope["path"] in self._policies:
            headers.append((b"content-security-policy", self._policies[scope["path"]]))
        if scope["method"] == "OPTIONS" and message["status"] == 204:
            allowed = route_methods(scope["litestar_app"], scope.get("path_template"))
            if allowed:
                headers = [(n, v) for n, v in headers if n != b"allow"]
                headers.append((b"allow", allowed.encode()))
        return headers


def route_methods(app: Litestar, path_template: str | None) -> str:
    """Every method of the route at ``path_template``, as an ``Allow`` value.

    Litestar 2 builds the automatic OPTIONS handler with the first handler registered at a
    path, so its ``Allow`` lists only that handler's methods (litestar-org/litestar#4169);
    the route itself knows them all."""
    for route in app.routes:
        if isinstance(route, HTTPRoute) and route.path_format == path_template:
            return ", ".join(sorted(route.methods))
    return ""
