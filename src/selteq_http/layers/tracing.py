"""A server span per request, through Litestar's own OpenTelemetry plugin (imported only
when the container traces: SELTEQ_OTLP_ENDPOINT).

The plugin wraps the router, so when its span starts no route has matched yet: the span
is named by the method alone, as OpenTelemetry's HTTP conventions say for a request
without a route, and renamed ``METHOD /route/{template}`` with ``http.route`` set once the
router has matched. A path never names a span (one series per route, not per task id).
Only the server span is kept: the ASGI receive and send spans say nothing a reader needs.
No header is captured, so the ``Authorization`` header never reaches a span.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from litestar.config.app import AppConfig
from litestar.enums import ScopeType
from litestar.plugins import InitPlugin, PluginProtocol
from litestar.plugins.opentelemetry import OpenTelemetryConfig, OpenTelemetryPlugin
from litestar.types import ASGIApp, Receive, Scope, Send
from opentelemetry import trace
from opentelemetry.semconv.attributes.http_attributes import HTTP_ROUTE

if TYPE_CHECKING:
    from opentelemetry.trace import TracerProvider


def tracing_plugins(provider: TracerProvider) -> list[PluginProtocol]:
    """The plugins that trace every request with ``provider``."""
    config = OpenTelemetryConfig(
        tracer_provider=provider,
        scope_span_details_extractor=_method_only,
        exclude_spans=["receive", "send"],
    )
    return [OpenTelemetryPlugin(config), _NameSpansByRoute()]


def _method_only(scope: Scope) -> tuple[str, dict[str, Any]]:
    return str(scope.get("method", "HTTP")), {}


class _NameSpansByRoute(InitPlugin):
    """Adds the middleware that renames the server span once the route is known
    (Litestar runs app middleware after routing, inside the plugin's span)."""

    def on_app_init(self, app_config: AppConfig) -> AppConfig:
        app_config.middleware.append(_route_namer)
        return app_config


def _route_namer(app: ASGIApp) -> ASGIApp:
    async def name_span(scope: Scope, receive: Receive, send: Send) -> None:
        template = scope.get("path_template")
        if template and scope["type"] == ScopeType.HTTP:
            span = trace.get_current_span()
            span.update_name(f"{scope['method']} {template}")
            span.set_attribute(HTTP_ROUTE, template)
        await app(scope, receive, send)

    return name_span
