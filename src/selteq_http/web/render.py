"""How a page answers: a template, or a 303 to the next page, each carrying the session's
new cookie and the page headers."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from litestar import Request
from litestar.datastructures import Cookie
from litestar.response import Redirect, Template

from selteq_http.facade import backend_of

from .security import PAGE_HEADERS, ended_session_cookie, session_cookie
from .session import Visit


def session_cookies(request: Request[Any, Any, Any], visit: Visit | None) -> list[Cookie]:
    if visit is None:
        return []
    session = visit.session
    settings = backend_of(request).settings
    return [session_cookie(settings, session.refresh_token, session.refresh_expires_in)]


def page(
    request: Request[Any, Any, Any],
    name: str,
    context: Mapping[str, Any] | None = None,
    *,
    visit: Visit | None = None,
    status: int = 200,
    headers: Mapping[str, str] | None = None,
) -> Template:
    """``templates/<name>.html`` with ``context``; ``signed_in``, ``staff`` and
    ``username`` tell the layout which navigation and name to show, ``signup`` whether to
    offer sign-up."""
    signup = backend_of(request).settings.signup
    shared = {
        "signed_in": visit is not None,
        "staff": visit is not None and visit.staff,
        "username": "" if visit is None else visit.username,
        "signup": signup,
    }
    return Template(
        template_name=f"{name}.html",
        context={**shared, **(context or {})},
        status_code=status,
        headers={**PAGE_HEADERS, **(headers or {})},
        cookies=session_cookies(request, visit),
    )


def see_other(
    request: Request[Any, Any, Any], path: str, *, visit: Visit | None = None
) -> Redirect:
    """Post, redirect, get: a successful form answers 303 so reloading the next page never
    posts the form again."""
    return Redirect(
        path, status_code=303, headers=PAGE_HEADERS, cookies=session_cookies(request, visit)
    )


def signed_out(request: Request[Any, Any, Any], path: str = "/sign-in") -> Redirect:
    """A 303 that also tells the browser to forget its session cookie."""
    settings = backend_of(request).settings
    return Redirect(
        path, status_code=303, headers=PAGE_HEADERS, cookies=[ended_session_cookie(settings)]
    )
