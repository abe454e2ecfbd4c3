"""The markdown written from a run's JSON: the medians, the ratios to the build compared
with, the size comparison, and commands that name no revision, path or password."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bench.cli import _redacted, main
from bench.report import markdown, median, scenario_table, write_json


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
    # The page names the build it was compared with, once; its command keeps the flag only.
    assert page.count("abc1234") == 1
    assert "over build `abc1234`'s" in page
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


def test_another_engines_run_gets_a_section_saying_which_engine_it_is() -> None:
    mssql_url = (
        "mssql://u:***@127.0.0.1:1433/selteq?driver=ODBC+Driver+18+for+SQL+Server&Encrypt=no"
    )
    other = _report(
        engine="SQL Server (Babelfish 4.2.0) through ODBC Driver 18 for SQL Server",
        argv=["--database", mssql_url],
        runs=[_run("health", "current", 18_000.0), _run("list", "current", 4_000.0, 5.0)],
        failures=["list on current: non-2xx {'503': 2}"],
    )
    page = markdown(_report(), [other])
    first, section = page.split("## On SQL Server\n")
    assert "## On PostgreSQL\n\n1,000 users and 200,000 tasks on PostgreSQL 15.20" in first
    assert "| health | 20,000 | 1.00 | 4.00 | 0 |" in first
    assert "on SQL Server (Babelfish 4.2.0) through ODBC Driver 18 for SQL Server" in section
    assert "| scenario | req/s | p50 ms | p99 ms | non-2xx | req/s ÷ PostgreSQL |" in section
    assert "| health | 18,000 | 1.00 | 4.00 | 0 | 0.90 |" in section
    assert "| list | 4,000 | 5.00 | 20.00 | 0 | 0.50 |" in section
    assert "- SQL Server: list on current: non-2xx {'503': 2}" in section
    # Each run's command, the URL quoted for the shell that make hands it to.
    assert f"make bench ARGS=\"--database '{mssql_url}'\"" in section
    assert 'make bench ARGS="--database postgresql://postgres@127.0.0.1:5432/selteq_bench"' in page
    assert "--render <run>.json --also <run>.json" in section


def test_the_cli_renders_a_second_run_given_with_also(tmp_path: Path) -> None:
    first, second, out = tmp_path / "pg.json", tmp_path / "mssql.json", tmp_path / "perf.md"
    write_json(_report(), first)
    write_json(_report(engine="SQL Server 16.0.1000.6 through FreeTDS"), second)
    assert main(["--render", str(first), "--also", str(second), "--out", str(out)]) == 0
    page = out.read_text()
    assert page.count("| scenario | req/s |") == 2
    assert "## On SQL Server\n\nThe same scenarios, 1,000 users and 200,000 tasks on SQL" in page
