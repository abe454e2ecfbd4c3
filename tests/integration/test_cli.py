"""`selteq migrate` and `selteq user` as a user runs them: real processes, a real database."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

SELTEQ = [sys.executable, "-m", "selteq_adapters.cli"]


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    values = dict(os.environ, SELTEQ_DATABASE_URL=f"sqlite:///{tmp_path}/cli.db")
    values.update(SELTEQ_ENV="test", SELTEQ_JWT_SECRET="a-test-secret-of-at-least-32-bytes!!")
    values.pop("SELTEQ_PASSWORD", None)
    return values


def selteq(
    env: dict[str, str], *args: str, stdin: str = "", cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*SELTEQ, *args],
        env=env,
        cwd=cwd,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        start_new_session=True,  # no controlling terminal: getpass reads stdin
    )


def users(tmp_path: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(tmp_path / "cli.db") as db:
        return db.execute("SELECT username, password_hash FROM users").fetchall()


def test_migrate_is_idempotent(env: dict[str, str]) -> None:
    first = selteq(env, "migrate")
    assert first.returncode == 0, first.stderr
    assert "applied 0001_initial, 0002_user_roles" in first.stderr
    second = selteq(env, "migrate")
    assert second.returncode == 0, second.stderr
    assert "up to date" in second.stderr


def test_user_prompts_for_username_and_password_twice(env: dict[str, str], tmp_path: Path) -> None:
    selteq(env, "migrate")
    result = selteq(env, "user", stdin="alice\ncorrect horse\ncorrect horse\n")
    assert result.returncode == 0, result.stderr
    assert "created user alice with id 1" in result.stderr
    [(name, password_hash)] = users(tmp_path)
    assert name == "alice"
    assert password_hash.startswith("$argon2id$")
    assert "correct horse" not in result.stdout + result.stderr


def test_user_refuses_mismatched_passwords(env: dict[str, str], tmp_path: Path) -> None:
    selteq(env, "migrate")
    result = selteq(env, "user", "--username", "alice", stdin="correct horse\ndifferent one\n")
    assert result.returncode == 1
    assert "did not match" in result.stderr
    assert users(tmp_path) == []


def test_user_without_input_for_scripts(env: dict[str, str], tmp_path: Path) -> None:
    selteq(env, "migrate")
    scripted = dict(env, SELTEQ_PASSWORD="correct horse")
    assert selteq(scripted, "user", "--username", "bob", "--no-input").returncode == 0
    again = selteq(scripted, "user", "--username", "bob", "--no-input")
    assert again.returncode == 1
    assert "taken" in again.stderr
    short = selteq(dict(env, SELTEQ_PASSWORD="short"), "user", "--username", "eve", "--no-input")
    assert short.returncode == 1
    assert "password must be 8 to 1024 bytes" in short.stderr
    assert [name for name, _ in users(tmp_path)] == ["bob"]


def test_no_input_needs_a_password(env: dict[str, str]) -> None:
    result = selteq(env, "user", "--username", "carol", "--no-input")
    assert result.returncode == 2
    assert "SELTEQ_PASSWORD" in result.stderr


def test_bad_settings_are_reported_not_raised(env: dict[str, str]) -> None:
    result = selteq(dict(env, SELTEQ_PORT="not-a-port"), "migrate")
    assert result.returncode == 2
    assert "SELTEQ_PORT" in result.stderr
    assert "Traceback" not in result.stderr


def test_secret_is_made_once_and_then_read_by_every_command(
    env: dict[str, str], tmp_path: Path
) -> None:
    env = {k: v for k, v in env.items() if k != "SELTEQ_JWT_SECRET"}
    refused = selteq(env, "migrate", cwd=tmp_path)
    assert refused.returncode == 2
    assert "run `make run` or `selteq secret`" in refused.stderr
    assert not (tmp_path / "var").exists()  # reading settings never writes
    made = selteq(env, "secret", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    kept = (tmp_path / "var" / "jwt-secret").read_text()
    assert len(kept) >= 32
    assert selteq(env, "secret", cwd=tmp_path).returncode == 0
    assert (tmp_path / "var" / "jwt-secret").read_text() == kept  # idempotent
    assert selteq(env, "migrate", cwd=tmp_path).returncode == 0


def test_user_admin_makes_a_staff_user(env: dict[str, str], tmp_path: Path) -> None:
    selteq(env, "migrate")
    scripted = dict(env, SELTEQ_PASSWORD="correct horse")
    made = selteq(scripted, "user", "--username", "root", "--no-input", "--admin")
    assert made.returncode == 0, made.stderr
    assert "created staff user root with id 1" in made.stderr
    assert selteq(scripted, "user", "--username", "bob", "--no-input").returncode == 0
    with sqlite3.connect(tmp_path / "cli.db") as db:
        roles = db.execute("SELECT username, is_staff FROM users ORDER BY id").fetchall()
    assert roles == [("root", 1), ("bob", 0)]


@pytest.mark.parametrize("stdin", [subprocess.DEVNULL, None], ids=["empty", "closed"])
def test_user_without_a_terminal_says_to_use_no_input(
    env: dict[str, str], stdin: int | None
) -> None:
    """A script or CI job runs ``selteq user`` with nothing to read: a sentence, no traceback."""
    selteq(env, "migrate")
    command = [*SELTEQ, "user"]
    if stdin is None:  # the input closed outright, as some runners start a command
        command = [
            sys.executable,
            "-c",
            "import os, runpy, sys; os.close(0); sys.argv = ['selteq', 'user'];"
            " runpy.run_module('selteq_adapters.cli', run_name='__main__')",
        ]
    result = subprocess.run(
        command,
        env=env,
        stdin=subprocess.DEVNULL if stdin is not None else None,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        start_new_session=True,
    )
    assert result.returncode == 2, result.stderr
    assert "--no-input" in result.stderr
    assert "Traceback" not in result.stderr
