"""Errors as RFC 9457 problem details: the one table from the core's errors to HTTP.

Litestar's ``ProblemDetailsPlugin`` renders every error; this module only says which
problem each exception is. Whether the core, Litestar's router or a bug raised it, an
error leaves as ``application/problem+json`` without a stack trace.
"""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any, NamedTuple

import msgspec
from litestar import Request, Response
from litestar.exceptions import HTTPException, InternalServerException, ValidationException
from litestar.openapi import ResponseSpec
from litestar.plugins.problem_details import (
    ProblemDetailsConfig,
    ProblemDetailsException,
    ProblemDetailsPlugin,
)

from selteq_core import (
    AuthenticationFailed,
    Conflict,
    Forbidden,
    InvalidField,
    KeyReused,
    NotFound,
    PreconditionFailed,
    RateLimited,
    SelteqError,
    Unavailable,
)

PROBLEM_JSON = "application/problem+json"
RETRY_UNAVAILABLE = 5
# Litestar's own words when the client hangs up before its body is complete.
_CLIENT_GONE = "client disconnected prematurely"
log = logging.getLogger("selteq.http")


class InvalidParam(msgspec.Struct):
    name: str
    reason: str


class Problem(msgspec.Struct, omit_defaults=True):
    """RFC 9457 problem details as the OpenAPI document shows them; ``invalid_params``
    names each offending field."""

    type: str
    title: str
    status: int
    detail: str
    invalid_params: list[InvalidParam] = msgspec.field(default_factory=list)


class _Kind(NamedTuple):
    status: int
    slug: str
    title: str


DOMAIN_PROBLEMS: dict[type[SelteqError], _Kind] = {
    InvalidField: _Kind(400, "invalid-field", "Invalid request"),
    AuthenticationFailed: _Kind(401, "authentication-failed", "Authentication failed"),
    Forbidden: _Kind(403, "forbidden", "Forbidden"),
    NotFound: _Kind(404, "not-found", "Not found"),
    Conflict: _Kind(409, "conflict", "Conflict"),
    PreconditionFailed: _Kind(412, "precondition-failed", "Precondition failed"),
    KeyReused: _Kind(422, "idempotency-key-reused", "Idempotency key reused"),
    RateLimited: _Kind(429, "rate-limited", "Too many attempts"),
    Unavailable: _Kind(503, "unavailable", "Service unavailable"),
}
_INTERNAL = _Kind(500, "internal", "Internal server error")


def problem_type(slug: str) -> str:
    return f"urn:selteq:problem:{slug}"


def _kind(error: SelteqError) -> _Kind:
    """The table's row for the most specific class of the error."""
    rows = (DOMAIN_PROBLEMS[cls] for cls in type(error).__mro__ if cls in DOMAIN_PROBLEMS)
    return next(rows, _INTERNAL)


def _bearer_challenge(request: Request[Any, Any, Any]) -> str:
    presented = request.headers.get("authorization", "").lower().startswith("bearer ")
    return 'Bearer realm="selteq", error="invalid_token"' if presented else 'Bearer realm="selteq"'


class _Problem(ProblemDetailsException):
    """A problem that, as a 401, also says how to authenticate (RFC 6750): the challenge
    depends on the request, which only the response step sees."""

    def to_response(self, request: Request[Any, Any, Any]) -> Response[dict[str, Any]]:
        if self.status_code == 401:
            self.headers = {**(self.headers or {}), "WWW-Authenticate": _bearer_challenge(request)}
        return super().to_response(request)


def _problem(
    status: int,
    title: str,
    detail: str,
    *,
    type_: str = "about:blank",
    headers: dict[str, str] | None = None,
    params: list[dict[str, str]] | None = None,
) -> ProblemDetailsException:
    return _Problem(
        status_code=status,
        type_=type_,
        title=title,
        detail=detail,
        headers=headers,
        extra={"invalid_params": params} if params else None,
    )


def status_of(error: SelteqError) -> tuple[int, dict[str, str]]:
    """The status and headers that answer ``error``, for the API and the pages alike:
    the table's status, and ``Retry-After`` where the client should wait."""
    if isinstance(error, RateLimited):
        return _kind(error).status, {"Retry-After": str(error.retry_after)}
    if isinstance(error, Unavailable):
        return _kind(error).status, {"Retry-After": str(RETRY_UNAVAILABLE)}
    return _kind(error).status, {}


