"""Without ``SELTEQ_TEST_MSSQL_URL`` the SQL Server tests skip naming it, or fail the run when
CI requires every service (CI starts Babelfish and sets it)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ONE_TEST = "tests/integration/db/test_contract_tasks.py"


def run_pytest_without_sql_server(require: bool) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "SELTEQ_TEST_MSSQL_URL"}
    env.pop("SELTEQ_REQUIRE_SERVICES", None)
    if require:
        env["SELTEQ_REQUIRE_SERVICES"] = "1"
    command = [sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider", ONE_TEST]
    return subprocess.run(
        [*command, "-k", "mssql"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_without_the_requirement_the_sql_server_tests_skip_naming_the_variable() -> None:
    result = run_pytest_without_sql_server(require=False)
    assert result.returncode == 0, result.stdout[-2000:]
    assert "SELTEQ_TEST_MSSQL_URL is not set" in result.stdout
    assert " passed" not in result.stdout.splitlines()[-1]


def test_with_the_requirement_the_sql_server_tests_fail() -> None:
    result = run_pytest_without_sql_server(require=True)
    assert result.returncode == 1, result.stdout[-2000:]
    assert "required service missing: SELTEQ_TEST_MSSQL_URL is not set" in result.stdout
