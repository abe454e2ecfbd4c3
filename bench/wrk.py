"""Driving wrk: one scenario script at a time, or two at once, parsed from the JSON line
that ``lua/common.lua`` prints in ``done()``."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import attrs

LUA_DIR = Path(__file__).parent / "lua"
MARKER = "SELTEQ_BENCH "


def wrk_path() -> str | None:
    return shutil.which("wrk") or ("/usr/bin/wrk" if Path("/usr/bin/wrk").exists() else None)


@attrs.frozen
class WrkResult:
    """What one wrk process saw; latencies in milliseconds."""

    script: str
    requests: int
    seconds: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float
    statuses: dict[int, int]
    socket_errors: dict[str, int]

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def non_2xx(self) -> int:
        return sum(n for code, n in self.statuses.items() if not 200 <= code < 300)

    @property
    def failures(self) -> int:
        """Responses that were not 2xx, and requests that got no response at all."""
        return self.non_2xx + sum(self.socket_errors.values())

    def as_json(self) -> dict[str, Any]:
        data = attrs.asdict(self)
        data["statuses"] = {str(code): n for code, n in sorted(self.statuses.items())}
        data.update(rps=round(self.rps, 1), non_2xx=self.non_2xx)
        return data


def _parse(script: str, output: str) -> WrkResult:
    lines = [line for line in output.splitlines() if line.startswith(MARKER)]
    if not lines:
        raise RuntimeError(f"wrk {script}: no result line in its output:\n{output[-2000:]}")
    raw = json.loads(lines[-1][len(MARKER) :])
    return WrkResult(
        script=script,
        requests=raw["requests"],
        seconds=raw["duration_us"] / 1e6,
        p50_ms=raw["p50_us"] / 1e3,
        p90_ms=raw["p90_us"] / 1e3,
        p99_ms=raw["p99_us"] / 1e3,
        max_ms=raw["max_us"] / 1e3,
        statuses={int(code): n for code, n in raw["statuses"].items()},
        socket_errors={kind: n for kind, n in raw["errors"].items() if n},
    )


@attrs.frozen
class Wrk:
    """wrk aimed at one server with one fixtures file (users, tokens, owned task ids)."""

    base_url: str
    fixtures: Path
    password: str
    connections: int
    threads: int

    def start(self, script: str, seconds: float) -> subprocess.Popen[str]:
        wrk = wrk_path()
        if wrk is None:
            raise RuntimeError("wrk is not installed (Debian: apt-get install wrk)")
        argv = [
            wrk,
            f"-t{self.threads}",
            f"-c{self.connections}",
            f"-d{max(1, round(seconds))}s",
            "--timeout",
            "10s",
            "-s",
            str(LUA_DIR / f"{script}.lua"),
            self.base_url,
            "--",
            str(self.fixtures),
            self.password,
        ]
        env = {**os.environ, "LUA_PATH": f"{LUA_DIR}/?.lua;;"}
        return subprocess.Popen(
            argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )

    def finish(self, script: str, process: subprocess.Popen[str], seconds: float) -> WrkResult:
        try:
            output, _ = process.communicate(timeout=seconds + 60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate()
            raise RuntimeError(f"wrk {script} did not finish") from None
        if process.returncode:
            raise RuntimeError(f"wrk {script} exited {process.returncode}:\n{output[-2000:]}")
        return _parse(script, output)

    def run(self, script: str, seconds: float) -> WrkResult:
        return self.finish(script, self.start(script, seconds), seconds)

    def run_together(self, scripts: list[str], seconds: float) -> list[WrkResult]:
        """Several wrk processes at once, e.g. list traffic beside a login flood."""
        started = [(script, self.start(script, seconds)) for script in scripts]
        try:
            return [self.finish(script, process, seconds) for script, process in started]
        finally:
            for _, process in started:
                if process.poll() is None:
                    process.kill()
                    process.wait()
