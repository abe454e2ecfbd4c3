"""PostgreSQL and Redis on hosts of their own: a fresh ``initdb`` in the run's folder and a
``redis-server`` without persistence, each listening only on its host's address, so the
cluster never shares state with the machine's own services or with another run."""

from __future__ import annotations

import glob
import shutil
import subprocess
from pathlib import Path

import redis

from .netns import Host, Network
from .process import Process, wait_for

PG_PORT = 5432
REDIS_PORT = 6379
DATABASE = "selteq"
START_TIMEOUT = 60.0


def postgres_bin() -> Path | None:
    """The newest installed PostgreSQL server's bin folder (Debian keeps one per version)."""
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/postgres"), key=lambda p: int(p.split("/")[4])
    )
    return Path(found[-1]).parent if found else None


def start_postgres(net: Network, host: Host, workdir: Path, env: dict[str, str]) -> None:
    bindir = postgres_bin()
    assert bindir is not None
    data, sock = workdir / "pgdata", workdir / "pgsock"
    for folder in (data, sock):
        folder.mkdir()
        shutil.chown(folder, "postgres", "postgres")
    as_postgres = ["setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups"]
    subprocess.run(
        [
            *as_postgres,
            str(bindir / "initdb"),
            "-D",
            str(data),
            "-A",
            "trust",
            "-U",
            "postgres",
            "-E",
            "UTF8",
            "--no-sync",
        ],
        cwd=data,
        capture_output=True,
        check=True,
        timeout=120,
    )
    with (data / "pg_hba.conf").open("a") as hba:
        hba.write(f"host all all {net.prefix}.0/24 trust\n")
    options = {
        "listen_addresses": host.address,
        "port": str(PG_PORT),
        "unix_socket_directories": str(sock),
        "fsync": "off",
        "synchronous_commit": "off",
        "full_page_writes": "off",
        "max_connections": "200",
    }
    argv = [*as_postgres, str(bindir / "postgres"), "-D", str(data)]
    for name, value in options.items():
        argv += ["-c", f"{name}={value}"]
    process = net.start(host, "postgres", argv, env, data)
    ready = [
        str(bindir / "pg_isready"),
        "-q",
        "-h",
        str(sock),
        "-p",
        str(PG_PORT),
        "-U",
        "postgres",
    ]
    wait_for("PostgreSQL to accept connections", lambda: _check(process, ready), START_TIMEOUT)
    subprocess.run(
        [
            "psql",
            "-h",
            str(sock),
            "-p",
            str(PG_PORT),
            "-U",
            "postgres",
            "-d",
            "postgres",
            "-c",
            f"CREATE DATABASE {DATABASE}",
        ],
        capture_output=True,
        check=True,
        timeout=30,
    )


def _check(process: Process, argv: list[str]) -> bool:
    if not process.alive():
        raise RuntimeError(f"{process.name} exited:\n{process.output()[-3000:]}")
    return subprocess.run(argv, capture_output=True, timeout=10).returncode == 0


def start_redis(net: Network, host: Host, workdir: Path, env: dict[str, str]) -> None:
    folder = workdir / "redis"
    folder.mkdir()
    argv = ["redis-server", "--bind", host.address, "--port", str(REDIS_PORT)]
    argv += ["--save", "", "--appendonly", "no", "--protected-mode", "no", "--dir", str(folder)]
    process = net.start(host, "redis", argv, env, folder)
    client = redis.Redis(host=host.address, port=REDIS_PORT, socket_timeout=5)

    def pong() -> bool:
        if not process.alive():
            raise RuntimeError(f"redis exited:\n{process.output()[-3000:]}")
        try:
            return bool(client.ping())
        except redis.RedisError:
            return False

    wait_for("Redis to answer PING", pong, START_TIMEOUT)
    client.close()
