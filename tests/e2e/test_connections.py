"""``selteq-api`` against hostile connections and a hostile log reader, as a real process:
idle sockets by the thousand, a body that never finishes, a path that tries to forge a
log line; and its own command line (help, flags, a port already taken)."""

from __future__ import annotations

import json
import resource
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .server import LiveServer, console_script, free_port, live_server, server_env

IDLE = 5_000
FORGED = "/admin%0a2026-01-01%2000:00:00,000%20INFO%20selteq.http.access%20[-]%20GET%20/%20200"


def _address(server: LiveServer) -> tuple[str, int]:
    host, port = server.url.removeprefix("http://").split(":")
    return host, int(port)


def _live(server: LiveServer) -> int:
    with urllib.request.urlopen(f"{server.url}/health/live", timeout=10) as response:  # noqa: S310
        return int(response.status)


@pytest.fixture
def more_files() -> Iterator[None]:
    """Room for the test's own sockets (the server raises its own limit)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, IDLE + 1024), hard))
    yield
    resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


@pytest.mark.slow
def test_live_answers_while_thousands_of_idle_connections_are_held(
    tmp_path: Path, more_files: None
) -> None:
    with live_server(tmp_path, SELTEQ_HEADER_TIMEOUT="60") as server:
        held: list[socket.socket] = []
        try:
            for _ in range(IDLE):
                held.append(socket.create_connection(_address(server), timeout=10))
            assert _live(server) == 200
            assert _live(server) == 200
        finally:
            for sock in held:
                sock.close()


def test_a_connection_that_never_sends_is_closed(tmp_path: Path) -> None:
    with (
        live_server(tmp_path, SELTEQ_HEADER_TIMEOUT="1") as server,
        socket.create_connection(_address(server), timeout=30) as idle,
    ):
        assert idle.recv(1) == b""  # closed by the server, not by our timeout


def test_a_body_that_never_finishes_is_given_up_on(tmp_path: Path) -> None:
    with live_server(tmp_path, SELTEQ_BODY_TIMEOUT="1") as server:
        with socket.create_connection(_address(server), timeout=30) as slow:
            slow.sendall(
                b"POST /api/users/ HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                b"Content-Length: 1000\r\n\r\n0123456789"
            )
            answer = b""
            while chunk := slow.recv(4096):
                answer += chunk
        head = answer.split(b"\r\n\r\n", 1)[0].lower()
        assert head.startswith(b"http/1.1 408")
        assert b"connection: close" in head
        assert _live(server) == 200
        assert " 408 " in server.log()


def test_the_server_does_not_name_itself(tmp_path: Path) -> None:
    with (
        live_server(tmp_path) as server,
        urllib.request.urlopen(f"{server.url}/health/live", timeout=10) as response,  # noqa: S310
    ):
        assert response.headers.get("server", "") == ""


def test_a_path_cannot_forge_a_log_line(tmp_path: Path) -> None:
    with live_server(tmp_path) as server:
        urllib.request.urlopen(f"{server.url}/health/live", timeout=10).close()  # noqa: S310
        with pytest.raises(urllib.error.HTTPError):
            urllib.request.urlopen(server.url + FORGED, timeout=10)  # noqa: S310
        _live(server)
        lines = server.log().splitlines()
    access = [line for line in lines if " selteq.http.access " in line]
    assert sum("GET /admin\\n2026-01-01 00:00:00,000 INFO" in line for line in access) == 1
    assert not [line for line in lines if line.startswith("2026-01-01 00:00:00,000")]


def _forged_lines(text: str) -> list[dict[str, Any]]:
    records = [json.loads(line) for line in text.splitlines() if line.startswith("{")]
    access = [r for r in records if r["logger"] == "selteq.http.access"]
    return [r for r in access if r["path"].startswith("/admin\n")]


def test_json_logs_are_one_object_per_line(tmp_path: Path) -> None:
    with live_server(tmp_path, SELTEQ_LOG_FORMAT="json") as server:
        with pytest.raises(urllib.error.HTTPError):
            urllib.request.urlopen(server.url + FORGED, timeout=10)  # noqa: S310
        # The access line is written once the answer has been sent: wait for it.
        deadline = time.monotonic() + 10
        while not _forged_lines(server.log()) and time.monotonic() < deadline:
            time.sleep(0.05)
        lines = server.log().splitlines()
    records = [json.loads(line) for line in lines if line.startswith("{")]
    forged = _forged_lines(server.log())
    assert len(forged) == 1
    assert {"time", "level", "message", "request_id", "method", "status", "duration_ms"} <= set(
        forged[0]
    )
    assert forged[0]["status"] == 404
    serving = [r for r in records if r["logger"] == "selteq.http.serve"]
    assert serving, "the server's own start line is JSON too"


def test_help_prints_and_exits(tmp_path: Path) -> None:
    done = subprocess.run(
        [*console_script("selteq-api", "selteq_http.server.serve"), "--help"],
        cwd=tmp_path,
        env=server_env(tmp_path, free_port()),
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert done.returncode == 0
    for flag in ("--host", "--port", "--workers"):
        assert flag in done.stdout


def test_a_port_already_taken_is_a_clear_error(tmp_path: Path) -> None:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        done = subprocess.run(
            [*console_script("selteq-api", "selteq_http.server.serve"), "--port", str(port)],
            cwd=tmp_path,
            env=server_env(tmp_path, free_port()),
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
    assert done.returncode == 2
    assert (
        done.stderr.strip() == f"selteq-api: 127.0.0.1:{port} is already in use by another process"
    )


def test_a_second_server_on_the_same_port_refuses_to_start(tmp_path: Path) -> None:
    with live_server(tmp_path) as server:
        _, port = _address(server)
        done = subprocess.run(
            console_script("selteq-api", "selteq_http.server.serve"),
            cwd=tmp_path,
            env=server_env(tmp_path, port),
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
    assert done.returncode == 2
    assert "already in use" in done.stderr
