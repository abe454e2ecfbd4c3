"""The watcher, the scheduler and the worker write the API's format (text or JSON): one
logging set-up for every process. Real processes on the real Redis."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from selteq_adapters.settings import Settings

from .conftest import BIN, Process, job_env, wait_for

TEXT = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} [A-Z]+ [\w.()]+ \[-\] \S")
FIELDS = {"time", "level", "logger", "message", "request_id"}
# What each process has logged once it is up, and which lines are its own.
COMMANDS = {
    "selteq-watch": (["--interval", "0.1"], "task(s) of every user", "selteq."),
    "selteq-scheduler": ([], "sending the due schedules", "selteq."),
    "dramatiq": (
        ["selteq_jobs.worker", "-p", "1", "-t", "1"],
        "ready for action",
        "dramatiq.Worker",
    ),
    # Dramatiq's CLI with the one set-up in its parent too: every line is in the format.
    "selteq-worker": (["-p", "1", "-t", "1"], "ready for action", ""),
}


def _own_lines(output: str, log_format: str, logger: str) -> list[str]:
    if not logger:  # the process's lines are all its own
        return [line for line in output.splitlines() if line.strip()]
    if log_format == "json":
        return [line for line in output.splitlines() if f'"logger":"{logger}' in line]
    return [line for line in output.splitlines() if f" {logger}" in line and "[PID " not in line]


@pytest.mark.parametrize("log_format", ["text", "json"])
@pytest.mark.parametrize("command", COMMANDS)
def test_every_job_process_writes_the_one_format(
    settings: Settings,
    container: object,
    namespace: str,
    redis_url: str,
    processes: list[Process],
    tmp_path: Path,
    command: str,
    log_format: str,
) -> None:
    args, ready, logger = COMMANDS[command]
    env = job_env(
        settings,
        SELTEQ_REDIS_URL=redis_url,
        SELTEQ_BROKER_NAMESPACE=namespace,
        SELTEQ_LOG_FORMAT=log_format,
        SELTEQ_TASKS_LOG=str(tmp_path / "tasks.log"),
    )
    process = Process([str(BIN / command), *args], env, tmp_path, tmp_path / "out.log")
    processes.append(process)
    wait_for(lambda: ready in process.output(), f"{command} to log {ready!r}")
    assert process.stop() in (0, -15)
    lines = _own_lines(process.output(), log_format, logger)
    assert lines, process.output()
    for line in lines:
        if log_format == "json":
            assert set(json.loads(line)) >= FIELDS, line
        else:
            assert TEXT.match(line), line
