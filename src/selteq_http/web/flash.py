"""Post, redirect, get for refusals too: a refused form answers 303 to its own page, which
shows the refusal once. Back and reload then never meet "Confirm Form Resubmission".

The refusal (its status, messages and headers, and what was typed, never a password)
travels in a short-lived cookie of its own, signed like the draft, read once by the page.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from typing import Any

from litestar import Request
from litestar.datastructures import Cookie
from litestar.response import Redirect, Template

from selteq_http.facade import backend_of

from .forms import Failure
from .render import session_cookies
from .security import PAGE_HEADERS, derived_key
from .session import Visit

FLASH_COOKIE = "selteq_flash"
FLASH_SECONDS = 120


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


def refused(
    request: Request[Any, Any, Any],
    path: str,
    failure: Failure,
    values: dict[str, str],
    visit: Visit | None = None,
) -> Redirect:
    """303 to ``path``, which shows ``failure`` with ``values`` once (and hands back the
    session's new cookie when the request traded it)."""
    data = {
        "path": path.split("?", 1)[0],
        "status": failure.status,
        "errors": failure.errors,
        "message": failure.message,
        "headers": failure.headers,
        "values": values,
    }
    body = base64.urlsafe_b64encode(json.dumps(data).encode())
    cookie = _cookie(request, f"{body.decode()}.{_sign(request, body)}", FLASH_SECONDS)
    cookies = [cookie, *session_cookies(request, visit)]
    return Redirect(path, status_code=303, headers=PAGE_HEADERS, cookies=cookies)


def taken(request: Request[Any, Any, Any]) -> tuple[Failure | None, dict[str, str]]:
    """The refusal kept for this page, if this server signed it for this path."""
    body, _, signature = request.cookies.get(FLASH_COOKIE, "").partition(".")
    if not body or not hmac.compare_digest(signature, _sign(request, body.encode())):
        return None, {}
    try:
        data = json.loads(base64.urlsafe_b64decode(body))
        if data["path"] != request.url.path:
            return None, {}
        failure = Failure(
            int(data["status"]),
            {str(k): str(v) for k, v in data["errors"].items()},
            str(data["message"]),
            {str(k): str(v) for k, v in data["headers"].items()},
        )
        values = {str(k): str(v) for k, v in data["values"].items()}
    except (ValueError, KeyError, TypeError, AttributeError):
        return None, {}
    return failure, values


def shown(request: Request[Any, Any, Any], answer: Template) -> Template:
    """The page that showed a refusal forgets it, so a reload shows the plain form."""
    if FLASH_COOKIE in request.cookies:
        answer.cookies.append(_cookie(request, "", 0))
    return answer
