"""The files the documentation page names, all on this origin.

Swagger UI's come from the swagger-ui-py package (which ships swagger-ui-dist), so the
console works with no network beyond this server and `make run` needs no npm
(docs/decisions/0320-swagger-ui-from-a-package.md). The page's own stylesheet and script
sit in ``static/`` beside this module, under addresses that carry their digest, so a
browser keeps them for a year and a changed file gets a new address.
"""

from __future__ import annotations

import hashlib
import importlib.util
from pathlib import Path

from litestar import Router, get
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import File
from litestar.static_files import create_static_files_router

ASSETS_PATH = "/schema/swagger-ui"
BUNDLE = "swagger-ui-bundle.js"
STYLESHEET = "swagger-ui.css"
FAVICON = "favicon-32x32.png"
PAGE_FILES_PATH = "/schema/swagger-page"
PAGE_STATIC = Path(__file__).with_name("static")
FOREVER = "public, max-age=31536000, immutable"
_TYPES = {".css": "text/css", ".js": "text/javascript"}  # Litestar adds the charset


def assets_folder() -> Path:
    """swagger-ui-py's folder of swagger-ui-dist files, found without importing the package
    (its import pulls in its framework adapters, which the app does not use)."""
    spec = importlib.util.find_spec("swagger_ui")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("swagger-ui-py is not installed; it is one of Selteq's dependencies")
    folder = Path(next(iter(spec.submodule_search_locations))) / "static"
    missing = [name for name in (BUNDLE, STYLESHEET, FAVICON) if not (folder / name).is_file()]
    if missing:
        raise RuntimeError(f"swagger-ui-py ships no {', '.join(missing)} in {folder}")
    return folder


def swagger_ui_file(name: str) -> str:
    return f"{ASSETS_PATH}/{name}"


def _digests() -> dict[str, str]:
    return {
        path.name: hashlib.sha256(path.read_bytes()).hexdigest()[:16]
        for path in sorted(PAGE_STATIC.iterdir())
        if path.suffix in _TYPES
    }


DIGESTS = _digests()


def page_file(name: str) -> str:
    """The fingerprinted address of the page's own ``static/<name>``."""
    return f"{PAGE_FILES_PATH}/{DIGESTS[name]}/{name}"


@get(
    f"{PAGE_FILES_PATH}/{{digest:str}}/{{name:str}}", include_in_schema=False, sync_to_thread=False
)
def _page_files(digest: FromPath[str], name: FromPath[str]) -> File:
    if DIGESTS.get(name) != digest:
        raise NotFoundException()
    path = PAGE_STATIC / name
    return File(
        path,
        content_disposition_type="inline",
        media_type=_TYPES[path.suffix],
        headers={"Cache-Control": FOREVER},
    )


def swagger_assets() -> Router:
    """Swagger UI's files (with the content types and caching of Litestar's static files)
    and the page's own."""
    swagger_ui = create_static_files_router(
        path=ASSETS_PATH,
        directories=[assets_folder()],
        include_in_schema=False,
        cache_control=None,
        name="swagger-ui-assets",
    )
    return Router(path="/", route_handlers=[swagger_ui, _page_files], include_in_schema=False)
