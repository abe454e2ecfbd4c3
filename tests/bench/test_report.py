"""The markdown written from a run's JSON: the medians, the ratios to the build compared
with, the size comparison, and commands that name no revision, path or password."""

from __future__ import annotations

from typing import Any

from bench.cli import _redacted
from bench.report import markdown, median, scenario_table


def _run(scenario: str, build: str, rps: float, p50: float = 1.0, **extra: Any) -> dict[str, Any]:
    return {
        "scenario": scenario,
        "build": build,
        "tasks": extra.pop("tasks", 200_000),
        "rps": rps,
        "p50_ms": p50,
        "p99_ms": 4 * p50,
        "non_2xx": extra.pop("non_2xx", 0),
        **extra,
    }


def _report(**changes: Any) -> dict[str, Any]:
    return {
        "mode": "full",
        "argv": ["--database", "postgresql://postgres@127.0.0.1:5432/selteq_bench"],
        "engine": "PostgreSQL 15.20",
        "cpus": 8,
        "users": 1_000,
        "tasks": 200_000,
        "workers": 8,
        "duration_s": 15.0,
        "connections": 32,
        "threads": 1,
        "repeat": 1,
        "builds": ["current"],
        "runs": [_run("health", "current", 20_000.0), _run("list", "current", 8_000.0, 2.5)],
        "scale": [],
        "failures": [],
        **changes,
    }


def test_one_build_gives_one_row_a_scenario_in_scenario_order() -> None:
    page = markdown(_report())
    assert "| scenario | req/s | p50 ms | p99 ms | non-2xx |\n" in page
    assert "| health | 20,000 | 1.00 | 4.00 | 0 |\n| list | 8,000 | 2.50 | 10.00 | 0 |" in page
    assert "÷ before" not in page
    assert "PostgreSQL 15.20" in page
    assert "8 server worker(s) on 8 CPUs" in page
    assert "one run each." in page
    assert "## Table size" not in page
    assert "## Failures" not in page


def test_the_median_run_stands_for_a_scenarios_runs() -> None:
    runs = [_run("list", "current", rps) for rps in (900.0, 100.0, 500.0)]
    assert median(runs)["rps"] == 500.0
    table = scenario_table(_report(runs=runs, repeat=3))
    assert table[2] == "| list | 500 | 1.00 | 4.00 | 0 |"


def test_ratios_are_this_build_over_the_one_before() -> None:
    runs = [
        _run("list", "current", 9_000.0, 2.0),
        _run("list", "before", 10_000.0, 2.5),
        _run("retrieve", "current", 6_000.0),
        _run("retrieve", "before", 5_000.0),
    ]
    argv = ["--repeat", "3", "--compare", "abc1234", "--json-out", "/tmp/x.json"]
    page = markdown(_report(runs=runs, builds=["current", "before"], argv=argv))
    assert "| req/s ÷ before | p50 ÷ before | p99 ÷ before |" in page
    assert "| list | 9,000 | 2.00 | 8.00 | 0 | 0.90 | 0.80 | 0.80 |" in page
    assert "| retrieve | 6,000 | 1.00 | 4.00 | 0 | 1.20 | 1.00 | 1.00 |" in page
    assert 'make bench ARGS="--repeat 3 --compare <before>"' in page
    assert "abc1234" not in page
    assert "/tmp/x.json" not in page


def test_the_size_comparison_and_failures_get_sections_of_their_own() -> None:
    scale = [
        _run("list", "current", 8_000.0, 2.0, tasks=10_000),
        _run("list", "current", 7_200.0, 2.2, tasks=10_000_000),
    ]
    page = markdown(_report(scale=scale, failures=["list on current: non-2xx {'500': 3}"]))
    assert "| 10,000 | 8,000 | 2.00 | 8.00 | 0 |" in page
    assert "| 10,000,000 | 7,200 | 2.20 | 8.80 | 0 |" in page
    assert "| large ÷ small | 0.90 | 1.10 | 1.10 |  |" in page
    assert "## Failures\n\n- list on current: non-2xx {'500': 3}" in page


def test_a_password_in_a_database_url_is_not_recorded() -> None:
    argv = ["--database=postgresql://bench:s3cret@db:5432/x", "--database", "postgres://u:p@h/y"]
    assert _redacted(argv) == [
        "--database=postgresql://bench:***@db:5432/x",
        "--database",
        "postgres://u:***@h/y",
    ]
    assert _redacted(["--tasks", "100"]) == ["--tasks", "100"]
