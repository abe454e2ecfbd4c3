"""The files the documentation page names, all on this origin.

Swagger UI's come from the swagger-ui-py package (which ships swagger-ui-dist), so the
console works with no network beyond this server and `make run` needs no npm
(docs/decisions/0320-swagger-ui-from-a-package.md). The page's own stylesheet and script
sit in ``static/`` beside this module, under addresses that carry their digest, so a
browser keeps them for a year and a changed file gets a new address.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

from litestar import Router
from litestar.static_files import create_static_files_router

from selteq_http.contract.fingerprints import Fingerprinted

ASSETS_PATH = "/schema/swagger-ui"
BUNDLE = "swagger-ui-bundle.js"
STYLESHEET = "swagger-ui.css"
FAVICON = "favicon-32x32.png"
PAGE_FILES_PATH = "/schema/swagger-page"
PAGE_STATIC = Path(__file__).with_name("static")


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


PAGE_FILES = Fingerprinted(PAGE_STATIC, PAGE_FILES_PATH)


def page_file(name: str) -> str:
    """The fingerprinted address of the page's own ``static/<name>``."""
    return PAGE_FILES.address(name)


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
    return Router(
        path="/",
        route_handlers=[swagger_ui, PAGE_FILES.route("swagger-page-files")],
        include_in_schema=False,
    )
