"""``/schema/swagger``: the API reference drawn by the server, with Swagger UI on demand
(docs/decisions/0475-api-reference-first-swagger-ui-on-demand.md).

The page is readable at its first paint, with or without JavaScript: the reference comes
from the served OpenAPI document, styled by one small stylesheet. Swagger UI's bundle is
the size of a large app and draws nothing until it has run, so its files load only when
asked for: the page's script (``static/console.js``) starts it in place when the button is
pressed or the address asks for it (``?console``, or a Swagger UI deep link ``#/…``), so a
bookmark or a shared link to an operation opens the console.

The document does not change while the app runs, so the page is drawn once, on its first
request. Nothing inline runs: the policy allows this origin's scripts only. Swagger UI sets
inline styles as it draws, so styles may be inline.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from litestar import Request
from litestar.openapi.plugins import SwaggerRenderPlugin

from selteq_http.layers.request import POLICY_KEY

from .files import BUNDLE, FAVICON, STYLESHEET, page_file, swagger_ui_file
from .reference import reference

OAUTH2_REDIRECT_PATH = "/schema/oauth2-redirect.html"
INLINE_SCRIPT = re.compile(rb"<script(?: type='text/javascript')?>(.*?)</script>", re.DOTALL)
INIT_OAUTH = {"appName": "Selteq", "usePkceWithAuthorizationCodeGrant": False}
"""The password flow needs no client: Authorize shows the username and password."""


def content_security_policy(page: bytes) -> str:
    """This origin only; of inline scripts, exactly the ones ``page`` holds (by hash)."""
    hashes = " ".join(
        f"'sha256-{base64.b64encode(hashlib.sha256(body).digest()).decode()}'"
        for body in INLINE_SCRIPT.findall(page)
    )
    return "; ".join(
        (
            "default-src 'self'",
            f"script-src 'self' {hashes}".rstrip(),
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data:",
            "form-action 'self'",
            "base-uri 'none'",
            "object-src 'none'",
            "frame-ancestors 'none'",
        )
    )


OAUTH2_REDIRECT_POLICY = content_security_policy(SwaggerRenderPlugin.render_oauth2_redirect())


def _spans(text: str) -> list[str]:
    """``text`` cut where the document's descriptions mark code with backticks: the spans
    at odd places are code. The template escapes each one."""
    return re.split(r"`([^`]+)`", text)


_TEMPLATES = Environment(
    loader=FileSystemLoader(Path(__file__).with_name("templates")),
    autoescape=True,
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
_TEMPLATES.filters["spans"] = _spans


class SwaggerPage(SwaggerRenderPlugin):
    """Litestar's Swagger UI plugin (its route, and the OAuth2 redirect page it registers)
    with the page above in place of Litestar's."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._page: tuple[bytes, str] | None = None

    def render(self, request: Request[Any, Any, Any], openapi_schema: dict[str, Any]) -> bytes:
        if self._page is None:
            page = draw(openapi_schema, self.get_openapi_json_route(request))
            self._page = (page, content_security_policy(page))
        page, policy = self._page
        request.state[POLICY_KEY] = policy
        return page


def draw(document: dict[str, Any], openapi_url: str) -> bytes:
    """The page for ``document``, whose JSON is served at ``openapi_url``."""
    template = _TEMPLATES.get_template("reference.html")
    return template.render(
        api=reference(document),
        openapi_url=openapi_url,
        stylesheet=page_file("reference.css"),
        script=page_file("console.js"),
        favicon=swagger_ui_file(FAVICON),
        console={
            "js": swagger_ui_file(BUNDLE),
            "css": swagger_ui_file(STYLESHEET),
            "openapi": openapi_url,
            "oauth2-redirect": OAUTH2_REDIRECT_PATH,
            "init-oauth": json.dumps(INIT_OAUTH),
        },
    ).encode()


def swagger_plugin() -> SwaggerRenderPlugin:
    """The documentation page at ``/schema/swagger`` (and ``/schema``)."""
    return SwaggerPage(oauth2_redirect_url=OAUTH2_REDIRECT_PATH, init_oauth=INIT_OAUTH)
