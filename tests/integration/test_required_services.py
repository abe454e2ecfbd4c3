"""A missing PostgreSQL skips its tests with the reason, or fails the run when CI requires it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ONE_PG_TEST = "tests/integration/db/test_contract_tasks.py"


def run_pytest_against_a_closed_port(require: bool) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, SELTEQ_TEST_PG_PORT="1")  # nothing listens on port 1
    env.pop("SELTEQ_REQUIRE_SERVICES", None)
    if require:
        env["SELTEQ_REQUIRE_SERVICES"] = "1"
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-rs",
            "-p",
            "no:cacheprovider",
            ONE_PG_TEST,
            "-k",
            "postgresql",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_without_the_requirement_the_postgresql_tests_skip_naming_the_reason() -> None:
    result = run_pytest_against_a_closed_port(require=False)
    assert result.returncode == 0, result.stdout[-2000:]
    assert "skipped" in result.stdout
    assert "PostgreSQL is not reachable at 127.0.0.1:1" in result.stdout
    assert " passed" not in result.stdout.splitlines()[-1]


def test_with_the_requirement_the_run_fails_naming_what_is_missing() -> None:
    result = run_pytest_against_a_closed_port(require=True)
    assert result.returncode == 1, result.stdout[-2000:]
    assert "required service missing: PostgreSQL is not reachable at 127.0.0.1:1" in result.stdout
