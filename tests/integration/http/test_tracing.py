"""Tracing through the real app and the real database: a server span per request, named
by its route, and a child span per SQL statement that carries the statement's text but
none of the values bound to it. The SDK's in-memory exporter receives the spans."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import attrs
import pytest
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

from selteq_adapters.container import Overrides
from selteq_adapters.settings import Settings
from selteq_core.memory import ManualClock
from tests import services

from .conftest import PASSWORD, bearer, running
from .postgres import fresh_database

SECRET_TITLE = "Title-that-must-stay-out-of-spans"


@pytest.fixture(params=["sqlite", "postgresql"])
def traced_settings(request: pytest.FixtureRequest, settings: Settings) -> Iterator[Settings]:
    if request.param == "sqlite":
        yield settings
        return
    with fresh_database() as name:
        url = f"postgresql://postgres@{services.POSTGRES_HOST}:{services.POSTGRES_PORT}/{name}"
        yield attrs.evolve(settings, database_url=url)


def _servers(spans: tuple[ReadableSpan, ...]) -> list[ReadableSpan]:
    return [span for span in spans if span.kind is SpanKind.SERVER]


def _children(spans: tuple[ReadableSpan, ...], parent: ReadableSpan) -> list[ReadableSpan]:
    assert parent.context is not None
    return [
        span
        for span in spans
        if span.parent is not None and span.parent.span_id == parent.context.span_id
    ]


def _every_value(span: ReadableSpan) -> str:
    return " ".join([span.name, *(str(v) for v in (span.attributes or {}).values())])


def test_a_span_per_request_named_by_route_with_a_child_per_statement(
    traced_settings: Settings, clock: ManualClock
) -> None:
    exporter = InMemorySpanExporter()
    with running(traced_settings, clock, Overrides(span_exporter=exporter)) as api:
        api.sign_up("ada")
        token = api.login("ada")["access_token"]
        exporter.clear()
        created = api.client.post(
            "/api/tasks/", json={"title": SECRET_TITLE, "duration": 25}, headers=bearer(token)
        )
        assert created.status_code == 201, created.text
        read = api.client.get(f"/api/tasks/{created.json()['id']}/", headers=bearer(token))
        assert read.status_code == 200
        assert api.client.get("/no/such/route").status_code == 404
        spans = exporter.get_finished_spans()

    create, get, missing = _servers(spans)
    assert create.name == "POST /api/tasks"
    assert (create.attributes or {})["http.route"] == "/api/tasks"
    assert get.name.startswith("GET /api/tasks/{")
    assert (get.attributes or {})["http.route"] == get.name.removeprefix("GET ")
    assert missing.name == "GET"  # no route matched: the method alone, never the path
    assert "http.route" not in (missing.attributes or {})
    # The old HTTP conventions name it http.status_code, the stable ones (opted in through
    # OTEL_SEMCONV_STABILITY_OPT_IN=http) http.response.status_code.
    status = {**(create.attributes or {})}
    assert status.get("http.response.status_code", status.get("http.status_code")) == 201

    statements = _children(spans, create)
    assert statements, "no statement span under the create request"
    assert {s.context.trace_id for s in statements if s.context} == {create.context.trace_id}  # type: ignore[union-attr]
    inserts = [s for s in statements if s.name == "INSERT"]
    assert inserts, [s.name for s in statements]
    for span in statements:
        attributes: dict[str, Any] = dict(span.attributes or {})
        assert span.kind is SpanKind.CLIENT
        assert attributes["db.system.name"] == traced_settings.database_url.split(":")[0]
        assert attributes["db.query.text"].split(None, 1)[0].upper() == span.name
    assert any("?" in str((s.attributes or {})["db.query.text"]) for s in inserts)
    assert _children(spans, get), "no statement span under the read request"

    everything = " ".join(_every_value(span) for span in spans)
    assert SECRET_TITLE not in everything
    assert PASSWORD not in everything
    assert token not in everything


def test_without_an_endpoint_the_container_has_no_tracing(settings: Settings) -> None:
    from selteq_adapters.container import bootstrap

    container = bootstrap(settings)
    try:
        assert container.tracer_provider is None
        with container.span("anything", attribute=1) as span:
            assert span is None
    finally:
        container.close()
