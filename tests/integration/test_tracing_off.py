"""With no SELTEQ_OTLP_ENDPOINT, tracing costs nothing: our code imports no OpenTelemetry
module, builds no provider and starts no exporter thread. Checked in fresh interpreters,
by what ``sys.modules`` holds after real work.

Two libraries probe for OpenTelemetry on their own whenever it is installed: every
``Litestar(...)`` imports its OpenTelemetry plugin (and with it the API and the ASGI
instrumentation), and ``import redis`` tries ``opentelemetry.sdk.metrics``. So each
process is held to "nothing beyond what those probes load, and never the tracing SDK or
an exporter" (docs/decisions/0360-optional-tracing.md); the import-linter contract
"Only the tracing modules import OpenTelemetry" holds our own modules to none at all.
"""

from __future__ import annotations

from pathlib import Path

from selteq_adapters.settings import Settings
from tests.fresh import last_json_line

JOBS = """
import json, sys
import selteq_jobs.worker, selteq_jobs.scheduler, selteq_jobs.watch
from selteq_adapters.container import bootstrap, load_settings
from selteq_jobs.watch import Watcher
container = bootstrap(load_settings("test"))
container.migrate()
Watcher(container.log_tasks, None, container.span).tick()
container.close()
print(json.dumps(sorted(m for m in sys.modules if m.startswith("opentelemetry"))))
"""

API = """
import json, sys
from litestar.testing import TestClient
from selteq_adapters.container import bootstrap, load_settings
from selteq_http.server.app import create_app
container = bootstrap(load_settings("test"))
container.migrate()
with TestClient(create_app(container)) as client:
    assert client.get("/health/live").status_code == 200
    body = {"username": "ada", "password": "correct horse battery"}
    assert client.post("/api/users/", json=body).status_code == 201
print(json.dumps(sorted(m for m in sys.modules if m.startswith("opentelemetry"))))
"""

THIRD_PARTY_PROBES = """
import json, sys
import apscheduler, dramatiq, redis
from litestar import Litestar
Litestar([])
print(json.dumps(sorted(m for m in sys.modules if m.startswith("opentelemetry"))))
"""


def _modules(script: str, settings: Settings, cwd: Path) -> list[str]:
    found: list[str] = last_json_line(script, settings, cwd)
    return found


TRACING = ("opentelemetry.sdk.trace", "opentelemetry.exporter")


def test_the_jobs_and_the_container_load_no_opentelemetry_of_their_own(
    settings: Settings, tmp_path: Path
) -> None:
    jobs = set(_modules(JOBS, settings, tmp_path))
    assert jobs <= set(_modules(THIRD_PARTY_PROBES, settings, tmp_path))
    assert not [m for m in jobs if m.startswith(TRACING)]


def test_the_api_loads_only_what_litestar_and_redis_load_themselves(
    settings: Settings, tmp_path: Path
) -> None:
    api = set(_modules(API, settings, tmp_path))
    assert api <= set(_modules(THIRD_PARTY_PROBES, settings, tmp_path))
    assert not [m for m in api if m.startswith(TRACING)]


def test_with_an_endpoint_the_sdk_is_loaded(settings: Settings, tmp_path: Path) -> None:
    """The same check can fail: the tracing SDK shows once tracing is on."""
    switch_on = (
        "import os; os.environ['SELTEQ_OTLP_ENDPOINT'] = 'http://127.0.0.1:9';"
        " os.environ['OTEL_EXPORTER_OTLP_TIMEOUT'] = '1'\n"
    )
    loaded = _modules(switch_on + JOBS, settings, tmp_path)
    assert [m for m in loaded if m.startswith(TRACING)]
