"""Swagger UI from the app itself: its files come from the swagger-ui-py package (which
ships swagger-ui-dist), so /schema/swagger works with no network beyond this server and
`make run` needs no npm (docs/decisions/0320-swagger-ui-from-a-package.md).

The page is Litestar's own Swagger UI page, pointed at these files instead of a CDN,
with a ``lang`` and a Content-Security-Policy that allows this origin only: its one inline
script (the page's start-up, holding the document) is allowed by its hash, nothing else
inline runs. Swagger UI sets inline styles as it draws, so styles may be inline.
"""

from __future__ import annotations

import base64
import hashlib
import importlib.util
import re
from pathlib import Path
from typing import Any

from litestar import Request, Router
from litestar.openapi.plugins import SwaggerRenderPlugin
from litestar.static_files import create_static_files_router

from selteq_http.layers.request import POLICY_KEY

ASSETS_PATH = "/schema/swagger-ui"
ASSETS = {
    "js_url": "swagger-ui-bundle.js",
    "standalone_preset_js_url": "swagger-ui-standalone-preset.js",
    "css_url": "swagger-ui.css",
}
UNUSED_PRESET = (
    f'<script src="{ASSETS_PATH}/{ASSETS["standalone_preset_js_url"]}" crossorigin></script>'
)
"""Litestar's page loads swagger-ui-dist's standalone preset (229 kB, a fifth of what a phone
downloads and parses) but names it as ``SwaggerUIBundle.SwaggerUIStandalonePreset``, which
the bundle does not define, and sets no standalone layout: the preset never runs, so the page
leaves its script out and draws exactly as before."""
FAVICON = "favicon-32x32.png"
OAUTH2_REDIRECT_PATH = "/schema/oauth2-redirect.html"
INLINE_SCRIPT = re.compile(rb"<script(?: type='text/javascript')?>(.*?)</script>", re.DOTALL)


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


SETTINGS = b"""
                  persistAuthorization: true,
                  deepLinking: true,"""
"""Swagger UI keeps an authorization across reloads of the page (in its local storage)."""


class _SwaggerPage(SwaggerRenderPlugin):
    def render(self, request: Request[Any, Any, Any], openapi_schema: dict[str, Any]) -> bytes:
        page = super().render(request, openapi_schema).replace(b"<html>", b'<html lang="en">', 1)
        page = page.replace(b"\n                  deepLinking: true,", SETTINGS, 1)
        page = page.replace(UNUSED_PRESET.encode(), b"", 1)
        page = page.replace(
            b'<meta charset="utf-8"/>',
            b'<meta charset="utf-8"/><meta name="description" content="Selteq\'s API, '
            b'documented and callable: sign in with Authorize, then try each route.">',
            1,
        )
        request.state[POLICY_KEY] = content_security_policy(page)
        return page


def assets_folder() -> Path:
    """swagger-ui-py's folder of swagger-ui-dist files, found without importing the package
    (its import pulls in its framework adapters, which the app does not use)."""
    spec = importlib.util.find_spec("swagger_ui")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("swagger-ui-py is not installed; it is one of Selteq's dependencies")
    folder = Path(next(iter(spec.submodule_search_locations))) / "static"
    missing = [name for name in (*ASSETS.values(), FAVICON) if not (folder / name).is_file()]
    if missing:
        raise RuntimeError(f"swagger-ui-py ships no {', '.join(missing)} in {folder}")
    return folder


def swagger_plugin() -> SwaggerRenderPlugin:
    """Litestar's Swagger UI page with every asset on this origin."""
    icon = f"<link rel='icon' type='image/png' href='{ASSETS_PATH}/{FAVICON}'>"
    return _SwaggerPage(
        js_url=f"{ASSETS_PATH}/{ASSETS['js_url']}",
        css_url=f"{ASSETS_PATH}/{ASSETS['css_url']}",
        standalone_preset_js_url=f"{ASSETS_PATH}/{ASSETS['standalone_preset_js_url']}",
        favicon=icon,
        oauth2_redirect_url=OAUTH2_REDIRECT_PATH,
        # The password flow needs no client: Authorize shows the username and password.
        init_oauth={"appName": "Selteq", "usePkceWithAuthorizationCodeGrant": False},
    )


def swagger_assets() -> Router:
    """The files themselves, with the content types and caching of Litestar's static files."""
    return create_static_files_router(
        path=ASSETS_PATH,
        directories=[assets_folder()],
        include_in_schema=False,
        cache_control=None,
        name="swagger-ui-assets",
    )
