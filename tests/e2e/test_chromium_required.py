"""Without Chromium the browser tests skip with the reason, or fail the run when CI
requires every service."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ONE_BROWSER_TEST = "tests/e2e/test_web_browser.py::test_page_scripts_cannot_read_the_session"


def _run_without_chromium(require: bool) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, SELTEQ_TEST_CHROMIUM="/nonexistent/chromium")
    env.pop("SELTEQ_REQUIRE_SERVICES", None)
    if require:
        env["SELTEQ_REQUIRE_SERVICES"] = "1"
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider", ONE_BROWSER_TEST],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize("require", [False, True], ids=["optional", "required"])
def test_a_missing_chromium_skips_or_fails(require: bool) -> None:
    result = _run_without_chromium(require)
    reason = "/nonexistent/chromium not installed (Debian package chromium)"
    if require:
        assert result.returncode == 1, result.stdout[-2000:]
        assert f"required service missing: {reason}" in result.stdout
    else:
        assert result.returncode == 0, result.stdout[-2000:]
        assert reason in result.stdout
        assert "skipped" in result.stdout
