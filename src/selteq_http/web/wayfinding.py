"""Where a browser is sent when it asks for a page it cannot have: the sign-in page with the
reason and the way back (``next``), and ``GET /tasks`` (the address a refused Add task used
to leave in the bar) to the list.

``next`` is only ever a path on this site: anything with a scheme, a host, a backslash or a
control character, or a ``//`` that browsers read as another host, becomes ``/``.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlencode, urlsplit

from litestar import Request, get
from litestar.response import Redirect

from .security import PAGE_HEADERS

REASONS = {
    "ended": "Your session ended. Sign in again to carry on.",
    "password": "Your password was changed, so you were signed out. Sign in with the new one.",
    "deactivated": "This account was deactivated — ask an administrator.",
}
_UNSAFE = re.compile(r"[\x00-\x1f\x7f\\]")


def local_path(text: str | None) -> str:
    """``text`` when it is a path on this site, else ``/``."""
    if not text or not text.startswith("/") or text.startswith("//") or _UNSAFE.search(text):
        return "/"
    parts = urlsplit(text)
    if parts.scheme or parts.netloc:
        return "/"
    return text


def came_from(request: Request[Any, Any, Any]) -> str:
    """The page a request asked for, or for a form, the page it was posted from (the
    ``Referer`` of this origin, which the pages' referrer policy sends)."""
    if request.method in ("GET", "HEAD"):
        query = request.url.query
        return local_path(request.url.path + (f"?{query}" if query else ""))
    referer = urlsplit(request.headers.get("referer", ""))
    if referer.netloc != request.headers.get("host", ""):
        return "/"
    return local_path(referer.path + (f"?{referer.query}" if referer.query else ""))


def sign_in_address(next_path: str = "/", why: str = "") -> str:
    query = {}
    if next_path != "/":
        query["next"] = next_path
    if why in REASONS:
        query["why"] = why
    return "/sign-in" + (f"?{urlencode(query)}" if query else "")


@get("/tasks", include_in_schema=False)
async def task_list_address() -> Redirect:
    return Redirect("/", status_code=303, headers=PAGE_HEADERS)


WAYFINDING_PAGES = [task_list_address]
