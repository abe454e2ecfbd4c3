"""Driving wrk: one scenario script at a time, its figures read from the JSON line that
``lua/common.lua`` prints in ``done()``."""

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


def figures(output: str) -> dict[str, Any]:
    """One run's figures (latencies in ms, statuses by code as text) from wrk's output."""
    lines = [line for line in output.splitlines() if line.startswith(MARKER)]
    if not lines:
        raise RuntimeError(f"wrk: no result line in its output:\n{output[-2000:]}")
    raw = json.loads(lines[-1][len(MARKER) :])
    seconds = raw["duration_us"] / 1e6
    statuses = {str(code): n for code, n in sorted(raw["statuses"].items())}
    return {
        "requests": raw["requests"],
        "seconds": seconds,
        "rps": round(raw["requests"] / seconds, 1) if seconds else 0.0,
        **{f"{p}_ms": raw[f"{p}_us"] / 1e3 for p in ("p50", "p90", "p99", "max")},
        "statuses": statuses,
        "non_2xx": sum(n for code, n in statuses.items() if not code.startswith("2")),
        "socket_errors": {kind: n for kind, n in raw["errors"].items() if n},
    }


@attrs.frozen
class Wrk:
    """wrk with one fixtures file (users, tokens, owned task ids) and one load shape."""

    fixtures: Path
    password: str
    connections: int
    threads: int

    def run(self, base_url: str, script: str, seconds: float) -> dict[str, Any]:
        wrk = wrk_path()
        if wrk is None:
            raise RuntimeError("wrk is not installed (Debian: apt-get install wrk)")
        load = [f"-t{self.threads}", f"-c{self.connections}", f"-d{max(1, round(seconds))}s"]
        lua = ["--timeout", "30s", "-s", str(LUA_DIR / f"{script}.lua")]
        argv = [wrk, *load, *lua, base_url, "--", str(self.fixtures), self.password]
        env = {**os.environ, "LUA_PATH": f"{LUA_DIR}/?.lua;;"}
        try:
            done = subprocess.run(
                argv, env=env, capture_output=True, text=True, timeout=seconds + 60, check=False
            )
        except subprocess.TimeoutExpired:
            raise RuntimeError(f"wrk {script} did not finish") from None
        output = done.stdout + done.stderr
        if done.returncode:
            raise RuntimeError(f"wrk {script} exited {done.returncode}:\n{output[-2000:]}")
        return figures(output)
