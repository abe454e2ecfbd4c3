"""The benchmark's smoke mode, run for real: seed, serve, load with wrk, check, clean up.

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

import psutil
import pytest

from tests.services import missing

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = {"health", "list", "retrieve", "create", "rename", "login", "mixed"}
BUDGET = 120


def _wrk() -> None:
    if not Path("/usr/bin/wrk").exists():
        missing("wrk is not installed at /usr/bin/wrk (Debian: apt-get install wrk)")


def _run_smoke(out: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SELTEQ_")}
    process = subprocess.Popen(
        [sys.executable, "-m", "bench", "--smoke", "--json-out", str(out)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        stdout, stderr = process.communicate(timeout=BUDGET)
    except subprocess.TimeoutExpired:
        process.terminate()  # the harness stops its servers on SIGTERM
        stdout, stderr = process.communicate(timeout=30)
        pytest.fail(f"the smoke benchmark ran over {BUDGET} s:\n{stdout}\n{stderr}")
    return subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)


@pytest.fixture(scope="module")
def smoke(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], str]:
    _wrk()
    out = tmp_path_factory.mktemp("bench") / "smoke.json"
    result = _run_smoke(out)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    return json.loads(out.read_text()), output


@pytest.mark.slow
def test_every_scenario_answered_only_2xx(smoke: tuple[dict[str, Any], str]) -> None:
    report, output = smoke
    assert {s["name"] for s in report["scenarios"]} == SCENARIOS, output
    for scenario in [*report["scenarios"], *report["scale"]]:
        assert scenario["requests"] > 0, scenario
        assert scenario["non_2xx"] == 0, scenario
        assert scenario["socket_errors"] == {}, scenario
        assert set(scenario["statuses"]) <= {"200", "201"}, scenario
    # Beside a login flood the list may be starved (that is what the flood measures), but
    # whatever was answered must still be a success.
    for scenario in (report["flood"]["list"], report["flood"]["login"]):
        assert scenario["non_2xx"] == 0, scenario
    assert report["failures"] == [], report["failures"]
    assert report["ok"] is True


@pytest.mark.slow
def test_created_rows_are_all_stored(smoke: tuple[dict[str, Any], str]) -> None:
    report, _ = smoke
    checked = {s["name"]: s["created"] for s in report["scenarios"] if s["created"]}
    assert set(checked) == {"create", "mixed"}
    for name, created in checked.items():
        assert created["acknowledged"] > 0, name
        assert created["acknowledged"] <= created["rows"], (name, created)
        assert created["rows"] <= created["acknowledged"] + created["in_flight"], (name, created)
        assert created["ok"] is True


@pytest.mark.slow
def test_memory_and_size_comparisons_ran(smoke: tuple[dict[str, Any], str]) -> None:
    report, _ = smoke
    assert report["idle_rss_mib"] > 0
    assert report["flood"]["peak_rss_mib"] >= report["flood"]["idle_rss_mib"] > 0
    assert len(report["watch"]) == 2
    assert all(w["peak_rss_mib"] > 0 for w in report["watch"])
    # two table sizes compared, the small one in a database of its own
    assert [s["tasks"] for s in report["scale"]] == [200, 2_000]
    assert report["database"]["small_url"].endswith("/bench_small.db")
    assert {t["status"] for t in report["targets"]} <= {"PASS", "MISS"}


@pytest.mark.slow
def test_nothing_is_left_behind(smoke: tuple[dict[str, Any], str]) -> None:
    report, _ = smoke
    seen = report["server_processes"]
    assert len(seen) >= 3  # at least one server start: its main process and two workers
    for pid, started in seen.items():
        try:
            alive = psutil.Process(int(pid)).create_time() == started
        except psutil.NoSuchProcess:
            alive = False
        assert not alive, f"server process {pid} outlived the benchmark"
    assert not Path(report["workdir"]).exists()
