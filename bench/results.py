"""What a run measured, as plain attrs records that turn into the JSON report."""

from __future__ import annotations

from typing import Any

import attrs

from .wrk import WrkResult

MIB = 1024 * 1024


@attrs.frozen
class CreatedCheck:
    """Rows a scenario created vs the 201s wrk saw. When wrk stops it drops the requests in
    flight (one per connection at most); the server may still commit those, so up to
    ``in_flight`` extra rows are expected and not one acknowledged row may be missing."""

    acknowledged: int
    rows: int
    in_flight: int

    @property
    def ok(self) -> bool:
        return self.acknowledged <= self.rows <= self.acknowledged + self.in_flight

    def as_json(self) -> dict[str, Any]:
        return {**attrs.asdict(self), "ok": self.ok}


@attrs.frozen
class Scenario:
    name: str
    tasks: int
    wrk: WrkResult
    peak_rss: int
    created: CreatedCheck | None = None
    server_cpu_s: float = 0.0
    rps_runs: tuple[float, ...] = ()

    @property
    def cpu_ms_per_request(self) -> float:
        """Server CPU (all processes) per answered request: a cost that load on the
        machine barely moves, unlike req/s."""
        return 1000 * self.server_cpu_s / self.wrk.requests if self.wrk.requests else 0.0

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "tasks": self.tasks,
            **self.wrk.as_json(),
            "server_cpu_ms_per_request": round(self.cpu_ms_per_request, 3),
            "rps_runs": [round(r, 1) for r in self.rps_runs],
            "peak_rss_mib": round(self.peak_rss / MIB, 1),
            "created": None if self.created is None else self.created.as_json(),
        }


@attrs.frozen
class Flood:
    """List traffic beside a login flood, on the same server as the scenarios."""

    list: Scenario
    login: Scenario
    list_alone_p99_ms: float
    idle_rss: int
    peak_rss: int

    def as_json(self) -> dict[str, Any]:
        return {
            "list": self.list.as_json(),
            "login": self.login.as_json(),
            "list_alone_p99_ms": self.list_alone_p99_ms,
            "idle_rss_mib": round(self.idle_rss / MIB, 1),
            "peak_rss_mib": round(self.peak_rss / MIB, 1),
        }


@attrs.frozen
class WatchRun:
    tasks: int
    peak_rss: int
    seconds: float

    def as_json(self) -> dict[str, Any]:
        return {
            "tasks": self.tasks,
            "peak_rss_mib": round(self.peak_rss / MIB, 1),
            "seconds": round(self.seconds, 2),
        }


@attrs.define
class Report:
    """Everything one run produced; ``failures`` are correctness problems, not speed."""

    meta: dict[str, Any]
    scenarios: list[Scenario] = attrs.Factory(list)
    flood: Flood | None = None
    idle_rss: int = 0
    watch: list[WatchRun] = attrs.Factory(list)
    scale: list[Scenario] = attrs.Factory(list)
    failures: list[str] = attrs.Factory(list)
    processes: dict[int, float] = attrs.Factory(dict)

    def scenario(self, name: str) -> Scenario | None:
        return next((s for s in self.scenarios if s.name == name), None)

    def check(self, scenario: Scenario, *, starved_ok: bool = False) -> None:
        """Record the correctness problems of a scenario: any non-2xx, any lost row, and
        (unless ``starved_ok``: the list beside a login flood, where starvation is the very
        thing measured) any request left without an answer."""
        w = scenario.wrk
        label = f"{scenario.name} at {scenario.tasks:,} tasks"
        if w.non_2xx:
            bad = {c: n for c, n in w.statuses.items() if not 200 <= c < 300}
            self.failures.append(f"{label}: non-2xx responses {bad}")
        if not starved_ok and w.requests == 0:
            self.failures.append(f"{label}: no request completed")
        if not starved_ok and w.socket_errors:
            self.failures.append(f"{label}: requests without a response {w.socket_errors}")
        if scenario.created is not None and not scenario.created.ok:
            c = scenario.created
            self.failures.append(f"{label}: {c.acknowledged} tasks acknowledged, {c.rows} rows")
