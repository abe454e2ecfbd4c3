"""The web app at ``/``: server-rendered pages over the same use-cases as the JSON API.

Plain HTML forms (post, redirect, get) that need no JavaScript; every asset ships in this
package and the pages' Content-Security-Policy allows nothing from another origin. The
app factory registers ``web_app(settings)``: its routers and its templates. The CSRF check
is the pages' own middleware, so the JSON API, the probes and the static files never run it.
"""

from __future__ import annotations

from pathlib import Path

import attrs
from jinja2 import Environment, PackageLoader, select_autoescape
from litestar import Router
from litestar.middleware import DefineMiddleware
from litestar.middleware.csrf import CSRFMiddleware
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.static_files import create_static_files_router
from litestar.template.config import TemplateConfig

from selteq_adapters.container import Settings

from .accounts import account_pages
from .admin_audit import AUDIT_PAGES
from .admin_jobs import JOB_PAGES
from .admin_tasks import TASK_ADMIN_PAGES
from .admin_users import USER_PAGES
from .assets import asset, fingerprinted
from .drafts import DRAFT_PAGES
from .errors import EXCEPTION_HANDLERS, PageErrors
from .password import PASSWORD_PAGES
from .security import csrf_config
from .tasks import TASK_PAGES
from .wayfinding import WAYFINDING_PAGES

STATIC = Path(__file__).with_name("static")


@attrs.frozen
class WebApp:
    routers: list[Router]
    templates: TemplateConfig[JinjaTemplateEngine]
    errors: PageErrors
    """Listed after the problem-details plugin: app-level errors on a page's address
    (an unknown path, a method the route does not take) answer as pages."""


def _templates() -> TemplateConfig[JinjaTemplateEngine]:
    environment = Environment(
        loader=PackageLoader("selteq_http.web", "templates"),
        autoescape=select_autoescape(default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.globals["asset"] = asset
    return TemplateConfig(instance=JinjaTemplateEngine.from_environment(environment))


def web_app(settings: Settings) -> WebApp:
    pages = Router(
        path="/",
        route_handlers=[
            *account_pages(settings.signup),
            *TASK_PAGES,
            *PASSWORD_PAGES,
            *USER_PAGES,
            *TASK_ADMIN_PAGES,
            *JOB_PAGES,
            *WAYFINDING_PAGES,
            *DRAFT_PAGES,
            *AUDIT_PAGES,
        ],
        exception_handlers=EXCEPTION_HANDLERS,
        middleware=[DefineMiddleware(CSRFMiddleware, config=csrf_config(settings))],
        include_in_schema=False,
        tags=["web"],
    )
    static = create_static_files_router(
        path="/static", directories=[STATIC], include_in_schema=False
    )
    assets = Router(path="/", route_handlers=[fingerprinted], include_in_schema=False)
    return WebApp([pages, static, assets], _templates(), PageErrors())
