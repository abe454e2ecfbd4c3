"""HAProxy in front of the API hosts: its configuration, and its stats socket read as a table.

The configuration is what a careful operator would write for Selteq: round robin over the
hosts, a readiness check every half second (three misses mark a host down), and a retry on
another host only when the connection itself failed (a POST that reached a host is never
sent twice). Every answer names the host that gave it (``X-Served-By``), so the client can
count per host too.
"""

from __future__ import annotations

import csv
import socket
from collections.abc import Sequence
from pathlib import Path

import attrs

from .netns import Host, Network
from .process import Process, wait_for

BACKEND = "selteq"
PORT = 8080

CONFIG = """\
global
    stats socket {socket} mode 600 level admin
    maxconn 2000

defaults
    mode http
    timeout connect 1s
    timeout client 15s
    timeout server 15s
    timeout queue 5s
    timeout check 3s
    retries 3
    option redispatch
    retry-on conn-failure

frontend api
    bind {address}:{port}
    default_backend {backend}

backend {backend}
    balance roundrobin
    option httpchk GET /health/ready
    http-check expect status 200
    http-response set-header X-Served-By %[srv_name]
    default-server check inter 500ms fall 3 rise 2
{servers}
"""


def socket_path(workdir: Path) -> Path:
    return workdir / "haproxy.sock"


def start(
    net: Network, host: Host, workdir: Path, env: dict[str, str], servers: list[tuple[str, str]]
) -> Process:
    """HAProxy on ``host`` in the foreground, once its stats socket answers."""
    path = workdir / "haproxy.cfg"
    path.write_text(config(host.address, socket_path(workdir), servers))
    process = net.start(host, "haproxy", ["haproxy", "-db", "-f", str(path)], env, workdir)
    wait_for("HAProxy's stats socket", lambda: _answers(process, workdir), 30)
    return process


def _answers(process: Process, workdir: Path) -> bool:
    if not process.alive():
        raise RuntimeError(f"haproxy exited:\n{process.output()[-3000:]}")
    try:
        stats(socket_path(workdir))
    except OSError:
        return False
    return True


def config(address: str, socket_path: Path, servers: Sequence[tuple[str, str]]) -> str:
    """The haproxy.cfg for ``servers`` (name, address:port)."""
    lines = "\n".join(f"    server {name} {target}" for name, target in servers)
    return CONFIG.format(
        socket=socket_path, address=address, port=PORT, backend=BACKEND, servers=lines
    )


@attrs.frozen
class ServerStat:
    name: str
    status: str
    responses_2xx: int

    @property
    def up(self) -> bool:
        return self.status == "UP"

    @property
    def down(self) -> bool:
        return self.status.startswith("DOWN")


def stats(socket_path: Path) -> dict[str, ServerStat]:
    """Each backend server's check status and 2xx answers, from ``show stat``."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
        conn.settimeout(5)
        conn.connect(str(socket_path))
        conn.sendall(b"show stat\n")
        chunks = []
        while chunk := conn.recv(65536):
            chunks.append(chunk)
    text = b"".join(chunks).decode().lstrip("# ")
    found = {}
    for row in csv.DictReader(text.splitlines()):
        if row["pxname"] == BACKEND and row["svname"] not in {"BACKEND", "FRONTEND"}:
            found[row["svname"]] = ServerStat(
                row["svname"], row["status"], int(row["hrsp_2xx"] or 0)
            )
    return found
