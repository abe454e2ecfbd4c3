"""Probes: /health/live never touches I/O; /health/ready checks the database and Redis."""

from __future__ import annotations

import socket

import attrs

from selteq_adapters.settings import Settings
from selteq_core.memory import ManualClock
from tests import services

from .conftest import Api, running


def test_live_and_ready(api: Api) -> None:
    live = api.client.get("/health/live")
    assert (live.status_code, live.json()["status"]) == (200, "ok")
    ready = api.client.get("/health/ready")
    assert ready.status_code == 200
    assert ready.json() == {"status": "ok", "checks": {"database": "ok"}}


def test_ready_checks_redis_when_configured(settings: Settings, clock: ManualClock) -> None:
    host, port = services.REDIS_URL.split("//", 1)[1].split("/", 1)[0].split(":")
    if not services.port_open(host, int(port)):
        services.missing(f"Redis at {services.REDIS_URL}")
    with running(attrs.evolve(settings, redis_url=services.REDIS_URL), clock) as api:
        ready = api.client.get("/health/ready")
        assert ready.status_code == 200
        assert ready.json()["checks"] == {"database": "ok", "redis": "ok"}


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def test_ready_is_degraded_not_failed_when_redis_is_unreachable(
    settings: Settings, clock: ManualClock
) -> None:
    """Every replica shares the one Redis: failing readiness on it would take them all out
    of the balancer at once, though the task routes still work."""
    unreachable = attrs.evolve(settings, redis_url=f"redis://127.0.0.1:{_closed_port()}/0")
    with running(unreachable, clock) as api:
        ready = api.client.get("/health/ready")
        assert ready.status_code == 200
        assert ready.json() == {
            "status": "degraded",
            "checks": {"database": "ok", "redis": "down"},
        }
        assert api.client.get("/health/live").status_code == 200
