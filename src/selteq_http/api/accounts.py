"""Sign-up and sessions: POST /api/users/, /api/token/, /api/token/refresh/, /api/token/revoke/.

The token routes take JSON or a form (OAuth2's password grant, so Swagger UI's Authorize
works); the body is read on the event loop. Login and sign-up hash a password, so the
façade passes them through its hashing gate before they take a database thread; the other
routes run their database work like every other handler (``backend_of(request).run``).
"""

from __future__ import annotations

from typing import Any

from litestar import Request, Router, post
from litestar.datastructures import CacheControlHeader, ResponseHeader
from litestar.di import NamedDependency, Provide
from litestar.openapi.spec import OpenAPIType, Schema
from litestar.params import JSONBody

from selteq_core import PASSWORD_MIN_BYTES, USERNAME_MAX, AuthenticationFailed, InvalidField
from selteq_http.contract.bodies import StrictJson, read_json_or_form
from selteq_http.contract.bodydocs import string_fields_body
from selteq_http.contract.problems import login_failed, problem_specs
from selteq_http.contract.schemas import (
    PASSWORD_MAX_CHARACTERS,
    PasswordGrant,
    RefreshIn,
    SignUp,
    TokenPair,
    UserOut,
)
from selteq_http.facade import backend_of
from selteq_http.layers.clients import client_address


async def password_grant(request: Request[Any, Any, Any]) -> PasswordGrant:
    grant = await read_json_or_form(request, PasswordGrant)
    if grant.grant_type not in (None, "password"):
        raise InvalidField("grant_type", "must be password")
    return grant


async def refresh_in(request: Request[Any, Any, Any]) -> RefreshIn:
    return await read_json_or_form(request, RefreshIn)


def _refresh_token(presented: RefreshIn) -> str:
    token = presented.token()
    if not token:
        raise InvalidField("refresh_token", "is required")
    return token


_TEXT = OpenAPIType.STRING
LOGIN_FIELDS = {
    # Documented, not enforced here: the core's own rules answer (400, or 401 for a
    # password no account can have), so a password set by `make user` always works.
    "username": Schema(type=_TEXT, min_length=1, max_length=USERNAME_MAX, pattern=r"^[\w.@+-]+$"),
    "password": Schema(
        type=_TEXT, min_length=PASSWORD_MIN_BYTES, max_length=PASSWORD_MAX_CHARACTERS
    ),
    "grant_type": Schema(type=_TEXT, enum=["password"]),
}
# An empty token is a 400 (no token), so the document says one is never empty.
REFRESH_FIELDS = {name: Schema(type=_TEXT, min_length=1) for name in ("refresh_token", "refresh")}
# OAuth2's name for the field, or simplejwt's.
REFRESH_SHAPES = {"RefreshGrant": ["refresh_token"], "SimpleJwtRefresh": ["refresh"]}

# Token answers are never stored by a cache, old HTTP/1.0 ones included (RFC 6749 §5.1).
NO_STORE = CacheControlHeader(no_store=True)
NO_CACHE = [ResponseHeader(name="Pragma", value="no-cache", description="RFC 6749 §5.1")]


@post(
    "/",
    status_code=200,
    summary="Log in: username and password for tokens",
    cache_control=NO_STORE,
    response_headers=NO_CACHE,
    operation_class=string_fields_body(PasswordGrant, LOGIN_FIELDS),
    dependencies={"grant": Provide(password_grant)},
    exception_handlers={AuthenticationFailed: login_failed},
    responses=problem_specs(400, 401, 413, 415, 429, 503),
)
async def obtain_token(
    request: Request[Any, Any, Any],
    grant: NamedDependency[PasswordGrant],
    client: NamedDependency[str],
) -> TokenPair:
    backend = backend_of(request)
    session = await backend.hashing(backend.cases.login, grant.username, grant.password, client)
    return TokenPair.of(session)


@post(
    "/refresh",
    status_code=200,
    summary="Trade a refresh token for a new pair (each refresh token works once)",
    cache_control=NO_STORE,
    response_headers=NO_CACHE,
    operation_class=string_fields_body(RefreshIn, REFRESH_FIELDS, REFRESH_SHAPES),
    dependencies={"presented": Provide(refresh_in)},
    responses=problem_specs(400, 401, 413, 415, 503),
)
async def refresh_token(
    request: Request[Any, Any, Any], presented: NamedDependency[RefreshIn]
) -> TokenPair:
    token = _refresh_token(presented)
    backend = backend_of(request)
    return TokenPair.of(await backend.run(backend.cases.refresh_session, token))


@post(
    "/revoke",
    status_code=204,
    summary="Log out: revoke the refresh token and every token rotated from it",
    operation_class=string_fields_body(RefreshIn, REFRESH_FIELDS, REFRESH_SHAPES),
    dependencies={"presented": Provide(refresh_in)},
    responses=problem_specs(400, 413, 415, 503),
)
async def revoke_token(
    request: Request[Any, Any, Any], presented: NamedDependency[RefreshIn]
) -> None:
    token = _refresh_token(presented)
    backend = backend_of(request)
    await backend.run(backend.cases.logout, token)


@post(
    "/",
    dto=StrictJson[SignUp],
    return_dto=None,
    summary="Sign up",
    responses=problem_specs(400, 404, 409, 413, 415, 429, 503),
)
async def sign_up(
    request: Request[Any, Any, Any],
    data: JSONBody[SignUp],
    client: NamedDependency[str],
) -> UserOut:
    backend = backend_of(request)
    register = backend.cases.register_user
    user = await backend.hashing(register, data.username, data.password, client)
    return UserOut.of(user)


def account_routers(signup: bool) -> list[Router]:
    """The session routes, and sign-up unless it is switched off (then it is an unknown
    route: 404, and absent from the OpenAPI document)."""
    client = {"client": Provide(client_address, sync_to_thread=False)}
    token = Router(
        path="/api/token",
        route_handlers=[obtain_token, refresh_token, revoke_token],
        dependencies=client,
        tags=["sessions"],
    )
    if not signup:
        return [token]
    users = Router(path="/api/users", route_handlers=[sign_up], dependencies=client, tags=["users"])
    return [token, users]
