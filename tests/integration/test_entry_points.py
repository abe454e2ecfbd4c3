"""Every entry point reads its settings through ``load_settings`` before it builds or listens
on anything: a bad value is one line on stderr and exit status 2; an unknown ``SELTEQ_*``
variable is a warning in development and refused in production. Real processes."""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

BIN = Path(sys.executable).parent
PG = "postgresql://selteq@127.0.0.1:1/never-reached"


@pytest.fixture(scope="module")
def taken_port() -> Iterator[int]:
    """A port somebody else listens on, so selteq-api stops right after its settings."""
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        yield int(holder.getsockname()[1])


COMMANDS = {
    "selteq-api": [str(BIN / "selteq-api")],
    "selteq": [str(BIN / "selteq"), "migrate"],
    "selteq-watch": [str(BIN / "selteq-watch"), "--ticks", "1", "--interval", "0.1"],
    "selteq-scheduler": [str(BIN / "selteq-scheduler")],
    "selteq-worker": [str(BIN / "dramatiq"), "selteq_jobs.worker", "-p", "1", "-t", "1"],
}


def run(prog: str, tmp_path: Path, port: int, **env: str) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("SELTEQ_")}
    base.update(
        SELTEQ_ENV="development",
        SELTEQ_DATABASE_URL=f"sqlite:///{tmp_path}/selteq.db",
        SELTEQ_JWT_SECRET=secrets.token_urlsafe(48),
        SELTEQ_PORT=str(port),
        SELTEQ_TASKS_LOG=str(tmp_path / "tasks.log"),
    )
    base.update(env)
    return subprocess.run(
        COMMANDS[prog],
        cwd=tmp_path,
        env=base,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def our_line(prog: str, stderr: str) -> str:
    """The one line the command itself wrote (Dramatiq adds lines of its own around it)."""
    (line,) = [line for line in stderr.splitlines() if line.startswith(f"{prog}: ")]
    return line


@pytest.mark.parametrize("prog", COMMANDS)
def test_a_bad_url_is_one_line_and_status_2(prog: str, tmp_path: Path, taken_port: int) -> None:
    done = run(prog, tmp_path, taken_port, SELTEQ_DATABASE_URL="mysql://db/selteq")
    assert done.returncode == 2, done.stderr
    assert our_line(prog, done.stderr).startswith(f"{prog}: SELTEQ_DATABASE_URL: ")
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("prog", COMMANDS)
def test_several_bad_values_are_named_at_once(prog: str, tmp_path: Path, taken_port: int) -> None:
    done = run(
        prog,
        tmp_path,
        taken_port,
        SELTEQ_REDIS_URL="http://cache:6379",
        SELTEQ_ACCESS_TTL="0",
        SELTEQ_LOG_FORMAT="xml",
    )
    assert done.returncode == 2, done.stderr
    line = our_line(prog, done.stderr)
    for name in ("SELTEQ_REDIS_URL", "SELTEQ_ACCESS_TTL", "SELTEQ_LOG_FORMAT"):
        assert name in line
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("prog", COMMANDS)
def test_a_misspelled_variable_is_a_warning_in_development(
    prog: str, tmp_path: Path, taken_port: int
) -> None:
    done = run(prog, tmp_path, taken_port, SELTEQ_LOG_LEVL="DEBUG")
    warning = f"{prog}: warning: unknown variable SELTEQ_LOG_LEVL (did you mean SELTEQ_LOG_LEVEL?)"
    assert warning in done.stderr.splitlines()
    # Each then goes on: migrate and one watcher tick succeed; the server stops at the taken
    # port, the scheduler and the worker at the missing Redis URL.
    assert done.returncode == (0 if prog in {"selteq", "selteq-watch"} else 2), done.stderr


@pytest.mark.parametrize("prog", COMMANDS)
def test_a_misspelled_variable_is_refused_in_production(
    prog: str, tmp_path: Path, taken_port: int
) -> None:
    done = run(
        prog,
        tmp_path,
        taken_port,
        SELTEQ_ENV="production",
        SELTEQ_DATABASE_URL=PG,
        SELTEQ_REDIS_URL="redis://127.0.0.1:1/0",
        SELTEQ_LOG_LEVL="DEBUG",
    )
    assert done.returncode == 2, done.stderr
    line = our_line(prog, done.stderr)
    assert "unknown variable SELTEQ_LOG_LEVL (did you mean SELTEQ_LOG_LEVEL?)" in line
    assert "Traceback" not in done.stderr
