"""Errors on the pages answer as pages: the same statuses as the API's problems, in words.

The app factory also hands the app-level errors (an unknown path, a method a route does not
take) to ``page_errors``, which answers with a page for every address that is not the JSON
API's, so a browser never meets a problem document.

A signed-in request whose cookie was already traded hands the new cookie back even on an
error page; otherwise the browser would present the spent token next time, which counts
as a replay and ends the session.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from http import HTTPStatus
from typing import Any

from litestar import Request, Response
from litestar.config.app import AppConfig
from litestar.exceptions import HTTPException, PermissionDeniedException
from litestar.plugins import InitPlugin
from litestar.types import ExceptionHandlersMap

from selteq_core import SelteqError, Unavailable
from selteq_http.facade import backend_of

from .drafts import draft_cookie, draft_of
from .forms import failure
from .render import page, signed_out
from .security import NOT_THE_WEB_APP, SESSION_COOKIE, form_token
from .session import SignInRequired, visit_of
from .wayfinding import came_from, sign_in_address

log = logging.getLogger("selteq.web")

IN_WORDS = {
    404: "There is no page at this address. Check it, or start again from your tasks.",
    405: "This page cannot be used that way. Start again from your tasks.",
    413: "That was too much to send at once. Nothing was changed; send less and try again.",
}
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
    context: dict[str, Any] = {
        "status": status,
        "title": HTTPStatus(status).phrase,
        "message": message,
    }
    if visit_of(request) is None and request.cookies.get(SESSION_COOKIE):
        context["signed_in"] = True  # an address no route has: the navigation all the same
    visit = visit_of(request)
    answer = page(request, "error", context, visit=visit, status=status, headers=headers)
    token_cookie = form_token(request, backend_of(request).settings)
    if token_cookie is not None:
        answer.cookies.append(token_cookie)
    return answer


def sign_in_required(request: Request[Any, Any, Any], error: Exception) -> Response[Any]:
    """To the sign-in page, with why the session ended, the way back, and a posted form's
    text kept as a draft."""
    assert isinstance(error, SignInRequired)
    answer = signed_out(request, sign_in_address(came_from(request), error.why))
    draft = draft_of(request.url.path, error.form, error.owner)
    if draft is not None:
        answer.cookies.append(draft_cookie(backend_of(request).settings, draft))
    return answer


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
    message = IN_WORDS.get(status, f"{HTTPStatus(status).phrase}.")
    return _error_page(request, status, message, dict(error.headers or {}))


def unexpected(request: Request[Any, Any, Any], error: Exception) -> Response[Any]:
    log.error("unhandled %s on a page", type(error).__name__, exc_info=error)
    return _error_page(request, 500, "Something went wrong on our side.")


EXCEPTION_HANDLERS: ExceptionHandlersMap = {
    SignInRequired: sign_in_required,
    SelteqError: domain_error,
    HTTPException: http_error,
    Exception: unexpected,
}


Handler = Callable[[Request[Any, Any, Any], Exception], Response[Any]]
_NOT_PAGES = re.compile("|".join(NOT_THE_WEB_APP))


class PageErrors(InitPlugin):
    """Wraps the app-level handlers the problem-details plugin registered: an address of the
    web app gets the page, the JSON API keeps its problem document. Listed after that plugin,
    so it finds its handlers."""

    def on_app_init(self, app_config: AppConfig) -> AppConfig:
        handlers = app_config.exception_handlers
        for kind, ours in ((HTTPException, http_error), (Exception, unexpected)):
            theirs = handlers.get(kind)
            if theirs is not None:
                handlers[kind] = _by_address(ours, theirs)
        return app_config


def _by_address(ours: Handler, theirs: Any) -> Handler:
    def handle(request: Request[Any, Any, Any], error: Exception) -> Response[Any]:
        if _NOT_PAGES.match(request.url.path):
            answer: Response[Any] = theirs(request, error)
            return answer
        return ours(request, error)

    return handle
