"""The whole deployment on namespaced hosts: PostgreSQL, Redis, three API hosts behind HAProxy,
two schedulers and a worker, each started by its own entry point as an operator would.

PostgreSQL and Redis are instances of their own (a fresh ``initdb`` in the run's folder, a
``redis-server`` without persistence), listening only on their hosts' addresses, so the
test never shares state with the machine's own services or another run.
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

import attrs
import httpx
import redis

from tests.e2e.server import console_script

from . import balancer, datastores
from .datastores import DATABASE, PG_PORT, REDIS_PORT
from .netns import Host, Network
from .process import Process, wait_for

API_PORT = 8000
REPORT_INTERVAL = 4
"""Seconds per tick: short for the test, long enough that a busy machine firing a scheduler
late stays within APScheduler's grace of half a tick."""
START_TIMEOUT = 60.0
TOOLS = ("haproxy", "redis-server", "setpriv", "psql")


def missing_tools() -> list[str]:
    absent = [tool for tool in TOOLS if shutil.which(tool) is None]
    if datastores.postgres_bin() is None:
        absent.append("postgresql (server)")
    return absent


@attrs.define
class Cluster:
    net: Network
    workdir: Path
    env: dict[str, str]
    pg: Host
    cache: Host
    front: Host
    apis: list[Host]
    api_processes: list[Process] = attrs.Factory(list)
    schedulers: list[Process] = attrs.Factory(list)
    scheduler_hosts: list[Host] = attrs.Factory(list)
    worker: Process | None = None

    @property
    def url(self) -> str:
        return f"http://{self.front.address}:{balancer.PORT}"

    def api_url(self, index: int) -> str:
        return f"http://{self.apis[index].address}:{API_PORT}"

    def stats(self) -> dict[str, balancer.ServerStat]:
        return balancer.stats(balancer.socket_path(self.workdir))

    def redis(self) -> redis.Redis:
        return redis.Redis(host=self.cache.address, port=REDIS_PORT, socket_timeout=5)

    def sql(self, query: str) -> list[str]:
        """Rows of a query, read over the PostgreSQL host's own socket as the superuser."""
        done = subprocess.run(
            [
                "psql",
                "-h",
                str(self.workdir / "pgsock"),
                "-p",
                str(PG_PORT),
                "-U",
                "postgres",
                "-d",
                DATABASE,
                "-At",
                "-v",
                "ON_ERROR_STOP=1",
                "-c",
                query,
            ],
            capture_output=True,
            text=True,
            timeout=30,
            check=True,
        )
        return done.stdout.split()

    def selteq(self, *args: str, **extra: str) -> subprocess.CompletedProcess[str]:
        """The ``selteq`` admin command, run from the first API host."""
        return subprocess.run(
            self.apis[0].command([*console_script("selteq", "selteq_adapters.cli"), *args]),
            env=self.env | extra,
            cwd=self.workdir,
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )

    def start_api(self, index: int) -> Process:
        host = self.apis[index]
        process = self.net.start(
            host,
            host.role,
            console_script("selteq-api", "selteq_http.server.serve"),
            self.env | {"SELTEQ_HOST": host.address, "SELTEQ_PORT": str(API_PORT)},
            self.workdir,
        )
        if index < len(self.api_processes):
            self.api_processes[index] = process
        else:
            self.api_processes.append(process)
        return process

    def wait_api(self, index: int) -> None:
        process = self.api_processes[index]
        url = self.api_url(index)
        wait_for(f"{self.apis[index].role} ready", lambda: _ready(url, process), START_TIMEOUT)

    def wait_balanced(self, *, up: set[str], down: frozenset[str] = frozenset()) -> None:
        def settled() -> bool:
            now = self.stats()
            return all(now[n].up for n in up) and all(now[n].down for n in down)

        wait_for(f"HAProxy to see {sorted(up)} up and {sorted(down)} down", settled, 30)

    def worker_log(self) -> str:
        """What the worker wrote: the report names each of user 1's tasks by title."""
        return self.worker.output() if self.worker else ""


def _ready(url: str, process: Process) -> bool:
    if not process.alive():
        raise RuntimeError(f"{process.name} exited:\n{process.output()[-3000:]}")
    try:
        return httpx.get(f"{url}/health/ready", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def build(net: Network, workdir: Path) -> Cluster:
    """Start everything and return the running cluster; closing the network stops it all."""
    pg = net.add_host("pg", 20)
    cache = net.add_host("redis", 30)
    front = net.add_host("haproxy", 10)
    apis = [net.add_host(f"api{i + 1}", 11 + i) for i in range(3)]
    env = {k: v for k, v in os.environ.items() if not k.startswith("SELTEQ_")}
    env |= {
        "SELTEQ_ENV": "production",
        "SELTEQ_JWT_SECRET": secrets.token_urlsafe(48),
        "SELTEQ_DATABASE_URL": f"postgresql://postgres@{pg.address}:{PG_PORT}/{DATABASE}",
        "SELTEQ_REDIS_URL": f"redis://{cache.address}:{REDIS_PORT}/0",
        "SELTEQ_WORKERS": "1",
        "SELTEQ_REPORT_INTERVAL": str(REPORT_INTERVAL),
        "SELTEQ_TASKS_LOG": str(workdir / "tasks.log"),
        "PYTHONUNBUFFERED": "1",
    }
    cluster = Cluster(net, workdir, env, pg, cache, front, apis)
    datastores.start_postgres(net, pg, workdir, env)
    datastores.start_redis(net, cache, workdir, env)
    cluster.selteq("migrate")
    for index in range(len(apis)):
        cluster.start_api(index)
    for index in range(len(apis)):
        cluster.wait_api(index)
    servers = [(h.role, f"{h.address}:{API_PORT}") for h in apis]
    balancer.start(net, front, workdir, env, servers)
    cluster.wait_balanced(up={h.role for h in apis})
    for index in (1, 2):
        host = net.add_host(f"scheduler{index}", 40 + index)
        cluster.scheduler_hosts.append(host)
        cluster.schedulers.append(
            net.start(
                host,
                host.role,
                console_script("selteq-scheduler", "selteq_jobs.scheduler"),
                env,
                workdir,
            )
        )
    host = net.add_host("worker", 50)
    dramatiq = str(Path(sys.executable).with_name("dramatiq"))
    cluster.worker = net.start(
        host,
        "worker",
        [dramatiq, "selteq_jobs.worker", "--processes", "1", "--threads", "2"],
        env,
        workdir,
    )
    return cluster
