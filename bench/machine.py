"""The machine a run happened on, for the report: figures mean little without it."""

from __future__ import annotations

import os
import platform
import subprocess
from pathlib import Path
from typing import Any

import psutil

from .wrk import wrk_path


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _wrk_version() -> str:
    wrk = wrk_path()
    if wrk is None:
        return "missing"
    out = subprocess.run([wrk, "--version"], capture_output=True, text=True, check=False)
    return (out.stdout or out.stderr).splitlines()[0].split(" Copyright")[0].strip()


def describe(database_version: str) -> dict[str, Any]:
    return {
        "nproc": os.cpu_count(),
        "cpu": _cpu_model(),
        "ram_gib": round(psutil.virtual_memory().total / 2**30, 1),
        "python": platform.python_version(),
        "database": database_version,
        "wrk": _wrk_version(),
        "load_average_1m_at_start": round(os.getloadavg()[0], 2),
    }


def busy_warning() -> str | None:
    """Figures taken on a busy machine measure the neighbours; say so in the output."""
    load = os.getloadavg()[0]
    cores = os.cpu_count() or 1
    if load > 0.5 * cores:
        return f"the machine is busy (1-minute load {load:.1f} on {cores} cores): figures are noisy"
    return None
