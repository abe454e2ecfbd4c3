"""Redis going away under a running API: logins keep answering (the throttle counts in
this process's memory, stricter), task routes are untouched, and readiness reports
"degraded" with 200 so the balancer keeps the replica. Redis behind a relay the test cuts
(refused connections) or holds (a Redis that stops answering)."""

from __future__ import annotations

import urllib.parse
import uuid

import attrs
import pytest

from selteq_adapters.settings import Settings
from selteq_core.memory import ManualClock
from tests import services

from .conftest import PASSWORD, running
from .relay import Relay


def _redis_address() -> tuple[str, int]:
    parts = urllib.parse.urlsplit(services.REDIS_URL)
    host, port = parts.hostname or "127.0.0.1", parts.port or 6379
    if not services.port_open(host, port):
        services.missing(f"Redis at {services.REDIS_URL}")
    return host, port


@pytest.mark.parametrize("outage", ["stopped", "hung"])
def test_logins_and_readiness_outlive_redis(
    settings: Settings, clock: ManualClock, outage: str
) -> None:
    with Relay(_redis_address()) as relay:
        path = urllib.parse.urlsplit(services.REDIS_URL).path or "/0"
        behind = attrs.evolve(
            settings,
            redis_url=f"redis://127.0.0.1:{relay.port}{path}",
            broker_namespace=f"redis-down-{uuid.uuid4().hex[:12]}",  # counters of its own
        )
        with running(behind, clock) as api:
            headers = api.user("alice")
            task = api.create(headers, title="kept", duration=5)
            assert api.client.get("/health/ready").json()["status"] == "ok"

            if outage == "stopped":
                relay.stop()
            else:
                relay.hold()
            try:
                good = {"username": "alice", "password": PASSWORD}
                assert api.client.post("/api/token/", json=good).status_code == 200
                wrong = {"username": "alice", "password": "not the password"}
                assert api.client.post("/api/token/", json=wrong).status_code == 401
                assert api.client.get("/api/tasks/", headers=headers).json() == [task]
                ready = api.client.get("/health/ready")
                assert ready.status_code == 200
                assert ready.json() == {
                    "status": "degraded",
                    "checks": {"database": "ok", "redis": "down"},
                }
            finally:
                if outage == "stopped":
                    relay.start()
                else:
                    relay.release()
