"""The steps of one run: seed through the CLI and SQL, log in, load the scenarios in turns.

With two builds both servers are up at once and only one is loaded at a time (an idle
server costs no CPU): each scenario runs on one build, then the other, and the next round
starts with the other build. A machine that drifts during the run (a shared VM's
neighbours, its clock speed) then moves both builds' figures alike instead of showing as
a difference between them. The size comparison alternates two databases the same way.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import attrs

from .config import SCENARIOS, Config
from .database import BenchDatabase, username
from .server import Build, FloorServer, Server, environ
from .wrk import Wrk

# Scenarios that create tasks, and the title prefix by which their rows are counted.
CREATED = {"create": "bench-create", "mixed": "bench-mixed "}
LOGIN_THREADS = 8


def log(message: str) -> None:
    print(f"bench: {message}", file=sys.stderr, flush=True)


@attrs.define
class Run:
    config: Config
    workdir: Path
    secret: str
    password: str
    runs: list[dict[str, Any]] = attrs.Factory(list)
    scale: list[dict[str, Any]] = attrs.Factory(list)
    failures: list[str] = attrs.Factory(list)

    @property
    def wrk(self) -> Wrk:
        c = self.config
        return Wrk(self.workdir / "fixtures.tsv", self.password, c.connections, c.threads)

    def env(self, db: BenchDatabase) -> dict[str, str]:
        extra = {"SELTEQ_WORKERS": str(self.config.workers)}
        if db.server_env == "production":  # several workers share one throttle store
            extra |= {"SELTEQ_REDIS_URL": self.config.redis, "SELTEQ_BROKER_NAMESPACE": "bench"}
        return environ(db.url, db.server_env, self.secret, self.workdir, **extra)

    def seed(self, db: BenchDatabase, builds: list[Build], tasks: int) -> None:
        """Every build's ``selteq migrate``, the first user by ``selteq user``, the rest SQL."""
        started = time.perf_counter()
        env = self.env(db)
        for build in builds:
            build.cli(env, "migrate")
        user = {**env, "SELTEQ_PASSWORD": self.password}
        builds[0].cli(user, "user", "--username", username(1), "--no-input")
        db.seed_users(self.config.users)
        db.grow_to(tasks)
        log(f"seeded {db.users:,} users, {tasks:,} tasks in {time.perf_counter() - started:.1f} s")

    @contextmanager
    def serving(self, pairs: list[tuple[BenchDatabase, Build]]) -> Iterator[list[Server]]:
        """A started server for each (database, build); each one stopped, whatever happens."""
        servers: list[Server] = []
        try:
            for db, build in pairs:
                servers.append(
                    Server(build, self.env(db), self.workdir / f"{build.name}-{db.tasks}.log")
                )
                servers[-1].start()
            yield servers
        finally:
            for server in servers:
                server.stop()
                if server.killed:
                    self.failures.append(f"{server.build.name}: SIGTERM did not stop the server")

    def write_fixtures(self, server: Server, db: BenchDatabase) -> None:
        """One line per logged-in user: name, access token from a real login, the ids of
        their newest tasks. ``--logins`` users, spread evenly over the seeded ones."""
        step = max(1, db.users // self.config.logins)
        names = [username(n) for n in range(1, db.users + 1, step)][: self.config.logins]
        started = time.perf_counter()
        with ThreadPoolExecutor(LOGIN_THREADS) as pool:
            tokens = list(pool.map(lambda name: server.login(name, self.password), names))
        ids, newest = db.user_ids(), db.newest_task_ids()
        lines = [
            f"{name}\t{token}\t{','.join(map(str, newest.get(ids[name], [])))}\n"
            for name, token in zip(names, tokens, strict=True)
        ]
        self.wrk.fixtures.write_text("".join(lines))
        log(f"{len(names)} users logged in in {time.perf_counter() - started:.1f} s")

    @contextmanager
    def floor(self, build: Build, workers: int) -> Iterator[FloorServer]:
        """The floor app served beside the builds (floor.py), stopped whatever happens."""
        server = FloorServer(build, workers, self.workdir / "floor.log")
        server.start()
        try:
            yield server
        finally:
            server.stop()

    def scenarios(self, servers: list[Server], db: BenchDatabase, floor: Server) -> None:
        """Each scenario on every build in turns; ``floor`` (the bare app's /health/live)
        right before ``health``, in the same turn."""
        wrk = self.wrk
        for server in servers if self.config.warmup else []:
            wrk.run(server.base_url, "list", self.config.warmup)
        for turn in range(self.config.repeat):
            order = servers if turn % 2 == 0 else servers[::-1]
            for name in SCENARIOS:
                for server in [floor] if name == "floor" else order:
                    self.runs.append(self._load(server, db, name, turn))

    def compare_sizes(self, small: BenchDatabase, large: BenchDatabase, build: Build) -> None:
        """The list on the small and on the large table, in turns."""
        with self.serving([(small, build), (large, build)]) as servers:
            for turn in range(self.config.repeat):
                for server, db in zip(servers, (small, large), strict=True):
                    self.scale.append(self._load(server, db, "list", turn))

    def _load(self, server: Server, db: BenchDatabase, name: str, turn: int) -> dict[str, Any]:
        prefix = CREATED.get(name)
        before = db.count_titled(prefix) if prefix else 0
        script = "health" if name == "floor" else name
        result = self.wrk.run(server.base_url, script, self.config.duration)
        time.sleep(0.5)  # the requests wrk dropped at its end are still being answered
        record = {
            "scenario": name,
            "build": server.build.name,
            "tasks": db.tasks,
            "turn": turn,
            **result,
            "created": None,
        }
        label = f"{name} on {server.build.name} at {db.tasks:,} tasks"
        if prefix:
            rows, acknowledged = db.count_titled(prefix) - before, result["statuses"].get("201", 0)
            ok = acknowledged <= rows <= acknowledged + self.config.connections
            record["created"] = {"acknowledged": acknowledged, "rows": rows, "ok": ok}
            if not ok:
                self.failures.append(f"{label}: {acknowledged} tasks acknowledged, {rows} rows")
        if result["non_2xx"]:
            self.failures.append(f"{label}: non-2xx responses {result['statuses']}")
        if result["requests"] == 0 or result["socket_errors"]:
            self.failures.append(f"{label}: unanswered requests {result['socket_errors']}")
        log(f"{label}: {result['rps']:,.0f} req/s, p99 {result['p99_ms']:.2f} ms")
        return record
