"""Errors on the pages answer as pages: the same statuses as the API's problems, in words.

A signed-in request whose cookie was already traded hands the new cookie back even on an
error page; otherwise the browser would present the spent token next time, which counts
as a replay and ends the session.
"""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from litestar import Request, Response
from litestar.exceptions import HTTPException, PermissionDeniedException
from litestar.types import ExceptionHandlersMap

from selteq_core import SelteqError, Unavailable

from .forms import failure
from .render import page, signed_out
from .session import SignInRequired, visit_of

log = logging.getLogger("selteq.web")

CSRF_REFUSED = (
    "This form was not accepted: it is out of date or did not come from this site."
    " Nothing was changed. Go back, reload the page and try again."
)


def _error_page(
    request: Request[Any, Any, Any],
    status: int,
    message: str,
    headers: dict[str, str] | None = None,
) -> Response[Any]:
    context = {"status": status, "title": HTTPStatus(status).phrase, "message": message}
    return page(request, "error", context, visit=visit_of(request), status=status, headers=headers)


def sign_in_required(request: Request[Any, Any, Any], _: Exception) -> Response[Any]:
    return signed_out(request)


def domain_error(request: Request[Any, Any, Any], error: Exception) -> Response[Any]:
    assert isinstance(error, SelteqError)
    refused = failure(error)
    if refused.status >= 500 and not isinstance(error, Unavailable):
        log.error("unmapped domain error %s on a page", type(error).__name__)
    message = refused.message or " ".join(refused.errors.values())
    return _error_page(request, refused.status, message, refused.headers)


def http_error(request: Request[Any, Any, Any], error: Exception) -> Response[Any]:
    assert isinstance(error, HTTPException)
    status = error.status_code
    if isinstance(error, PermissionDeniedException):
        return _error_page(request, 403, CSRF_REFUSED)
    if status >= 500:
        log.error("server error %d on a page: %s", status, error.detail)
        return _error_page(request, status, "Something went wrong on our side.")
    return _error_page(request, status, f"{HTTPStatus(status).phrase}.", dict(error.headers or {}))


def unexpected(request: Request[Any, Any, Any], error: Exception) -> Response[Any]:
    log.error("unhandled %s on a page", type(error).__name__, exc_info=error)
    return _error_page(request, 500, "Something went wrong on our side.")


EXCEPTION_HANDLERS: ExceptionHandlersMap = {
    SignInRequired: sign_in_required,
    SelteqError: domain_error,
    HTTPException: http_error,
    Exception: unexpected,
}
