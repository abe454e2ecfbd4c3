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

    def _prepared(self, server: Server) -> Wrk:
        """Fixtures for this size, one real login as a sanity check, and a warm-up."""
        wait_idle(server.pid, DRAIN_TIMEOUT)  # every worker has finished starting
        fixtures = self.workdir / f"fixtures-{self.seeder.tasks}.tsv"
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
        """Every scenario in turn on one server, then list traffic beside a login flood.

        With ``--repeat`` the scenarios take turns (health, list, …, health, list, …), so
        a machine that drifts during the run (a shared VM's neighbours, its clock speed)
        moves every scenario's runs alike instead of all the runs of one of them."""
        with self._serving("server.log") as server:
            wrk = self._prepared(server)
            self.report.idle_rss = settled_rss(server.pid)
            runs: dict[str, list[Scenario]] = {name: [] for name in SCENARIOS}
            for _ in range(self.config.repeat):
                for name in SCENARIOS:
                    runs[name].append(self._load(server, wrk, name))
            self.report.scenarios.extend(median(runs[name]) for name in SCENARIOS)
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

    def compare_sizes(self, small: Step) -> None:
        """The list at this size and at ``small``'s (a second database), in turns.

        Both servers are up at once and only one is loaded at a time (an idle server costs
        no CPU); the runs alternate small, large, small, large, … Measured minutes apart,
        as when one database grew between the two, the machine's drift showed as a size
        effect: the same 10,000-task list went at 7,500 req/s in one run and 8,300 in
        another twenty minutes later."""
        with (
            small._serving(f"server-{small.seeder.tasks}.log") as small_server,
            self._serving(f"server-{self.seeder.tasks}.log") as large_server,
        ):
            pairs = [
                (small, small_server, small._prepared(small_server)),
                (self, large_server, self._prepared(large_server)),
            ]
            runs: list[list[Scenario]] = [[], []]
            for _ in range(self.config.repeat):
                for taken, (step, server, wrk) in zip(runs, pairs, strict=True):
                    taken.append(step._load(server, wrk, "list"))
            self.report.scale.extend(median(taken) for taken in runs)

    def watch(self) -> None:
        """One watcher pass over the whole table; its peak memory from the kernel."""
        argv = [console_script("selteq-watch"), "--ticks", "1", "--batch-size", "1000"]
        env = self.spec.environ(0)
        env["SELTEQ_TASKS_LOG"] = str(self.workdir / "watch-tasks.log")
        log = self.workdir / "watch.log"
        peak, seconds = run_for_peak(argv, env, self.workdir, log, WATCH_TIMEOUT)
        log.unlink(missing_ok=True)
        self.report.watch.append(WatchRun(self.seeder.tasks, peak, seconds))


def median(runs: list[Scenario]) -> Scenario:
    """The run with the median req/s stands for all of a scenario's runs (each run's
    correctness was checked on its own); the others' req/s are kept beside it."""
    ordered = sorted(runs, key=lambda s: s.wrk.rps)
    return attrs.evolve(ordered[len(ordered) // 2], rps_runs=tuple(r.wrk.rps for r in ordered))
