"""Pages over HTTP: the ``limit`` and cursor query parameters, and the next page's link.

A page's answer stays a bare JSON array, as the seed's list was; the next page, when there
is one, is announced in a ``Link: <…>; rel="next"`` header (RFC 8288), so a client that
knows nothing of pages sees no change. The link is a path with its query, resolved
against the request's own URL, so it stays right behind a proxy that rewrites the host.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal
from urllib.parse import quote_plus

from litestar import Request
from litestar.datastructures import ResponseHeader
from litestar.params import Parameter

from selteq_core import PAGE_MAX

Limit = Annotated[
    int | None,
    Parameter(ge=1, le=PAGE_MAX, description=f"How many rows a page holds, 1 to {PAGE_MAX}"),
]
Cursor = Annotated[
    str | None,
    Parameter(
        max_length=100,
        description='Where the page starts: the cursor of a `Link: rel="next"` header',
    ),
]
Search = Annotated[
    str | None,
    Parameter(
        max_length=200,
        description="Only tasks whose title holds this text (case-insensitive)",
    ),
]
OrderingName = Literal["-created_at", "created_at", "-duration", "duration"]
"""The core's ``ORDERINGS``, spelled out so the document states them as an enum."""
Ordering = Annotated[
    OrderingName,
    Parameter(
        description=(
            "The order, as Django REST framework names it: `-created_at` (newest first, "
            "the default), `created_at`, `-duration` (longest first) or `duration`"
        ),
    ),
]
LINK = [
    ResponseHeader(
        name="Link",
        value='</api/tasks/?before=...>; rel="next"',
        documentation_only=True,
        required=False,
        description='`<…>; rel="next"` (RFC 8288) when there is a next page',
    )
]


def next_link(request: Request[Any, Any, Any], name: str, value: object) -> dict[str, str]:
    """The ``Link`` header to the same route with the request's query and ``name`` set to
    ``value``; no header when ``value`` is None (there is no next page)."""
    if value is None:
        return {}
    scope = request.scope
    # The scope's own path and query, not ``request.url``: a full URL is built for nothing.
    query = (
        [(k, v) for k, v in request.query_params.multi_items() if k != name]
        if scope.get("query_string")
        else []
    )
    return {"Link": link_to(scope.get("root_path", "") + scope["path"], query, name, value)}


def link_to(path: str, query: list[tuple[str, str]], name: str, value: object) -> str:
    """A ``Link`` value (RFC 8288) naming the next page: ``path`` in its documented form
    (one trailing slash), ``query`` with ``name`` set to ``value``."""
    query.append((name, str(value)))
    encoded = "&".join(f"{_quoted(key)}={_quoted(text)}" for key, text in query)
    return f'<{path.rstrip("/")}/?{encoded}>; rel="next"'


_UNRESERVED = re.compile(r"[A-Za-z0-9_.~-]*")


def _quoted(text: str) -> str:
    """``quote_plus`` (what ``urlencode`` applies), without its work for text it leaves as
    it is: a cursor token is URL-safe base64, and quoting it was most of a page's link."""
    return text if _UNRESERVED.fullmatch(text) else quote_plus(text)
