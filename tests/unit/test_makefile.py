"""``make run`` as a new user meets it: only what running needs, the secret made before
anything reads it, and uv bootstrapped privately where the system Python refuses pip."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def dry_run(target: str, path: str | None = None, cwd: Path = ROOT) -> list[str]:
    make = shutil.which("make")
    if make is None:
        pytest.skip("make is not installed")
    env = dict(os.environ)
    if path is not None:
        env["PATH"] = path
    env.pop("UV", None)
    for inherited in ("MAKEFLAGS", "MAKELEVEL", "MFLAGS"):  # run from `make test` itself
        env.pop(inherited, None)
    done = subprocess.run(
        [make, "--no-print-directory", "-n", target],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.splitlines()


def test_run_installs_no_test_tools_and_makes_the_secret_first() -> None:
    lines = dry_run("run")
    uv_lines = [line for line in lines if " sync " in line or " run " in line]
    assert uv_lines, lines
    assert all("--no-dev" in line for line in uv_lines), lines
    commands = [line.split("--no-dev ", 1)[1] for line in uv_lines if " run " in line]
    assert commands == ["selteq secret", "selteq migrate", "selteq-api"]


def test_test_tools_come_with_make_test() -> None:
    syncs = [line for line in dry_run("test") if " sync " in line]
    assert syncs
    assert not [line for line in syncs if "--no-dev" in line]


def test_without_uv_on_path_a_private_one_is_bootstrapped(tmp_path: Path) -> None:
    # A checkout of its own: this one may already hold the .tools/ that make bootstrapped.
    checkout = tmp_path / "checkout"
    checkout.mkdir()
    shutil.copy(ROOT / "Makefile", checkout / "Makefile")
    tools = tmp_path / "bin"
    tools.mkdir()
    for name in ("make", "python3", "sh", "bash", "grep", "awk"):
        found = shutil.which(name)
        if found is not None:
            (tools / name).symlink_to(found)
    lines = dry_run("run", path=str(tools), cwd=checkout)
    assert lines[:2] == ["python3 -m venv .tools", ".tools/bin/pip install --quiet uv"]
    assert lines[2] == ".tools/bin/uv sync --frozen --no-dev --inexact"
