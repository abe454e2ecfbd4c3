"""Spans of the jobs on the real container, database and Redis: one per actor run, per
scheduler tick and per watcher tick, the SQL statements they ran as their children."""

from __future__ import annotations

from collections.abc import Iterator

import attrs
import pytest
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from selteq_adapters.container import Container, Overrides, bootstrap
from selteq_adapters.settings import Settings
from selteq_jobs.actors import PRINT_USER_TASKS, declare_actors
from selteq_jobs.scheduler import ScheduleTick
from selteq_jobs.watch import Watcher


@pytest.fixture
def exporter() -> InMemorySpanExporter:
    return InMemorySpanExporter()


@pytest.fixture
def traced(
    settings: Settings, redis_url: str, namespace: str, exporter: InMemorySpanExporter
) -> Iterator[Container]:
    made = bootstrap(
        attrs.evolve(settings, redis_url=redis_url, broker_namespace=namespace),
        Overrides(span_exporter=exporter),
    )
    made.migrate()
    made.register_user("ada", "correct horse battery")
    made.create_task(1, "Write the report", 30)
    exporter.clear()
    yield made
    made.close()


def _one(spans: tuple[ReadableSpan, ...], name: str) -> ReadableSpan:
    found = [span for span in spans if span.name == name]
    assert len(found) == 1, [span.name for span in spans]
    return found[0]


def _statements_under(spans: tuple[ReadableSpan, ...], parent: ReadableSpan) -> list[str]:
    assert parent.context is not None
    return [
        span.name
        for span in spans
        if span.parent is not None and span.parent.span_id == parent.context.span_id
    ]


def test_an_actor_run_is_a_span_with_its_statements(
    traced: Container, exporter: InMemorySpanExporter
) -> None:
    actors = declare_actors(traced.broker, traced)
    actors.print_user_tasks(1)
    spans = exporter.get_finished_spans()
    run = _one(spans, PRINT_USER_TASKS)
    assert "SELECT" in _statements_under(spans, run)


def test_a_watcher_tick_is_a_span_with_its_statements(
    traced: Container, exporter: InMemorySpanExporter
) -> None:
    assert Watcher(traced.log_tasks, None, traced.span).tick() == 1
    spans = exporter.get_finished_spans()
    assert "SELECT" in _statements_under(spans, _one(spans, "watch tick"))


def test_a_scheduler_tick_is_a_span_with_its_statements(
    traced: Container, exporter: InMemorySpanExporter
) -> None:
    traced.migrate()
    assert ScheduleTick(traced.jobs.run_due_schedules, traced.span)() == []
    spans = exporter.get_finished_spans()
    assert "SELECT" in _statements_under(spans, _one(spans, "scheduler tick"))