def _domain(error: SelteqError) -> ProblemDetailsException:
    """The core's errors, mapped by the table above."""
    kind = _kind(error)
    _, headers = status_of(error)
    detail = str(error)
    params: list[dict[str, str]] = []
    if isinstance(error, AuthenticationFailed) and not isinstance(error, RateLimited):
        detail = "The credentials or the token were not accepted."  # never which part failed
    elif isinstance(error, Unavailable):
        log.warning("backing service unavailable: %s", error)
        detail = "A backing service cannot be reached right now; retry later."
    elif isinstance(error, InvalidField):
        params = [{"name": name, "reason": reason} for name, reason in error.fields.items()]
        detail = "The request has invalid fields: " + ", ".join(error.fields) + "."
    if kind.status == 500:
        log.error("unmapped domain error %s", type(error).__name__)
        detail = "Internal server error."
    return _problem(
        kind.status,
        kind.title,
        detail,
        type_=problem_type(kind.slug),
        headers=headers,
        params=params,
    )


SEED_LOGIN_ERROR = "Invalid credentials"
"""The Django project's login answered ``{"error": "Invalid credentials"}``; its clients
read that member."""


def login_failed(request: Request[Any, Any, Any], error: AuthenticationFailed) -> Response[Any]:
    """The login route's failed login: the usual problem, plus the seed's ``error`` member
    (not on a rate limit, which the seed never had)."""
    problem = _domain(error)
    if not isinstance(error, RateLimited):
        extra = problem.extra if isinstance(problem.extra, dict) else {}
        problem.extra = {**extra, "error": SEED_LOGIN_ERROR}
    return problem.to_response(request)


def _validation_params(error: ValidationException) -> list[dict[str, str]]:
    """Litestar's own validation (path and query parameters) as named fields."""
    extra = error.extra if isinstance(error.extra, list) else []
    return [
        {"name": str(item.get("key") or "body"), "reason": str(item.get("message") or "is invalid")}
        for item in extra
        if isinstance(item, dict)
    ]


def _http(error: HTTPException) -> ProblemDetailsException:
    """Litestar's own errors: unknown route, wrong method, bad parameter, too large..."""
    status = error.status_code
    phrase = HTTPStatus(status).phrase
    if isinstance(error, InternalServerException) and error.detail == _CLIENT_GONE:
        # Nobody reads this answer; what matters is that the log does not call it a 500.
        log.info("the client disconnected before its request body was complete")
        return _problem(400, "Bad Request", "The client disconnected before the body was complete.")
    if status >= 500:
        log.error("server error %d: %s", status, error.detail)
        return _problem(status, phrase, "Internal server error.")
    detail = error.detail if error.detail and error.detail != phrase else f"{phrase}."
    params = _validation_params(error) if isinstance(error, ValidationException) else None
    return _problem(status, phrase, detail, headers=dict(error.headers or {}), params=params)


def _unexpected(error: Exception) -> ProblemDetailsException:
    """A bug: logged in full (the request id is on the record), answered without detail."""
    log.error("unhandled %s", type(error).__name__, exc_info=error)
    return _problem(500, "Internal Server Error", "Internal server error.")


def problem_details() -> ProblemDetailsPlugin:
    """The plugin that turns every exception into a problem document."""
    return ProblemDetailsPlugin(
        ProblemDetailsConfig(
            exception_to_problem_detail_map={
                SelteqError: _domain,
                HTTPException: _http,
                Exception: _unexpected,
            },
        )
    )


_DESCRIPTIONS = {
    400: "Malformed body or invalid fields (listed in invalid_params)",
    401: "Missing, invalid or expired token, or wrong credentials",
    403: "Staff only: the caller is not an active staff user; nothing was changed",
    404: "Not found (or not yours)",
    405: "Method not allowed",
    409: "Conflict",
    412: "The task changed since the If-Match tag was read; nothing was changed",
    413: "Body too large",
    415: "Unsupported content type",
    422: "The Idempotency-Key was used for a request with another body",
    429: "Too many failed attempts; see Retry-After",
    503: "A backing service is unavailable; see Retry-After",
}


def problem_specs(*statuses: int) -> dict[int, ResponseSpec]:
    """OpenAPI entries for the problems a route can answer with."""
    return {
        status: ResponseSpec(
            data_container=Problem,
            media_type=PROBLEM_JSON,
            description=_DESCRIPTIONS[status],
            generate_examples=False,
        )
        for status in statuses
    }
