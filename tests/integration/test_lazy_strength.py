"""zxcvbn's word lists are loaded by the first password scored, not by starting the API:
a worker serving clients' reads and writes never holds them (``ZxcvbnPasswordStrength``).
Checked in a fresh interpreter, by what ``sys.modules`` holds after real requests."""

from __future__ import annotations

from pathlib import Path

from selteq_adapters.settings import Settings
from tests.fresh import last_json_line

API = """
import json, sys
from litestar.testing import TestClient
from selteq_adapters.container import bootstrap, load_settings
from selteq_http.server.app import create_app
container = bootstrap(load_settings("test"))
container.migrate()
loaded = []
with TestClient(create_app(container)) as client:
    assert client.get("/health/live").status_code == 200
    assert client.get("/api/tasks/").status_code == 401
    loaded.append("zxcvbn" in sys.modules)
    body = {"username": "ada", "password": "correct horse battery"}
    assert client.post("/api/users/", json=body).status_code == 201
    loaded.append("zxcvbn" in sys.modules)
print(json.dumps(loaded))
"""


def test_the_first_scored_password_loads_zxcvbn(settings: Settings, tmp_path: Path) -> None:
    assert last_json_line(API, settings, tmp_path) == [False, True]
