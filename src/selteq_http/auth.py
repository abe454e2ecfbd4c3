"""Bearer tokens: ``Authorization: Bearer <access token>`` names the caller, or the request
stops with 401 before its body is read."""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.connection import ASGIConnection
from litestar.di import NamedDependency
from litestar.enums import ScopeType
from litestar.middleware import AbstractAuthenticationMiddleware, AuthenticationResult
from litestar.openapi.spec import (
    OAuthFlow,
    OAuthFlows,
    Reference,
    SecurityRequirement,
    SecurityScheme,
)
from litestar.types import ASGIApp, Scope

from selteq_core import AuthenticationFailed

from .deps import services_of

BEARER = "BearerAuth"
OAUTH2 = "OAuth2Password"
TOKEN_URL = "/api/token/"  # noqa: S105 - a route, not a secret

SECURITY_SCHEMES: dict[str, SecurityScheme | Reference] = {
    BEARER: SecurityScheme(
        type="http",
        scheme="bearer",
        bearer_format="JWT",
        description="An access token from POST /api/token/ (valid 300 s).",
    ),
    OAUTH2: SecurityScheme(
        type="oauth2",
        description="Username and password, exchanged at /api/token/ (Swagger UI's Authorize).",
        flows=OAuthFlows(password=OAuthFlow(token_url=TOKEN_URL, scopes={})),
    ),
}
REQUIRED: list[SecurityRequirement] = [{BEARER: []}, {OAUTH2: []}]


class BearerAuth(AbstractAuthenticationMiddleware):
    """Checks the access token with the core's Authenticate (signature, kind, expiry).

    It runs on the event loop: an HMAC check costs microseconds and touches no I/O. The
    container comes from the app's state at request time, because Litestar deep-copies a
    Router (and anything its middleware was given) when the app registers it."""

    def __init__(self, app: ASGIApp) -> None:
        super().__init__(app, scopes={ScopeType.HTTP})

    async def authenticate_request(
        self, connection: ASGIConnection[Any, Any, Any, Any]
    ) -> AuthenticationResult:
        token = bearer_token(connection.scope)
        if not token:
            raise AuthenticationFailed("a bearer token is required")
        user_id = services_of(connection).authenticate(token)
        return AuthenticationResult(user=user_id.value, auth=None)


def bearer_token(scope: Scope) -> str:
    """The token of the request's first ``Authorization`` header if its scheme is Bearer
    (in any case), else ``""``. Read from the ASGI scope's raw header list (names arrive
    lower-cased), as Litestar's ``Headers`` would read it, without building that mapping of
    every header first."""
    for name, value in scope["headers"]:
        if name == b"authorization":
            scheme, _, token = value.decode("latin-1").partition(" ")
            return token.strip() if scheme.lower() == "bearer" else ""
    return ""


Caller = NamedDependency[int]
"""A handler parameter ``user_id: Caller`` receives the authenticated user's id."""


def caller(request: Request[int, None, Any]) -> int:
    """The authenticated user's id, as a handler parameter."""
    return request.user
