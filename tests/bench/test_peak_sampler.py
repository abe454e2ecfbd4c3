"""The benchmark's memory sampler sees a worker that starts after it did, once it rescans
the process tree, and the memory that worker takes."""

from __future__ import annotations

import subprocess
import sys
import time

from bench.memory import MIB, PeakSampler

# A parent that starts, 0.2 s later, a child holding 150 MiB of touched pages for 0.5 s:
# gone before the sampler's last look.
PARENT = """
import subprocess, sys, time
time.sleep(0.2)
child = "b = bytearray(150 * 1024 * 1024); import time; time.sleep(0.5)"
subprocess.run([sys.executable, "-c", child], check=True)
"""


def _peak(rescan: float) -> int:
    process = subprocess.Popen([sys.executable, "-c", PARENT])
    try:
        with PeakSampler(process.pid, interval=0.02, rescan=rescan) as peak:
            time.sleep(2.0)  # the child is gone by then even if it starts slowly
        return peak.bytes
    finally:
        process.wait(timeout=10)


def test_a_late_worker_is_found_by_the_rescan() -> None:
    assert _peak(rescan=0.1) >= 150 * MIB


def test_without_a_rescan_the_late_worker_is_missed() -> None:
    # The control: what the rescan adds is not already counted some other way.
    assert _peak(rescan=3600) < 100 * MIB
