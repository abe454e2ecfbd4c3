"""The app factory: routes and pages, the error table, OpenAPI, the façade, the one request
layer and the lifespan. The HTTP edge's own wiring happens here and nowhere else."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager

from litestar import Litestar, Router
from litestar.config.compression import CompressionConfig
from litestar.datastructures import State
from litestar.handlers import HTTPRouteHandler
from litestar.middleware import DefineMiddleware
from litestar.middleware.compression import CompressionMiddleware
from litestar.openapi.spec import Components
from litestar.plugins import PluginProtocol

from selteq_adapters.container import Container
from selteq_http.api import api_routers
from selteq_http.api.hot import HotLane
from selteq_http.contract.openapi import SelteqOpenAPIConfig
from selteq_http.contract.problems import problem_details
from selteq_http.contract.security import SECURITY_SCHEMES
from selteq_http.contract.swagger import (
    OAUTH2_REDIRECT_PATH,
    OAUTH2_REDIRECT_POLICY,
    swagger_assets,
    swagger_plugin,
)
from selteq_http.facade import Backend
from selteq_http.facade.backend import STATE_KEY
from selteq_http.layers.clients import networks
from selteq_http.layers.cors import cors_config, cors_only_when_allowed
from selteq_http.layers.request import RequestLayer
from selteq_http.server.background import report_job
from selteq_http.web import web_app

log = logging.getLogger("selteq.http.app")
POOL_FILL_SECONDS = 10.0
"""How long a start may wait for the database pool to open: past it the server takes load
with what is open, and the rest opens on demand."""


def _filling(container: Container) -> Callable[[Litestar], AbstractAsyncContextManager[None]]:
    """A lifespan that opens and warms the database pool before the server takes load (in
    a thread, never on the event loop): right after a start, requests find their
    connections open, with the hot statements ready, instead of opening them all at once
    under load. A database that is down costs one failed attempt; readiness reports it."""

    @asynccontextmanager
    async def lifespan(_: Litestar) -> AsyncIterator[None]:
        size = container.settings.db_pool_size
        opened = await asyncio.to_thread(container.fill_pool, POOL_FILL_SECONDS)
        if 0 < opened < size:
            log.warning("the database pool opened %d of %d connections", opened, size)
        yield

    return lifespan


def _closing(backend: Backend) -> Callable[[Litestar], AbstractAsyncContextManager[None]]:
    @asynccontextmanager
    async def lifespan(_: Litestar) -> AsyncIterator[None]:
        try:
            yield
        finally:
            backend.close()
            backend.cases.close()

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
        openapi_router=Router(
            path="/schema", route_handlers=[], middleware=[COMPRESSED], include_in_schema=False
        ),
        render_plugins=[swagger_plugin()],
        components=Components(security_schemes=SECURITY_SCHEMES),
        use_handler_docstrings=False,
        operation_id_creator=_operation_id,
    )


COMPRESSION = CompressionConfig(backend="gzip", minimum_size=1400, gzip_compress_level=6)
"""gzip for answers of a packet or more, where people's browsers fetch them (decision 0436)."""
COMPRESSED = DefineMiddleware(CompressionMiddleware, config=COMPRESSION)
"""Only on the pages, their files, Swagger UI and the OpenAPI document: the JSON API is sent
as written, so its requests never pass through the middleware (decision 0471)."""


def create_app(container: Container, *, background_jobs: bool = False) -> Litestar:
    """The HTTP API over ``container``. With ``background_jobs`` the app also runs the
    minute report job (for a process without Redis). Shutting the app down closes the
    container."""
    settings = container.settings
    backend = _backend(container)
    lifespan = [_closing(backend), _filling(container)]
    if background_jobs:
        lifespan.append(report_job(container))
    web = web_app(settings)
    plugins: list[PluginProtocol] = [problem_details(), web.errors]
    if container.tracer_provider is not None:  # SELTEQ_OTLP_ENDPOINT: spans (layers/tracing.py)
        from selteq_http.layers.tracing import tracing_plugins

        plugins += tracing_plugins(container.tracer_provider)
    cors = cors_config(settings.cors_origins)  # SELTEQ_CORS_ORIGINS (layers/cors.py)
    app = Litestar(
        route_handlers=[
            *api_routers(settings.signup),
            Router(
                path="/", route_handlers=[swagger_assets(), *web.routers], middleware=[COMPRESSED]
            ),
        ],
        template_config=web.templates,
        state=State({STATE_KEY: backend}, deep_copy=False),
        plugins=plugins,
        cors_config=cors,
        # Nothing is wrapped around every answer unless a feature that needs it is on.
        before_send=[] if cors is None else [cors_only_when_allowed(cors)],
        request_max_body_size=settings.max_body_bytes,
        openapi_config=_openapi(),
        lifespan=lifespan,
        logging_config=None,
        debug=False,
    )
    if settings.metrics:  # SELTEQ_METRICS: /metrics and request metrics (layers/metrics.py)
        from selteq_http.layers.metrics import instrument

        instrument(app)
    # Outermost, so the router's own 404 and 405 answers get a request id and an access line.
    inner = app.asgi_handler
    if cors is None and not settings.metrics and container.tracer_provider is None:
        # The plain list, retrieve and create without the framework's chain (api/hot.py); a feature
        # that wraps every request keeps them on the framework road, where it lives.
        inner = HotLane(inner, app, backend, settings.max_body_bytes)
    layer = RequestLayer(
        inner,
        body_timeout=settings.body_timeout,
        trusted=networks(settings.trusted_proxies),
        proxy_header=settings.proxy_header,
        policies={OAUTH2_REDIRECT_PATH: OAUTH2_REDIRECT_POLICY},
    )
    app.asgi_handler = layer
    app.on_shutdown.append(layer.flush)  # the last access lines, before the process ends
    return app


def _backend(container: Container) -> Backend:
    """The façade, with the hashing gate's gauges when metrics are on."""
    if not container.settings.metrics:
        return Backend(container)
    from selteq_http.layers.metrics import password_check_gauges

    return Backend(container, *password_check_gauges())
