"""Post, redirect, get for refusals too: a refused form answers 303 to its own page, which
shows the refusal once. Back and reload then never meet "Confirm Form Resubmission".

The refusal (its status, messages and headers, and what was typed, never a password)
travels in a short-lived cookie of its own, signed like the draft, read once by the page.
It is compressed, so even a long paste usually fits in one cookie; what cannot fit is
never cut: ``kept`` then says no, and the form answers directly (docs/decisions/0450).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import zlib
from typing import Any

from litestar import Request
from litestar.datastructures import Cookie
from litestar.response import Redirect, Template

from selteq_http.facade import backend_of

from .forms import Failure
from .render import see_other, session_cookies
from .security import PAGE_HEADERS, derived_key
from .session import Visit

FLASH_COOKIE = "selteq_flash"
FLASH_SECONDS = 120
FLASH_MAX = 3_800
"""The longest cookie value sent: browsers keep a cookie of up to 4,096 bytes, name and
attributes included, and silently drop a longer one."""


def _sign(request: Request[Any, Any, Any], body: bytes) -> str:
    key = derived_key(backend_of(request).settings, b"selteq web flash").encode()
    return hmac.new(key, body, hashlib.sha256).hexdigest()


def _cookie(request: Request[Any, Any, Any], value: str, max_age: int) -> Cookie:
    return Cookie(
        key=FLASH_COOKIE,
        value=value,
        max_age=max_age,
        path="/",
        httponly=True,
        secure=backend_of(request).settings.production,
        samesite="lax",
    )


def kept(
    request: Request[Any, Any, Any],
    path: str,
    failure: Failure,
    values: dict[str, str],
    visit: Visit | None = None,
) -> Redirect | None:
    """303 to ``path``, which shows ``failure`` with ``values`` once (and hands back the
    session's new cookie when the request traded it); None when that would not fit in a
    cookie, so the caller answers the form itself instead of losing what was typed."""
    data = {
        "path": path.split("?", 1)[0],
        "status": failure.status,
        "errors": failure.errors,
        "message": failure.message,
        "headers": failure.headers,
        "values": values,
    }
    packed = zlib.compress(json.dumps(data, ensure_ascii=False).encode(), 9)
    body = base64.urlsafe_b64encode(packed)
    value = f"{body.decode()}.{_sign(request, body)}"
    if len(value) > FLASH_MAX:
        return None
    cookies = [_cookie(request, value, FLASH_SECONDS), *session_cookies(request, visit)]
    return Redirect(path, status_code=303, headers=PAGE_HEADERS, cookies=cookies)


def refused(
    request: Request[Any, Any, Any],
    path: str,
    failure: Failure,
    values: dict[str, str],
    visit: Visit | None = None,
) -> Redirect:
    """As ``kept``, for forms whose kept fields are short (a username): should they not
    fit, the refusal is still shown once, with the fields empty."""
    answer = kept(request, path, failure, values, visit) or kept(request, path, failure, {}, visit)
    return answer or see_other(request, path, visit=visit)


def taken(request: Request[Any, Any, Any]) -> tuple[Failure | None, dict[str, str]]:
    """The refusal kept for this page, if this server signed it for this path."""
    body, _, signature = request.cookies.get(FLASH_COOKIE, "").partition(".")
    if not body or not hmac.compare_digest(signature, _sign(request, body.encode())):
        return None, {}
    try:
        data = json.loads(zlib.decompress(base64.urlsafe_b64decode(body)))
        if data["path"] != request.url.path:
            return None, {}
        failure = Failure(
            int(data["status"]),
            {str(k): str(v) for k, v in data["errors"].items()},
            str(data["message"]),
            {str(k): str(v) for k, v in data["headers"].items()},
        )
        values = {str(k): str(v) for k, v in data["values"].items()}
    except (ValueError, KeyError, TypeError, AttributeError, zlib.error):
        return None, {}
    return failure, values


def shown(request: Request[Any, Any, Any], answer: Template) -> Template:
    """The page that showed a refusal forgets it, so a reload shows the plain form."""
    if FLASH_COOKIE in request.cookies:
        answer.cookies.append(_cookie(request, "", 0))
    return answer
