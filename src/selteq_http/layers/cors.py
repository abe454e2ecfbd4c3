"""CORS for browser clients on other origins (``SELTEQ_CORS_ORIGINS``), through Litestar's
own CORS support: the preflight is answered before routing, and an answer to an allowed
origin says which of its headers that page's script may read.

No credentials: the API takes a bearer token in ``Authorization``, which a page sends on
purpose, so cookies are never needed across origins, and without
``Access-Control-Allow-Credentials`` a cross-origin page cannot read the web app's
cookie-authenticated pages either (docs/decisions/0370-cors-allow-list.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from litestar.config.cors import CORSConfig
from litestar.datastructures import MutableScopeHeaders
from litestar.types import BeforeMessageSendHookHandler, Message, Method, Scope

ALLOW_METHODS: list[Method | Literal["*"]] = [
    "GET",
    "HEAD",
    "POST",
    "PUT",
    "PATCH",
    "DELETE",
    "OPTIONS",
]
ALLOW_HEADERS = ["Authorization", "Content-Type", "Idempotency-Key", "If-Match", "If-None-Match"]
EXPOSE_HEADERS = ["ETag", "Link", "Location", "Retry-After"]
MAX_AGE = 600
_ANSWERED_BY = "access-control-allow-origin"
_ONLY_WITH_IT = (
    "access-control-allow-methods",
    "access-control-allow-headers",
    "access-control-expose-headers",
)


def cors_config(origins: Sequence[str]) -> CORSConfig | None:
    """Litestar's CORS for these origins (``*``: any); None, so no CORS at all, for none."""
    if not origins:
        return None
    return CORSConfig(
        allow_origins=list(origins),
        allow_methods=ALLOW_METHODS,
        allow_headers=ALLOW_HEADERS,
        allow_credentials=False,
        expose_headers=EXPOSE_HEADERS,
        max_age=MAX_AGE,
    )


def cors_only_when_allowed(config: CORSConfig) -> BeforeMessageSendHookHandler:
    """A ``before_send`` hook: Litestar adds the allowed methods, headers and exposed
    headers to every answer to a request with an ``Origin``, allowed or not; only an
    answer that allows the origin keeps them, so a disallowed origin (or the web app's
    own same-origin form posts) gets no CORS header at all. With a list of origins the
    answer varies by ``Origin`` whatever it is, so a cache never hands one origin's
    answer to another."""

    async def hook(message: Message, scope: Scope) -> None:
        if message["type"] != "http.response.start":
            return
        headers = MutableScopeHeaders.from_message(message)
        if _ANSWERED_BY not in headers:
            for name in _ONLY_WITH_IT:
                del headers[name]
        if not config.is_allow_all_origins:
            vary = ",".join(headers.getall("vary", []))
            varies = {v.strip().lower() for v in vary.split(",")}
            if "origin" not in varies and "*" not in varies:
                headers.add("Vary", "Origin")

    return hook
