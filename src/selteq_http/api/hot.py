"""The three hottest requests of the JSON API without the framework's per-request chain.

``GET /api/tasks/`` (the caller's newest page, nothing asked in the query),
``GET /api/tasks/{id}/`` (no ``If-None-Match``) and ``POST /api/tasks/`` (a JSON body, no
``Idempotency-Key``) are most of what clients send. For them, Litestar's chain (its
exception layer, routing, the bearer middleware, the handler's parameters, the response
object) costs more than the work itself. This lane answers them directly with the same
parts: the bearer check (``bearer_token``, the core's ``Authenticate``), the façade's
batched read or create, the body decoder the route's DTO uses (``bodies.decoded``), the same
JSON (``schemas.Task``) and the same problem documents (the app's own exception handlers).
It sits inside the request layer, so request id, headers and access line are the same for
both roads (docs/decisions/0480-a-lane-for-the-hottest-reads.md).

It takes only what it can answer exactly as the routes in tasks.py would; everything else,
and every request whose answer could differ, goes to Litestar: any query, any other method
or path, a root path, a Host header the router would refuse, a conditional read, an
idempotency key, a body that is not JSON of a declared length within the limit or that the
route's decoder refuses (handed over with the bytes already read), a missing or unknown
bearer token, or one whose user this process has not found active a moment ago (the route
reads the user and answers 401 where it must). The app factory leaves the lane out when a
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
from selteq_http.contract.bodies import decoded, is_json, media_type
from selteq_http.contract.conditional import etag
from selteq_http.contract.paging import link_to
from selteq_http.contract.schemas import Task, TaskCreate
from selteq_http.facade import Backend

LIST_PATHS = frozenset(("/api/tasks", "/api/tasks/"))
LIST_TEMPLATE = "/api/tasks"
TASK_TEMPLATE = "/api/tasks/{task_id}"
"""The routes' templates as Litestar names them, for the access line."""
_TASK_PATH = re.compile(r"/api/tasks/([1-9][0-9]{0,17})/?")
_HOST = re.compile(rb"\A[0-9A-Za-z!$&'()*+,;=\-._~:\[\]@%]*\Z")  # the router's own rule
_LENGTH = re.compile(rb"[1-9][0-9]{0,9}")
_JSON = (b"content-type", b"application/json")
_encode = msgspec.json.Encoder().encode
_REFUSED = (b"if-none-match", b"idempotency-key", b"transfer-encoding")
"""Headers that change what the routes answer: a request with one goes to them."""


class HotLane:
    """An ASGI app in front of Litestar's handler (``app``, of ``litestar``): the plain
    list, retrieve and create answered here through ``backend``, the rest passed on
    unchanged. ``max_body`` is the app's request body limit."""

    def __init__(self, app: ASGIApp, litestar: Litestar, backend: Backend, max_body: int) -> None:
        self.app = app
        self._litestar = litestar
        self._backend = backend
        self._authenticate = backend.cases.authenticate
        self._max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP or scope["query_string"] or scope.get("root_path"):
            await self.app(scope, receive, send)
            return
        method, path = scope["method"], scope["path"]
        if method == "GET" and path in LIST_PATHS:
            task_id = 0
        elif method == "GET" and (found := _TASK_PATH.fullmatch(path)) is not None:
            task_id = int(found[1])
        elif method == "POST" and path in LIST_PATHS:
            task_id = -1
        else:
            await self.app(scope, receive, send)
            return
        vouched = self._vouched(scope)
        if vouched is None:
            await self.app(scope, receive, send)
            return
        user_id, length, content_type = vouched
        if task_id < 0:
            await self._create(scope, receive, send, user_id, length, content_type)
            return
        if length:
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
        await _answer(send, 200, headers, body)

    async def _create(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        user_id: int,
        length: int,
        content_type: bytes | None,
    ) -> None:
        """``POST /api/tasks/`` with a JSON body of a declared length and no idempotency key.
        A body that does not arrive as declared, or that the routes would refuse, is handed
        to them as it came (they answer it, 400 or 408 or 413, in their words)."""
        kind = media_type(content_type.decode("latin-1")) if content_type else ""
        if not (0 < length <= self._max_body) or not is_json(kind):
            await self.app(scope, receive, send)
            return
        scope["user"], scope["path_template"] = user_id, LIST_TEMPLATE
        messages: list[Any] = []
        body = b""
        try:
            while True:
                message = await receive()
                messages.append(message)
                if message["type"] != "http.request":
                    break
                body += message.get("body", b"")
                if len(body) > length or not message.get("more_body"):
                    break
        except Exception as error:  # noqa: BLE001 - the body's deadline (408), as the app answers it
            await self._answer_error(scope, receive, send, error)
            return
        try:
            if len(body) != length or messages[-1].get("more_body"):
                raise ValueError("the body did not arrive as declared")
            data = decoded(kind, body, TaskCreate, forms=False)
        except Exception:  # noqa: BLE001 - the route refuses it in its own words
            await self.app(scope, _replay(messages, receive), send)
            return
        try:
            task = await self._backend.create_task(user_id, data.title, data.duration, None)
        except Exception as error:  # noqa: BLE001 - answered as the app answers it
            await self._answer_error(scope, receive, send, error)
            return
        headers = [
            _JSON,
            (b"etag", etag(task).encode()),
            (b"location", f"/api/tasks/{task.id.value}/".encode()),
        ]
        await _answer(send, 201, headers, _encode(Task.of(task)))

    def _vouched(self, scope: Scope) -> tuple[int, int, bytes | None] | None:
        """The caller's id, the declared body length and the content type when the lane may
        answer for this caller, else None (Litestar will): a valid token of a user this
        process found active a moment ago, and no header that changes the routes' answer."""
        length, content_type = 0, None
        for name, value in scope["headers"]:
            if name in _REFUSED or (name == b"host" and _HOST.match(value) is None):
                return None
            if name == b"content-length":
                if length or (value != b"0" and _LENGTH.fullmatch(value) is None):
                    return None
                length = int(value)
            elif name == b"content-type":
                if content_type is not None:
                    return None
                content_type = value
        try:
            token = bearer_token(scope)
            if not token:
                return None
            user_id = self._authenticate.verify(token)
            if not self._authenticate.remembered(user_id):
                return None
        except Exception:  # noqa: BLE001 - a refusal: the route answers it, in its words
            return None
        return user_id.value, length, content_type

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


async def _answer(send: Send, status: int, headers: list[tuple[bytes, bytes]], body: bytes) -> None:
    headers.append((b"content-length", str(len(body)).encode()))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body, "more_body": False})


def _replay(messages: list[Any], receive: Receive) -> Receive:
    """``receive`` that first gives back ``messages``, already read from ``receive``."""
    pending = list(messages)

    async def again() -> Any:
        return pending.pop(0) if pending else await receive()

    return again
