"""What the browser is told to enforce: the session cookie's flags, CSRF, and the page
headers (a Content-Security-Policy that allows only this origin and no inline script).

The CSRF check is Litestar's double-submit middleware: a signed token in a cookie that
only this site can set, repeated in every form as ``_csrf_token``. The JSON API, the
OpenAPI pages, health and metrics are left out: their callers send bearer tokens or
nothing, never a cookie, so a forged cross-site request has nothing to ride on.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

from litestar import Request
from litestar.config.csrf import CSRFConfig
from litestar.datastructures import Cookie
from litestar.middleware.csrf import CSRF_SECRET_LENGTH, generate_csrf_hash, generate_csrf_token
from litestar.types import Empty
from litestar.utils.scope.state import ScopeState

from selteq_adapters.container import Settings

SESSION_COOKIE = "selteq_session"
CSRF_COOKIE = "selteq_csrf"
NOT_THE_WEB_APP = [r"^/api(/|$)", r"^/schema(/|$)", r"^/health(/|$)", r"^/metrics(/|$)"]

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self'",
        "form-action 'self'",
        "base-uri 'none'",
        "object-src 'none'",
        "frame-ancestors 'none'",
    )
)
PAGE_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    # A page shows one person's tasks: no shared cache keeps it, no back button replays it.
    "Cache-Control": "no-store",
}


def derived_key(settings: Settings, purpose: bytes) -> str:
    """A key for one purpose, derived from the JWT secret so no new secret must be managed;
    knowing it does not reveal the JWT secret."""
    return hmac.new(settings.jwt_secret.encode(), purpose, hashlib.sha256).hexdigest()


def csrf_config(settings: Settings) -> CSRFConfig:
    return CSRFConfig(
        secret=derived_key(settings, b"selteq web csrf"),
        cookie_name=CSRF_COOKIE,
        cookie_secure=settings.production,
        cookie_httponly=True,  # only forms carry it; no page script needs to read it
        cookie_samesite="lax",
        cookie_path="/",
    )


def form_token(request: Request[Any, Any, Any], settings: Settings) -> Cookie | None:
    """Makes sure a page's forms carry a token the CSRF check accepts, also on a page the
    check never let through: the page of a refused form, or of an address no route has.

    The middleware puts the token where ``csrf_input`` reads it only for a request it
    passes; every other page (whose header holds the sign-out form) would render it empty,
    and a form posted from there would be refused in turn. The browser's own cookie is
    reused when this site signed it, so the forms of its other tabs keep working; without
    one, a new token is made and its cookie (returned here) goes with the page."""
    state = ScopeState.from_scope(request.scope)
    if state.csrf_token is not Empty and state.csrf_token:
        return None
    config = csrf_config(settings)
    cookie = request.cookies.get(CSRF_COOKIE, "")
    if _signed(cookie, config.secret):
        state.csrf_token = cookie
        return None
    token = state.csrf_token = generate_csrf_token(config.secret)
    return Cookie(
        key=CSRF_COOKIE,
        value=token,
        path=config.cookie_path,
        secure=config.cookie_secure,
        httponly=config.cookie_httponly,
        samesite=config.cookie_samesite,
    )


def _signed(token: str, secret: str) -> bool:
    """The check Litestar's middleware applies to a token: its random part signed by us."""
    if len(token) <= CSRF_SECRET_LENGTH:
        return False
    expected = generate_csrf_hash(token[:CSRF_SECRET_LENGTH], secret)
    return hmac.compare_digest(token[CSRF_SECRET_LENGTH:], expected)


COOKIE_OUTLIVES_TOKEN = 86_400
"""The cookie is kept a day past its token, so an expired session comes back to the server,
which can then say that it ended (and keep a posted form's text) instead of showing a bare
sign-in page as to a stranger."""


def session_cookie(settings: Settings, refresh_token: str, max_age: int) -> Cookie:
    """The browser's session: the refresh token itself, out of reach of page scripts."""
    return Cookie(
        key=SESSION_COOKIE,
        value=refresh_token,
        max_age=max_age + COOKIE_OUTLIVES_TOKEN,
        path="/",
        httponly=True,
        secure=settings.production,
        samesite="lax",
    )


def ended_session_cookie(settings: Settings) -> Cookie:
    """Tells the browser to forget the session cookie."""
    return Cookie(
        key=SESSION_COOKIE,
        value="",
        max_age=0,
        path="/",
        httponly=True,
        secure=settings.production,
        samesite="lax",
    )
