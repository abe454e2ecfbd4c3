"""``selteq-api`` itself: refuses an insecure production setup, and serves production with
``SELTEQ_WORKERS`` processes."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests import services
from tests.integration.http.postgres import fresh_database

from .server import console_script, free_port, live_server, server_env


@pytest.mark.parametrize(
    ("extra", "named"),
    [
        ({"SELTEQ_JWT_SECRET": "short"}, "SELTEQ_JWT_SECRET"),
        # Each worker would count failed logins alone (docs/decisions/0242).
        (
            {
                "SELTEQ_WORKERS": "2",
                "SELTEQ_DATABASE_URL": "postgresql://postgres@127.0.0.1:5432/postgres",
            },
            "SELTEQ_REDIS_URL must be set",
        ),
    ],
    ids=["weak-secret", "workers-without-redis"],
)
def test_an_unsafe_production_setup_refuses_to_start(
    tmp_path: Path, extra: dict[str, str], named: str
) -> None:
    env = server_env(tmp_path, free_port(), SELTEQ_ENV="production", **extra)
    result = subprocess.run(
        console_script("selteq-api", "selteq_http.server.serve"),
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert result.returncode == 2
    assert named in result.stderr


@pytest.mark.slow
def test_production_serves_with_the_configured_workers(tmp_path: Path) -> None:
    redis_at = urlsplit(services.REDIS_URL)
    if not services.port_open(redis_at.hostname or "127.0.0.1", redis_at.port or 6379):
        services.missing(f"Redis not reachable at {services.REDIS_URL}")
    with fresh_database() as name:
        extra = {
            "SELTEQ_ENV": "production",
            "SELTEQ_WORKERS": "2",
            "SELTEQ_DATABASE_URL": f"postgresql://postgres@127.0.0.1:5432/{name}",
            "SELTEQ_REDIS_URL": services.REDIS_URL,
        }
        with live_server(tmp_path, **extra) as server:
            with urllib.request.urlopen(f"{server.url}/health/ready", timeout=10) as response:  # noqa: S310
                checks = {"database": "ok", "redis": "ok"}
                assert json.load(response) == {"status": "ok", "checks": checks}
            log = server.log()
        assert "with 2 worker(s) on uvloop" in log  # the faster loop is installed and used
        assert "worker-2" in log
        assert "selteq.report" not in log  # the scheduler and worker send the minute job


def test_each_worker_freezes_what_it_built_before_serving(tmp_path: Path) -> None:
    # A worker's app, container and modules are kept out of the cycle collector's sight, so
    # a full collection under load walks only what requests allocate
    # (docs/decisions/0008-freeze-startup-heap.md).
    probe = (
        "import gc, json; from selteq_http.server.asgi import create; app = create(); "
        "print(json.dumps({'frozen': gc.get_freeze_count(), 'tracked': len(gc.get_objects())}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=tmp_path,
        env=server_env(tmp_path, free_port()),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    counts = json.loads(result.stdout.strip().splitlines()[-1])
    assert counts["frozen"] > 20_000  # the app with its routes, schemas and libraries
    assert counts["tracked"] < counts["frozen"] // 10  # what a full collection still walks
