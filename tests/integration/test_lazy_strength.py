"""zxcvbn's word lists are loaded by the first password scored, not by starting the API:
a worker serving clients' reads and writes never holds them (``ZxcvbnPasswordStrength``).
Checked in a fresh interpreter, by what ``sys.modules`` holds after real requests."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from selteq_adapters.settings import Settings
from tests import services

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
    env = {k: v for k, v in os.environ.items() if not k.startswith("SELTEQ_")}
    env.update(
        SELTEQ_ENV="test",
        SELTEQ_DATABASE_URL=settings.database_url,
        SELTEQ_JWT_SECRET=settings.jwt_secret,
        SELTEQ_REDIS_URL=services.REDIS_URL,
        SELTEQ_SIGNUP_RATE="1000/second",
    )
    done = subprocess.run(
        [sys.executable, "-c", API],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.splitlines()[-1]) == [False, True]
