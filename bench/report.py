"""The run's verdict: the table, each target with PASS or MISS, and the JSON file."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs

from .results import MIB, Flood, Report, Scenario

# The Django REST framework service this replaces, same machine class, wrk -t1 -c32,
# 1,000 users and 200,000 tasks (issue #6): req/s.
DRF_RPS = {"list": 770.0, "retrieve": 1300.0, "create": 750.0, "login": 15.0}


@attrs.frozen
class Target:
    name: str
    figures: str
    met: bool | None  # None: not measured in this run

    @property
    def verdict(self) -> str:
        return "n/a " if self.met is None else ("PASS" if self.met else "MISS")

    def as_json(self) -> dict[str, Any]:
        return {"name": self.name, "figures": self.figures, "status": self.verdict.strip()}


def _ratio(a: float, b: float) -> float:
    return a / b if b else float("inf")


def _speed_targets(r: Report) -> list[Target]:
    out = []
    health, listed = r.scenario("health"), r.scenario("list")
    if health and listed:
        share = _ratio(listed.wrk.rps, health.wrk.rps)
        out.append(
            Target(
                "list >= 50% of /health/live req/s",
                f"{listed.wrk.rps:,.0f} vs {health.wrk.rps:,.0f} req/s = {share:.0%}",
                share >= 0.5,
            )
        )
    for name in ("list", "retrieve"):
        s = r.scenario(name)
        if s is None:
            continue
        out.append(Target(f"{name} >= 3,800 req/s", f"{s.wrk.rps:,.0f} req/s", s.wrk.rps >= 3800))
        spread = _ratio(s.wrk.p99_ms, s.wrk.p50_ms)
        out.append(
            Target(
                f"{name} p99 <= 3x p50",
                f"p50 {s.wrk.p50_ms:.2f} ms, p99 {s.wrk.p99_ms:.2f} ms = {spread:.2f}x",
                spread <= 3,
            )
        )
    return out


def _pair(
    name: str, items: list[Any], value: Callable[[Any], float], limit: float, unit: str
) -> Target:
    if len(items) < 2:
        return Target(name, "not run", None)
    small, large = min(items, key=lambda i: i.tasks), max(items, key=lambda i: i.tasks)
    ratio = _ratio(value(large), value(small))
    return Target(
        name,
        f"{large.tasks:,}: {value(large):.2f} {unit} vs {small.tasks:,}: "
        f"{value(small):.2f} {unit} = {ratio:.2f}x",
        ratio <= limit,
    )


def _flood_latency(f: Flood) -> Target:
    name = "login flood: list p99 <= 2x without"
    w = f.list.wrk
    unanswered = sum(w.socket_errors.values())
    if w.requests == 0 or unanswered:
        figures = f"{w.requests} list requests answered, {unanswered} timed out or dropped"
        return Target(name, figures + f" in {w.seconds:.0f} s (starved)", False)
    p99 = _ratio(w.p99_ms, f.list_alone_p99_ms)
    figures = f"{w.p99_ms:.2f} vs {f.list_alone_p99_ms:.2f} ms = {p99:.2f}x ({w.rps:,.0f} req/s)"
    return Target(name, figures, p99 <= 2)


def targets(r: Report) -> list[Target]:
    out = _speed_targets(r)
    out.append(
        _pair(
            "list p50 at the large table <= 1.2x the small",
            r.scale,
            lambda s: s.wrk.p50_ms,
            1.2,
            "ms",
        )
    )
    out.append(
        _pair(
            "watcher peak memory at the large table <= 1.2x the small",
            r.watch,
            lambda w: w.peak_rss / MIB,
            1.2,
            "MiB",
        )
    )
    f = r.flood
    if f is not None:
        out.append(_flood_latency(f))
        mem = _ratio(f.peak_rss, f.idle_rss)
        out.append(
            Target(
                "login flood: server memory <= 2x idle",
                f"{f.peak_rss / MIB:.0f} vs {f.idle_rss / MIB:.0f} MiB = {mem:.2f}x",
                mem <= 2,
            )
        )
    return out


def _row(s: Scenario) -> str:
    w = s.wrk
    created = (
        ""
        if s.created is None
        else (f"{s.created.rows}/{s.created.acknowledged} rows" + ("" if s.created.ok else " LOST"))
    )
    drf = f"{DRF_RPS[s.name]:,.0f}" if s.name in DRF_RPS else ""
    cpu = f"{s.cpu_ms_per_request:.2f}" if s.server_cpu_s else ""
    if len(s.rps_runs) > 1:
        created += "  req/s of each run: " + " / ".join(f"{x:,.0f}" for x in s.rps_runs)
    return (
        f"{s.name:<12}{s.tasks:>12,}{w.rps:>10,.0f}{drf:>8}{w.p50_ms:>9.2f}{w.p99_ms:>9.2f}"
        f"{w.failures:>9}{cpu:>9}{s.peak_rss / MIB:>10.0f}  {created}"
    )


def render(r: Report) -> str:
    lines = [
        f"{'scenario':<12}{'tasks':>12}{'req/s':>10}{'DRF':>8}{'p50 ms':>9}{'p99 ms':>9}"
        f"{'non-2xx':>9}{'cpu ms':>9}{'peak MiB':>10}  created"
    ]
    rows = [*r.scenarios, *([r.flood.list, r.flood.login] if r.flood else []), *r.scale]
    lines += [_row(s) for s in rows]
    if r.idle_rss:
        lines.append(f"server idle memory: {r.idle_rss / MIB:.0f} MiB")
    lines += [
        f"watcher over {w.tasks:,} tasks: peak {w.peak_rss / MIB:.0f} MiB, {w.seconds:.1f} s"
        for w in r.watch
    ]
    lines.append("")
    lines += [f"{t.verdict}  {t.name:<58} {t.figures}" for t in targets(r)]
    lines += [f"FAIL  {failure}" for failure in r.failures]
    return "\n".join(lines)


def to_json(r: Report) -> dict[str, Any]:
    return {
        **r.meta,
        "scenarios": [s.as_json() for s in r.scenarios],
        "flood": None if r.flood is None else r.flood.as_json(),
        "idle_rss_mib": round(r.idle_rss / MIB, 1),
        "watch": [w.as_json() for w in r.watch],
        "scale": [s.as_json() for s in r.scale],
        "targets": [t.as_json() for t in targets(r)],
        "failures": r.failures,
        "ok": not r.failures,
    }


def write_json(r: Report, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(to_json(r), indent=2) + "\n")
    return path
