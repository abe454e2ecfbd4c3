"""The benchmark's smoke mode, run for real on SQLite: seed, serve, load with wrk, check,
clean up, and the markdown written from its JSON.

It asserts correctness only (every scenario answered, only 2xx, created rows stored), never
a speed: the figures of a loaded CI machine say nothing.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.services import missing

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = ["floor", "health", "list", "retrieve", "create", "rename", "login", "mixed"]
BUDGET = 180


def _bench(*args: str) -> str:
    """``python -m bench ARGS`` from the repository root; its output, or the test fails."""
    if not Path("/usr/bin/wrk").exists():
        missing("wrk is not installed at /usr/bin/wrk (Debian: apt-get install wrk)")
    env = {k: v for k, v in os.environ.items() if not k.startswith("SELTEQ_")}
    process = subprocess.Popen(
        [sys.executable, "-m", "bench", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        output, _ = process.communicate(timeout=BUDGET)
    except subprocess.TimeoutExpired:
        process.terminate()  # the harness stops its servers on SIGTERM
        output, _ = process.communicate(timeout=30)
        pytest.fail(f"python -m bench {args} ran over {BUDGET} s:\n{output}")
    assert process.returncode == 0, output
    return output


def _run(folder: Path, *args: str) -> tuple[dict[str, Any], str]:
    """A smoke run's JSON and the markdown rendered from it."""
    out, page = folder / "run.json", folder / "performance.md"
    _bench("--smoke", "--json-out", str(out), *args)
    _bench("--render", str(out), "--out", str(page))
    return json.loads(out.read_text()), page.read_text()


@pytest.fixture(scope="module")
def smoke(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], str]:
    """One run does all of it: every scenario on two builds in turns (``--against`` this
    very virtualenv: the harness cannot tell it is the same build), and the list on a small
    and a large table."""
    folder = tmp_path_factory.mktemp("bench")
    # The smoke's own 2 s a scenario: the mixed load sends its first create only after
    # its users' first 180 or so other requests.
    return _run(folder, "--scale", "--against", sys.executable)


@pytest.mark.slow
def test_every_scenario_answered_only_2xx(smoke: tuple[dict[str, Any], str]) -> None:
    report, _ = smoke
    assert {r["scenario"] for r in report["runs"]} == set(SCENARIOS)
    for run in [*report["runs"], *report["scale"]]:
        assert run["requests"] > 0, run
        assert run["non_2xx"] == 0, run
        assert run["socket_errors"] == {}, run
        assert set(run["statuses"]) <= {"200", "201"}, run
    assert report["failures"] == []
    assert report["ok"] is True


@pytest.mark.slow
def test_created_rows_are_all_stored(smoke: tuple[dict[str, Any], str]) -> None:
    report, _ = smoke
    created = [(r["scenario"], r["build"], r["created"]) for r in report["runs"] if r["created"]]
    assert sorted((name, build) for name, build, _ in created) == [
        (name, build) for name in ("create", "mixed") for build in ("before", "current")
    ]
    for name, build, check in created:
        assert 0 < check["acknowledged"] <= check["rows"], (name, build, check)
        assert check["ok"] is True


@pytest.mark.slow
def test_the_list_is_compared_on_a_small_and_a_large_table(
    smoke: tuple[dict[str, Any], str],
) -> None:
    report, page = smoke
    assert [(r["scenario"], r["tasks"]) for r in report["scale"]] == [
        ("list", 200),
        ("list", 4_000),
    ]
    assert "| 4,000 |" in page
    assert "| large ÷ small |" in page


@pytest.mark.slow
def test_the_markdown_holds_every_scenario_and_how_to_reproduce_it(
    smoke: tuple[dict[str, Any], str],
) -> None:
    report, page = smoke
    assert page.startswith("# Performance\n")
    for run in report["runs"]:
        if run["build"] in ("current", "floor"):
            assert f"| {run['scenario']} | {run['rps']:,.0f} | {run['p50_ms']:.2f} |" in page
    assert "--smoke --scale" in page
    assert report["engine"].startswith("SQLite ")
    assert f"on {report['cpus']} CPUs" in page


@pytest.mark.slow
def test_two_builds_take_turns_and_the_ratios_are_written(
    smoke: tuple[dict[str, Any], str],
) -> None:
    report, page = smoke
    order = [(r["scenario"], r["build"]) for r in report["runs"]]
    # The floor (a bare app, bench/floor.py) is served once, whatever the builds.
    assert order == [("floor", "floor")] + [
        (name, build) for name in SCENARIOS if name != "floor" for build in ("current", "before")
    ]
    assert report["builds"] == ["current", "before"]
    assert "| req/s ÷ before | p50 ÷ before | p99 ÷ before |" in page
    assert "--against <before>" in page
    assert sys.executable not in page
