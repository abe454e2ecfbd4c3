"""Errors as RFC 9457 problem details: the one table from the core's errors to HTTP.

Every error response, whether the core, Litestar's router or a bug raised it, leaves
through here as ``application/problem+json`` without a stack trace.
"""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any, NamedTuple

import msgspec
from litestar import Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.openapi import ResponseSpec
from litestar.types import ExceptionHandlersMap

from selteq_core import (
    AuthenticationFailed,
    Conflict,
    InvalidField,
    NotFound,
    RateLimited,
    SelteqError,
    Unavailable,
)

PROBLEM_JSON = "application/problem+json"
RETRY_UNAVAILABLE = 5
log = logging.getLogger("selteq.http")


class InvalidParam(msgspec.Struct):
    name: str
    reason: str


class Problem(msgspec.Struct, omit_defaults=True):
    """RFC 9457 problem details; ``invalid_params`` names each offending field."""

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
    NotFound: _Kind(404, "not-found", "Not found"),
    Conflict: _Kind(409, "conflict", "Conflict"),
    RateLimited: _Kind(429, "rate-limited", "Too many attempts"),
    Unavailable: _Kind(503, "unavailable", "Service unavailable"),
}


def problem_type(slug: str) -> str:
    return f"urn:selteq:problem:{slug}"


def _kind(error: SelteqError) -> _Kind:
    for cls in type(error).__mro__:
        if cls in DOMAIN_PROBLEMS:
            return DOMAIN_PROBLEMS[cls]
    return _Kind(500, "internal", "Internal server error")


def problem_response(problem: Problem, headers: dict[str, str] | None = None) -> Response[Problem]:
    return Response(problem, status_code=problem.status, media_type=PROBLEM_JSON, headers=headers)


def _bearer_challenge(request: Request[Any, Any, Any]) -> str:
    presented = request.headers.get("authorization", "").lower().startswith("bearer ")
    return 'Bearer realm="selteq", error="invalid_token"' if presented else 'Bearer realm="selteq"'


def domain_error(request: Request[Any, Any, Any], error: SelteqError) -> Response[Problem]:
    """The core's errors, mapped by the table above (most specific class first)."""
    kind = _kind(error)
    headers: dict[str, str] = {}
    detail = str(error)
    params: list[InvalidParam] = []
    if isinstance(error, RateLimited):
        headers["Retry-After"] = str(error.retry_after)
    elif isinstance(error, AuthenticationFailed):
        headers["WWW-Authenticate"] = _bearer_challenge(request)
        detail = "The credentials or the token were not accepted."  # never which part failed
    elif isinstance(error, Unavailable):
        log.warning("backing service unavailable: %s", error)
        headers["Retry-After"] = str(RETRY_UNAVAILABLE)
        detail = "A backing service cannot be reached right now; retry later."
    elif isinstance(error, InvalidField):
        params = [InvalidParam(name, reason) for name, reason in error.fields.items()]
        detail = "The request has invalid fields: " + ", ".join(error.fields) + "."
    if kind.status == 500:
        log.error("unmapped domain error %s", type(error).__name__)
        detail = "Internal server error."
    problem = Problem(problem_type(kind.slug), kind.title, kind.status, detail, params)
    return problem_response(problem, headers)


def _validation_params(error: ValidationException) -> list[InvalidParam]:
    extra = error.extra if isinstance(error.extra, list) else []
    params = []
    for item in extra:
        if not isinstance(item, dict):
            continue
        name = str(item.get("key") or "body")
        reason = str(item.get("message") or "is invalid")
        if name == "data":
            name, reason = "body", "a JSON object is required"
        params.append(InvalidParam(name, reason))
    return params


def http_error(request: Request[Any, Any, Any], error: HTTPException) -> Response[Problem]:
    """Litestar's own errors: unknown route, wrong method, bad path parameter, too large..."""
    status = error.status_code
    phrase = HTTPStatus(status).phrase
    if status >= 500:
        log.error("server error %d on %s %s: %s", status, request.method, request.url.path, error)
        detail = "Internal server error."
    else:
        detail = error.detail if error.detail and error.detail != phrase else f"{phrase}."
    params = _validation_params(error) if isinstance(error, ValidationException) else []
    if status == 401:
        headers = {"WWW-Authenticate": _bearer_challenge(request)}
    else:
        headers = dict(error.headers or {})
    return problem_response(Problem("about:blank", phrase, status, detail, params), headers)


def unexpected_error(request: Request[Any, Any, Any], error: Exception) -> Response[Problem]:
    """A bug: logged in full with the request id, answered without any detail."""
    log.exception("unhandled %s on %s %s", type(error).__name__, request.method, request.url.path)
    return problem_response(
        Problem("about:blank", "Internal Server Error", 500, "Internal server error.")
    )


EXCEPTION_HANDLERS: ExceptionHandlersMap = {
    SelteqError: domain_error,
    HTTPException: http_error,
    Exception: unexpected_error,
}

_DESCRIPTIONS = {
    400: "Malformed body or invalid fields (listed in invalid_params)",
    401: "Missing, invalid or expired token, or wrong credentials",
    404: "Not found (or not yours)",
    405: "Method not allowed",
    409: "Conflict",
    413: "Body too large",
    415: "Unsupported content type",
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
