"""A script run in a fresh interpreter with the test's settings, for what a new process
loads (``sys.modules``) after real work: its last line of output, read as JSON."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from selteq_adapters.settings import Settings
from tests import services


def last_json_line(script: str, settings: Settings, cwd: Path) -> Any:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SELTEQ_", "OTEL_"))}
    env.update(
        SELTEQ_ENV="test",
        SELTEQ_DATABASE_URL=settings.database_url,
        SELTEQ_JWT_SECRET=settings.jwt_secret,
        SELTEQ_REDIS_URL=services.REDIS_URL,  # the worker module needs one
        # The sign-up limit is counted in the shared Redis, by address: other runs count too.
        SELTEQ_SIGNUP_RATE="1000/second",
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1])
