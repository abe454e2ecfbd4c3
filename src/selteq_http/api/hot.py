"""The two hottest reads of the JSON API without the framework's per-request chain.

``GET /api/tasks/`` (the caller's newest page, nothing asked in the query) and
``GET /api/tasks/{id}/`` (no ``If-None-Match``) are most of what clients send. For them,
Litestar's chain (its exception layer, routing, the bearer middleware, the handler's
parameters, the response object) costs more than the read itself. This lane answers them
directly: the same bearer check (``bearer_token``, the core's ``Authenticate``), the same
façade read (batched as the routes' own), the same JSON (``schemas.Task``) and the same
problem documents (the app's own exception handlers). It sits inside the request layer, so
request id, headers and access line are the same for both roads.

It takes only what it can answer exactly as the routes in tasks.py would; everything else,
and every request whose answer could differ, goes to Litestar: any query, any other method
(HEAD, OPTIONS), a root path, a missing or unknown bearer token or one whose user this
process has not checked a moment ago (the route reads the user and answers 401 where it
must), a Host header the router would refuse. The app factory leaves the lane out when a
feature that wraps every request is on (CORS, metrics, tracing): those requests take the
framework road, where those features live.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import msgspec
from litestar import Litestar
from litestar.enums import ScopeType
from litestar.types import ASGIApp, Receive, Scope, Send

from selteq_http.api.auth import bearer_token
from selteq_http.contract.conditional import etag
from selteq_http.contract.paging import link_to
from selteq_http.contract.schemas import Task
from selteq_http.facade import Backend

LIST_PATHS = frozenset(("/api/tasks", "/api/tasks/"))
LIST_TEMPLATE = "/api/tasks"
TASK_TEMPLATE = "/api/tasks/{task_id}"
"""The routes' templates as Litestar names them, for the access line."""
_TASK_PATH = re.compile(r"/api/tasks/([1-9][0-9]{0,17})/?")
_HOST = re.compile(rb"\A[0-9A-Za-z!$&'()*+,;=\-._~:\[\]@%]*\Z")  # the router's own rule
_JSON = (b"content-type", b"application/json")
_encode = msgspec.json.Encoder().encode


class HotReads:
    """An ASGI app in front of Litestar's handler (``app``, of ``litestar``): the plain list
    and the plain retrieve answered here through ``backend``, the rest passed on unchanged."""

    def __init__(self, app: ASGIApp, litestar: Litestar, backend: Backend) -> None:
        self.app = app
        self._litestar = litestar
        self._backend = backend
        self._authenticate = backend.cases.authenticate

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP or scope["method"] != "GET" or scope["query_string"]:
            await self.app(scope, receive, send)
            return
        path = scope["path"]
        if path in LIST_PATHS:
            task_id = 0
        elif (found := _TASK_PATH.fullmatch(path)) is not None:
            task_id = int(found[1])
        else:
            await self.app(scope, receive, send)
            return
        user_id = self._caller(scope, conditional=task_id != 0)
        if user_id is None:
            await self.app(scope, receive, send)
            return
        scope["user"] = user_id
        try:
            if task_id:
                scope["path_template"] = TASK_TEMPLATE
                task = await self._backend.task(user_id, task_id)
                body, headers = _encode(Task.of(task)), [_JSON, (b"etag", etag(task).encode())]
            else:
                scope["path_template"] = LIST_TEMPLATE
                page = await self._backend.newest_tasks(user_id)
                body, headers = _encode([Task.of(task) for task in page.tasks]), [_JSON]
                if page.next is not None:
                    headers.append((b"link", link_to(path, [], "before", page.next).encode()))
        except Exception as error:  # noqa: BLE001 - answered as the app answers it
            await self._answer_error(scope, receive, send, error)
            return
        headers.append((b"content-length", str(len(body)).encode()))
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": body, "more_body": False})

    def _caller(self, scope: Scope, *, conditional: bool) -> int | None:
        """The caller's id when the lane may answer for them, else None (Litestar will):
        a valid token of a user this process found active a moment ago."""
        if scope.get("root_path"):
            return None
        for name, value in scope["headers"]:
            if (name == b"host" and _HOST.match(value) is None) or (
                conditional and name == b"if-none-match"
            ):
                return None
        try:
            token = bearer_token(scope)
            if not token:
                return None
            user_id = self._authenticate.verify(token)
            if not self._authenticate.remembered(user_id):
                return None
        except Exception:  # noqa: BLE001 - a refusal: the route answers it, in its words
            return None
        return user_id.value

    async def _answer_error(
        self, scope: Scope, receive: Receive, send: Send, error: Exception
    ) -> None:
        """What the app's own exception handlers answer ``error`` with (its problem
        document: 404, 503, 500), found as Litestar finds them, by the error's classes."""
        app = self._litestar
        handler = _handler_for(app.exception_handlers, error)
        request = app.request_class(scope=scope, receive=receive, send=send)
        response = handler(request, error)
        await response.to_asgi_response(app=None, request=request)(scope, receive, send)


Handler = Callable[[Any, Exception], Any]


def _handler_for(handlers: Any, error: Exception) -> Handler:
    for kind in type(error).__mro__:
        if kind in handlers:
            handler: Handler = handlers[kind]
            return handler
    raise error  # no handler at all: the server answers 500, as for any bug
