"""Optional OpenTelemetry tracing (SELTEQ_OTLP_ENDPOINT): spans for requests, SQL
statements and jobs, sent to an OTLP/HTTP collector.

Off by default, and then free: this module imports nothing of OpenTelemetry at load, the
container hands out ``NO_TRACING`` (whose ``span`` is one shared, empty context manager and
whose provider is None) and the database runs its statements without a hook. Only
``start_tracing`` imports the SDK, so a process that never calls it never loads it.

The tracer provider is the container's own, never the global one: each container (a test
builds many in one process) exports to its own exporter, and a process built twice does not
meet OpenTelemetry's "set the global provider once" rule. The exporter reads the standard
``OTEL_EXPORTER_OTLP_*`` variables (headers, timeout, certificate, compression) and the
resource the standard ``OTEL_SERVICE_NAME`` and ``OTEL_RESOURCE_ATTRIBUTES``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager, nullcontext
from typing import TYPE_CHECKING, Any

import attrs

if TYPE_CHECKING:
    from opentelemetry.sdk.trace.export import SpanExporter
    from opentelemetry.trace import Tracer, TracerProvider

SERVICE_NAME = "selteq"
# db.system.name as OpenTelemetry's semantic conventions spell each dialect.
_DB_SYSTEMS = {"sqlite": "sqlite", "postgresql": "postgresql", "mssql": "microsoft.sql_server"}
TRACES_PATH = "/v1/traces"
_NO_SPAN: AbstractContextManager[Any] = nullcontext()

SpanFactory = Callable[..., AbstractContextManager[Any]]
"""``span(name, **attributes)``: a context manager around one unit of work."""
StatementSpan = Callable[[str], AbstractContextManager[Any]]
"""``statement_span(sql)``: a context manager around one SQL statement."""


def _no_span(name: str, **attributes: object) -> AbstractContextManager[Any]:
    return _NO_SPAN


@attrs.frozen
class Tracing:
    """What the container hands out: a provider for the HTTP plugin, spans for the jobs,
    a statement span for a dialect, and the flush at shutdown."""

    provider: TracerProvider | None = None
    span: SpanFactory = _no_span
    statement_span: Callable[[str], StatementSpan | None] = lambda system: None
    shutdown: Callable[[], None] = lambda: None


NO_TRACING = Tracing()


def start_tracing(endpoint: str | None, exporter: SpanExporter | None = None) -> Tracing:
    """A provider exporting to ``endpoint`` (in batches, off the calling thread), or to
    ``exporter`` as each span ends (a test's in-memory exporter)."""
    from opentelemetry.sdk.resources import OTELResourceDetector, Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor, SimpleSpanProcessor

    detected = dict(OTELResourceDetector().detect().attributes)
    provider = TracerProvider(resource=Resource.create({"service.name": SERVICE_NAME, **detected}))
    if exporter is not None:
        provider.add_span_processor(SimpleSpanProcessor(exporter))
    else:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        assert endpoint is not None
        provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(endpoint + TRACES_PATH)))
    tracer = provider.get_tracer("selteq")

    def span(name: str, **attributes: Any) -> AbstractContextManager[Any]:
        return tracer.start_as_current_span(name, attributes=attributes)

    return Tracing(provider, span, _statement_spans(tracer), provider.shutdown)


def _statement_spans(tracer: Tracer) -> Callable[[str], StatementSpan]:
    """Per dialect: a CLIENT span per statement, named by its first keyword, carrying the
    statement's text with its placeholders (``?``), never the values bound to them."""
    from opentelemetry.trace import SpanKind

    def for_system(system: str) -> StatementSpan:
        def statement_span(sql: str) -> AbstractContextManager[Any]:
            operation = sql.lstrip().split(None, 1)[0].upper() if sql.strip() else "SQL"
            attributes: Mapping[str, str] = {
                "db.system.name": _DB_SYSTEMS.get(system, system),
                "db.operation.name": operation,
                "db.query.text": sql,
            }
            return tracer.start_as_current_span(
                operation, kind=SpanKind.CLIENT, attributes=attributes
            )

        return statement_span

    return for_system
