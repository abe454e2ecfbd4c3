"""``selteq-api`` itself: refuses an insecure production setup, and serves production with
``SELTEQ_WORKERS`` processes."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from tests.integration.http.postgres import fresh_database

from .server import console_script, free_port, live_server, server_env


def test_production_with_a_weak_secret_refuses_to_start(tmp_path: Path) -> None:
    env = server_env(tmp_path, free_port(), SELTEQ_ENV="production", SELTEQ_JWT_SECRET="short")
    result = subprocess.run(
        console_script("selteq-api", "selteq_http.serve"),
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert result.returncode == 2
    assert "SELTEQ_JWT_SECRET" in result.stderr


@pytest.mark.slow
def test_production_serves_with_the_configured_workers(tmp_path: Path) -> None:
    with fresh_database() as name:
        extra = {
            "SELTEQ_ENV": "production",
            "SELTEQ_WORKERS": "2",
            "SELTEQ_DATABASE_URL": f"postgresql://postgres@127.0.0.1:5432/{name}",
        }
        with live_server(tmp_path, **extra) as server:
            with urllib.request.urlopen(f"{server.url}/health/ready", timeout=10) as response:  # noqa: S310
                assert json.load(response) == {"status": "ok", "checks": {"database": "ok"}}
            log = server.log()
        assert "with 2 worker(s) on uvloop" in log  # the faster loop is installed and used
        assert "worker-2" in log
        assert "2 workers: the minute job does not run in the API" in log
        assert "selteq.report" not in log


def test_each_worker_freezes_what_it_built_before_serving(tmp_path: Path) -> None:
    # A worker's app, container and modules are kept out of the cycle collector's sight, so
    # a full collection under load walks only what requests allocate
    # (docs/decisions/0008-freeze-startup-heap.md).
    probe = (
        "import gc, json; from selteq_http.asgi import create; app = create(); "
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
