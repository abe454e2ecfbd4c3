"""The app factory: routes, the error table, OpenAPI, request ids and the lifespan."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager

from litestar import Litestar
from litestar.di import Provide
from litestar.handlers import HTTPRouteHandler
from litestar.openapi.spec import Components
from litestar.plugins import PluginProtocol

from selteq_adapters.container import Container

from .accounts import account_routers
from .admin import admin_router
from .auth import SECURITY_SCHEMES
from .background import report_job
from .context import RequestContext
from .cors import cors_config, cors_only_when_allowed
from .deadline import BodyDeadline
from .deps import app_state, provide_container
from .headers import standard_headers
from .health import health_router
from .me import me_router
from .openapi import SelteqOpenAPIConfig
from .problems import problem_details
from .root import api_root
from .swagger import swagger_assets, swagger_headers, swagger_plugin
from .tasks import task_router
from .web import web_app


def _closing(container: Container) -> Callable[[Litestar], AbstractAsyncContextManager[None]]:
    @asynccontextmanager
    async def lifespan(_: Litestar) -> AsyncIterator[None]:
        try:
            yield
        finally:
            container.close()

    return lifespan


def _operation_id(handler: HTTPRouteHandler, *_: object) -> str:
    """The handler's own name in camelCase (``create_task`` -> ``createTask``): what a
    generated client names its functions, so never built from the route's path."""
    first, *rest = handler.handler_name.split("_")
    return first + "".join(word.capitalize() for word in rest)


def _openapi() -> SelteqOpenAPIConfig:
    return SelteqOpenAPIConfig(
        title="Selteq",
        version="0.1.0",
        description="Tasks with a title and a duration in minutes, per signed-in user.",
        path="/schema",
        render_plugins=[swagger_plugin()],
        components=Components(security_schemes=SECURITY_SCHEMES),
        use_handler_docstrings=False,
        operation_id_creator=_operation_id,
    )


def create_app(container: Container, *, background_jobs: bool = False) -> Litestar:
    """The HTTP API over ``container``. With ``background_jobs`` the app also runs the
    minute report job (for a process without Redis). Shutting the app down closes the
    container."""
    lifespan = [_closing(container)]
    if background_jobs:
        lifespan.append(report_job(container))
    plugins: list[PluginProtocol] = [problem_details()]
    if container.tracer_provider is not None:  # SELTEQ_OTLP_ENDPOINT: spans (tracing.py)
        from .tracing import tracing_plugins

        plugins += tracing_plugins(container.tracer_provider)
    web = web_app(container.settings)
    cors = cors_config(container.settings.cors_origins)  # SELTEQ_CORS_ORIGINS (cors.py)
    app = Litestar(
        route_handlers=[
            *account_routers(container.settings.signup),
            me_router(),
            task_router(),
            admin_router(),
            api_root(container.settings.signup),
            health_router(),
            swagger_assets(),
            *web.routers,
        ],
        template_config=web.templates,
        csrf_config=web.csrf,
        state=app_state(container),
        dependencies={"container": Provide(provide_container, sync_to_thread=False)},
        plugins=plugins,
        cors_config=cors,
        before_send=[
            standard_headers,
            swagger_headers,
            *([] if cors is None else [cors_only_when_allowed(cors)]),
        ],
        request_max_body_size=container.settings.max_body_bytes,
        openapi_config=_openapi(),
        lifespan=lifespan,
        logging_config=None,
        debug=False,
    )
    if container.settings.metrics:  # SELTEQ_METRICS: /metrics and request metrics (metrics.py)
        from .metrics import instrument

        instrument(app)
    # Outermost, so the router's own 404 and 405 answers get a request id and an access line.
    deadline = BodyDeadline(app.asgi_handler, container.settings.body_timeout)
    app.asgi_handler = RequestContext(deadline)
    return app
