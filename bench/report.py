"""A run's JSON, and the markdown table written from it (``docs/performance.md``).

The markdown holds only what the JSON records: the figures, the load, the engine and the
CPU count. Its commands are the run's own flags, with the other build named ``<before>``.
"""

from __future__ import annotations

import itertools
import json
import shlex
from pathlib import Path
from typing import Any

from .config import SCENARIOS

BEFORE = "before"
WHAT = {
    "floor": "`GET /health/live` of a bare Litestar app with that one route, served by the"
    " same server command and worker count (bench/floor.py): what any app costs",
    "health": "`GET /health/live`: no token, no database (the ceiling)",
    "list": "`GET /api/tasks/`: a user's newest tasks",
    "retrieve": "`GET /api/tasks/{id}/`: one of the user's tasks",
    "create": "`POST /api/tasks/`",
    "rename": "`PUT /api/tasks/{id}/`",
    "login": "`POST /api/token/`: a password login (argon2id)",
    "mixed": "60% list, 25% retrieve, 10% create, 5% rename",
}
_DROPPED = {"--json-out", "--render", "--out"}
_HIDDEN = {"--compare", "--against"}


def median(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The run with the median req/s stands for all of its scenario's runs."""
    return sorted(runs, key=lambda r: float(r["rps"]))[len(runs) // 2]


def summary(runs: list[dict[str, Any]], key: str) -> dict[tuple[str, Any], dict[str, Any]]:
    """The median run of each (scenario, ``key``), ``key`` being "build" or "tasks"."""
    groups: dict[tuple[str, Any], list[dict[str, Any]]] = {}
    for run in runs:
        groups.setdefault((run["scenario"], run[key]), []).append(run)
    return {k: median(v) for k, v in groups.items()}


def _ratio(after: float, before: float) -> str:
    return f"{after / before:.2f}" if before else "n/a"


def _figures(run: dict[str, Any]) -> list[str]:
    rps, p50, p99 = run["rps"], run["p50_ms"], run["p99_ms"]
    return [f"{rps:,.0f}", f"{p50:.2f}", f"{p99:.2f}", str(run["non_2xx"])]


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|---" + "|---:" * (len(header) - 1) + "|"]
    return lines + ["| " + " | ".join(row) + " |" for row in rows]


def product(engine: str) -> str:
    """The engine's name without its version: "PostgreSQL 15.20" is "PostgreSQL"."""
    for name in ("SQL Server", "PostgreSQL", "SQLite"):
        if engine.startswith(name):
            return name
    return engine


def scenario_table(report: dict[str, Any], base: dict[str, Any] | None = None) -> list[str]:
    """One row a scenario; with ``base`` (another engine's run) a column of this run's
    req/s over that one's, scenario by scenario."""
    medians = summary(report["runs"], "build")
    compared = BEFORE in report["builds"]
    header = ["scenario", "req/s", "p50 ms", "p99 ms", "non-2xx"]
    if compared:
        header += ["req/s ÷ before", "p50 ÷ before", "p99 ÷ before"]
    base_medians = summary(base["runs"], "build") if base else {}
    if base:
        header.append(f"req/s ÷ {product(base['engine'])}")
    rows = []
    for name in SCENARIOS:
        key = (name, "floor" if name == "floor" else "current")
        now = medians.get(key)
        if now is None:
            continue
        row = [name, *_figures(now)]
        then = medians.get((name, BEFORE))
        if compared:
            keys = ("rps", "p50_ms", "p99_ms")
            row += [_ratio(now[k], then[k]) if then else "" for k in keys]
        if base:
            other = base_medians.get(key)
            row.append(_ratio(now["rps"], other["rps"]) if other else "")
        rows.append(row)
    return _table(header, rows)


def scale_table(report: dict[str, Any]) -> list[str]:
    medians = sorted(summary(report["scale"], "tasks").values(), key=lambda r: int(r["tasks"]))
    if len(medians) < 2:
        return []
    rows = [[f"{r['tasks']:,}", *_figures(r)] for r in medians]
    small, large = medians[0], medians[-1]
    ratios = [_ratio(large[k], small[k]) for k in ("rps", "p50_ms", "p99_ms")]
    rows.append(["large ÷ small", *ratios, ""])
    return _table(["tasks", "list req/s", "p50 ms", "p99 ms", "non-2xx"], rows)


def _command(argv: list[str]) -> str:
    """The run's flags as a ``make bench`` line: the other build as ``<before>``, and a
    flag the shell would split or expand (a URL's ``&``) quoted."""
    out: list[str] = []
    args = iter(argv)
    for arg in args:
        flag, eq, _ = arg.partition("=")
        if flag in _DROPPED | _HIDDEN and not eq:
            next(args, None)
        if flag in _HIDDEN:
            out += [flag, "<before>"]
        elif flag not in _DROPPED:
            out.append(shlex.quote(arg))
    return f'make bench ARGS="{" ".join(out)}"' if out else "make bench"


def _before(argv: list[str]) -> str:
    """The build compared with: the revision of ``--compare REV``; a path given with
    ``--against`` belongs to one machine, so it is not named."""
    for flag, value in itertools.pairwise(argv):
        if flag == "--compare":
            return f"build `{value}`"
    for arg in argv:
        flag, eq, value = arg.partition("=")
        if eq and flag == "--compare":
            return f"build `{value}`"
    return "the other build"


def _load(m: dict[str, Any]) -> str:
    return (
        f"{m['users']:,} users and {m['tasks']:,} tasks on {m['engine']}, {m['workers']} server"
        f" worker(s) on {m['cpus']} CPUs, wrk -t{m['threads']} -c{m['connections']} for"
        f" {m['duration_s']:g} s a scenario, "
        + ("one run each." if m["repeat"] == 1 else f"the median of {m['repeat']} runs.")
    )


def _engine_section(m: dict[str, Any], base: dict[str, Any]) -> list[str]:
    """Another engine's run: its own load, its table, and its req/s over ``base``'s."""
    lines = [
        f"## On {product(m['engine'])}",
        "",
        f"The same scenarios, {_load(m)}",
        "",
        *scenario_table(m, base),
        "",
        f"The last column divides by the {product(base['engine'])} run above: a run of its"
        " own, not loaded in turns with it, so the machine's drift between the two is in it.",
        "",
    ]
    if m["scale"]:
        lines += ["The list, on a small and on a large table in turns:", "", *scale_table(m), ""]
    return lines


def markdown(report: dict[str, Any], also: list[dict[str, Any]] | None = None) -> str:
    """The page for ``report``; each of ``also`` (another engine's run) a section after it."""
    m, others = report, also or []
    compared = BEFORE in m["builds"]
    load = _load(m)
    lines = [
        "# Performance",
        "",
        "<!-- Written by `python -m bench --render` from a run's JSON: edit bench/, not this. -->",
        "",
        "`python -m bench` seeds a fresh database, starts `selteq-api` and loads it with wrk,"
        " one scenario at a time."
        + (
            f" Each engine is a run of its own.\n\n## On {product(m['engine'])}\n\n"
            if others
            else " "
        )
        + load,
        "",
        *scenario_table(m),
        "",
    ]
    if compared:
        lines += [
            f"A ratio is this build's figure over {_before(m['argv'])}'s, the two served at"
            " once and loaded in turns in the same run.",
            "",
        ]
    floor, health = (
        summary(m["runs"], "build").get(k) for k in (("floor", "floor"), ("health", "current"))
    )
    if floor and health:
        lines += [
            f"`/health/live` answers {_ratio(health['rps'], floor['rps'])} of the floor's"
            " requests per second: what Selteq's layers and routing cost a request.",
            "",
        ]
    if m["scale"]:
        lines += ["## Table size", "", "The list, on a small and on a large table in turns:"]
        lines += ["", *scale_table(m), ""]
    for other in others:
        lines += _engine_section(other, m)
    failures = list(m["failures"])
    failures += [f"{product(o['engine'])}: {f}" for o in others for f in o["failures"]]
    if failures:
        lines += ["## Failures", "", *[f"- {f}" for f in failures], ""]
    lines += ["## Scenarios", "", *[f"- **{k}**: {v}" for k, v in WHAT.items()], ""]
    runs = [_command(r["argv"]) + "   # writes var/bench/<time>.json" for r in [m, *others]]
    render = "uv run --frozen python -m bench --render"
    if others:
        render += " <run>.json" + " --also <run>.json" * len(others) + "   # rewrites this file"
    else:
        render += "   # rewrites this file from the newest full run"
    lines += ["## Reproduce", "", "```sh", *runs, render, "```", ""]
    return "\n".join(lines)


def write_json(report: dict[str, Any], path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, indent=2) + "\n")
    return path


def newest_full_run(folder: Path) -> Path:
    full = [p for p in sorted(folder.glob("*.json")) if json.loads(p.read_text())["mode"] == "full"]
    if not full:
        raise SystemExit(f"bench: no full run's JSON in {folder}")
    return full[-1]
