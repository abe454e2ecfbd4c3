"""Bearer tokens: ``Authorization: Bearer <access token>`` names the caller, or the request
stops with 401 before its body is read."""

from __future__ import annotations

from typing import Any, NoReturn

from litestar import Request
from litestar.connection import ASGIConnection
from litestar.di import NamedDependency
from litestar.enums import ScopeType
from litestar.exceptions import ClientException
from litestar.middleware import AbstractAuthenticationMiddleware, AuthenticationResult
from litestar.types import ASGIApp, Scope

from selteq_core import AuthenticationFailed
from selteq_http.contract.security import REQUIRED
from selteq_http.facade import backend_of

__all__ = ["REQUIRED", "BearerAuth", "Caller", "CallerId", "bearer_token", "caller"]


class BearerAuth(AbstractAuthenticationMiddleware):
    """Checks the access token with the core's Authenticate: the token, then its user.

    It runs on the event loop. The token check is CPU only (an HMAC, claims against the
    clock); the user's row is read in a database thread, and only when this process has not
    read it in the last few seconds. The container comes from the app's state at request
    time, because Litestar deep-copies a Router (and anything its middleware was given)
    when the app registers it."""

    def __init__(self, app: ASGIApp) -> None:
        super().__init__(app, scopes={ScopeType.HTTP})

    async def authenticate_request(
        self, connection: ASGIConnection[Any, Any, Any, Any]
    ) -> AuthenticationResult:
        token = bearer_token(connection.scope)
        if not token:
            raise AuthenticationFailed("a bearer token is required")
        backend = backend_of(connection)
        authenticate = backend.cases.authenticate
        user_id = authenticate.verify(token)
        if not authenticate.remembered(user_id):
            await backend.run(authenticate.check_user, user_id)
        return AuthenticationResult(user=user_id.value, auth=None)


def bearer_token(scope: Scope) -> str:
    """The token of the request's ``Authorization`` header if its scheme is Bearer (in any
    case), else ``""``. Two headers are a 400, since a proxy and the app that disagree on
    which one counts would let a request pass as someone it is not; so is a Bearer value
    with a comma (two headers joined into one: a token never holds a comma). Read from the
    ASGI scope's raw header list (names arrive lower-cased) without building a mapping of
    every header first."""
    values = [value for name, value in scope["headers"] if name == b"authorization"]
    if not values:
        return ""
    scheme, _, token = values[0].decode("latin-1").partition(" ")
    if scheme.lower() != "bearer":
        return "" if len(values) == 1 else _more_than_one()
    if len(values) > 1 or "," in token:
        _more_than_one()
    return token.strip()


def _more_than_one() -> NoReturn:
    raise ClientException("Send one Authorization header.")


Caller = Request[int, Any, Any]
"""A handler parameter ``request: Caller``: the request, whose ``user`` is the caller's id
(set by BearerAuth)."""

CallerId = NamedDependency[int]
"""A handler parameter ``user_id: CallerId`` receives the authenticated user's id, as a
dependency (for routes off the hot path, where the clarity is worth the resolution)."""


def caller(request: Request[int, None, Any]) -> int:
    """The authenticated user's id, as a handler parameter."""
    return request.user
