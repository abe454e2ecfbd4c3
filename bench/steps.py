"""The work done at one table size: the scenarios, the login flood, the list-only scale
run, and the watcher's memory. Each server step starts its own server and stops it."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import attrs

from .config import Config
from .memory import PeakSampler, run_for_peak, settled_rss, tree_cpu, wait_idle
from .provision import BenchDatabase
from .results import CreatedCheck, Flood, Report, Scenario, WatchRun
from .seed import Seeder
from .server import Server, ServerSpec, console_script
from .wrk import Wrk

SCENARIOS = ("health", "list", "retrieve", "create", "rename", "login", "mixed")
CREATED_TITLES = {"create": "bench-create", "mixed": "bench-mixed "}
WATCH_TIMEOUT = 3600.0
DRAIN_TIMEOUT = 120.0


@attrs.frozen
class Step:
    config: Config
    db: BenchDatabase
    seeder: Seeder
    spec: ServerSpec
    report: Report

    @property
    def workdir(self) -> Path:
        return self.spec.workdir

    def _load(self, server: Server, wrk: Wrk, name: str) -> Scenario:
        before = self.db.count_titled(CREATED_TITLES[name]) if name in CREATED_TITLES else 0
        cpu = tree_cpu(server.pid)
        with PeakSampler(server.pid) as peak:
            result = wrk.run(name, self.config.duration)
        cpu = tree_cpu(server.pid) - cpu
        drained = wait_idle(server.pid, DRAIN_TIMEOUT)
        print(
            f"  {name:<9} {result.rps:,.0f} req/s, then {drained:.1f} s to drain",
            file=sys.stderr,
            flush=True,
        )
        created = None
        if name in CREATED_TITLES:
            rows = self.db.count_titled(CREATED_TITLES[name]) - before
            in_flight = self.config.connections
            created = CreatedCheck(result.statuses.get(201, 0), rows, in_flight)
        scenario = Scenario(name, self.seeder.tasks, result, peak.bytes, created, cpu)
        self.report.check(scenario)
        return scenario

    def _median(self, server: Server, wrk: Wrk, name: str) -> Scenario:
        """The scenario ``--repeat`` times; the run with the median req/s stands for all
        (each run's correctness is checked on its own)."""
        runs = sorted(
            (self._load(server, wrk, name) for _ in range(self.config.repeat)),
            key=lambda s: s.wrk.rps,
        )
        return attrs.evolve(runs[len(runs) // 2], rps_runs=tuple(r.wrk.rps for r in runs))

    def _prepared(self, server: Server) -> Wrk:
        """Fixtures for this size, one real login as a sanity check, and a warm-up."""
        wait_idle(server.pid, DRAIN_TIMEOUT)  # every worker has finished starting
        fixtures = self.workdir / "fixtures.tsv"
        if not self.seeder.write_fixtures(fixtures, self.spec.access_ttl):
            raise RuntimeError("no seeded user owns a task")
        first = fixtures.read_text().split("\t", 1)[0]
        status, body = server.request(
            "POST", "/api/token/", {"username": first, "password": self.seeder.password}
        )
        if status != 200 or not isinstance(body, dict) or "access_token" not in body:
            raise RuntimeError(f"a real login failed: {status} {body}\n{server.log_tail()}")
        status, _ = server.request("GET", "/api/tasks/", token=body["access_token"])
        if status != 200:
            raise RuntimeError(f"the list with a real token answered {status}")
        c = self.config
        wrk = Wrk(server.base_url, fixtures, self.seeder.password, c.connections, c.threads)
        if c.warmup:
            wrk.run("list", c.warmup)
            wait_idle(server.pid, DRAIN_TIMEOUT)
        return wrk

    @contextmanager
    def _serving(self, log_name: str) -> Iterator[Server]:
        """A started server; its processes are recorded even when the start fails."""
        server = Server(self.spec, log_name)
        try:
            with server:
                print(
                    f"  server up in {server.start_seconds:.1f} s ({self.spec.workers} workers)",
                    file=sys.stderr,
                    flush=True,
                )
                yield server
        finally:
            self.report.processes.update(server.seen)

    def scenarios(self) -> None:
        """Every scenario in turn on one server, then list traffic beside a login flood."""
        with self._serving("server.log") as server:
            wrk = self._prepared(server)
            self.report.idle_rss = settled_rss(server.pid)
            for name in SCENARIOS:
                self.report.scenarios.append(self._median(server, wrk, name))
            with PeakSampler(server.pid) as peak:
                listed, logins = wrk.run_together(["list", "login"], self.config.duration)
            tasks = self.seeder.tasks
            flood = Flood(
                list=Scenario("list+flood", tasks, listed, peak.bytes),
                login=Scenario("login flood", tasks, logins, peak.bytes),
                list_alone_p99_ms=self._alone_p99(),
                idle_rss=self.report.idle_rss,
                peak_rss=peak.bytes,
            )
            self.report.check(flood.list, starved_ok=True)
            self.report.check(flood.login, starved_ok=True)
            self.report.flood = flood

    def _alone_p99(self) -> float:
        alone = self.report.scenario("list")
        return alone.wrk.p99_ms if alone else 0.0

    def list_only(self) -> None:
        """The list alone at this size, for the table-size comparison."""
        with self._serving(f"server-{self.seeder.tasks}.log") as server:
            wrk = self._prepared(server)
            self.report.scale.append(self._median(server, wrk, "list"))

    def watch(self) -> None:
        """One watcher pass over the whole table; its peak memory from the kernel."""
        argv = [console_script("selteq-watch"), "--ticks", "1", "--batch-size", "1000"]
        env = self.spec.environ(0)
        env["SELTEQ_TASKS_LOG"] = str(self.workdir / "watch-tasks.log")
        log = self.workdir / "watch.log"
        peak, seconds = run_for_peak(argv, env, self.workdir, log, WATCH_TIMEOUT)
        log.unlink(missing_ok=True)
        self.report.watch.append(WatchRun(self.seeder.tasks, peak, seconds))
