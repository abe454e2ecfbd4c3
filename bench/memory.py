"""Memory of the processes under test.

A server is sampled from outside (psutil, every 50 ms): the sum of the RSS of its main
process and all its workers. Finding the workers means scanning every process on the
machine (about 4 ms of CPU on the cores the server is measured on), so the sampler does
that once a second and reads only the known processes' RSS in between. The sum counts
pages shared after fork once per process, so it overstates a little, the same way in every
scenario. A short-lived process (the watcher) is measured exactly instead: the kernel's
own high-water mark, from wait4().
"""

from __future__ import annotations

import os
import statistics
import subprocess
import threading
import time
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

import psutil

MIB = 1024 * 1024


def _tree(pid: int) -> list[psutil.Process]:
    """``pid`` and its live descendants (none once it has gone)."""
    try:
        root = psutil.Process(pid)
        return [root, *root.children(recursive=True)]
    except psutil.Error:
        return []


def _tree_sum(pid: int, measure: Callable[[psutil.Process], float]) -> float:
    """``measure`` summed over ``pid`` and its live descendants (0 once it has gone)."""
    return _sum(_tree(pid), measure)


def _rss(process: psutil.Process) -> float:
    return float(process.memory_info().rss)


def _sum(processes: list[psutil.Process], measure: Callable[[psutil.Process], float]) -> float:
    total = 0.0
    for process in processes:
        try:
            total += measure(process)
        except psutil.Error:
            continue
    return total


def tree_rss(pid: int) -> int:
    """Bytes resident in ``pid`` and its descendants right now (0 once it has gone)."""
    return int(_tree_sum(pid, _rss))


def tree_cpu(pid: int) -> float:
    """CPU seconds spent so far by ``pid`` and its live descendants."""

    def cpu(process: psutil.Process) -> float:
        times = process.cpu_times()
        return float(times.user + times.system)

    return _tree_sum(pid, cpu)


def wait_idle(pid: int, timeout: float, busy: float = 0.1, window: float = 0.25) -> float:
    """Wait until the process tree uses under ``busy`` of a core; return the seconds waited.

    wrk drops its in-flight requests when time is up, but the server still finishes them
    (a queue of argon2 checks after a login run takes seconds); the next scenario must not
    inherit that work."""
    started = time.monotonic()
    last = tree_cpu(pid)
    while time.monotonic() - started < timeout:
        time.sleep(window)
        now = tree_cpu(pid)
        if now - last < busy * window:
            break
        last = now
    return time.monotonic() - started


def settled_rss(pid: int, samples: int = 5, interval: float = 0.1) -> int:
    """The median of a few samples: the process tree's memory at rest."""
    values = []
    for _ in range(samples):
        values.append(tree_rss(pid))
        time.sleep(interval)
    return int(statistics.median(values))


class PeakSampler:
    """``with PeakSampler(pid) as peak: ...`` then ``peak.bytes``: the highest sum seen."""

    def __init__(self, pid: int, interval: float = 0.05, rescan: float = 1.0) -> None:
        self.pid, self.interval, self.rescan, self.bytes = pid, interval, rescan, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="rss-sampler", daemon=True)

    def _run(self) -> None:
        processes, scanned = _tree(self.pid), time.monotonic()
        while not self._stop.is_set():
            if time.monotonic() - scanned >= self.rescan:  # a worker may have been replaced
                processes, scanned = _tree(self.pid), time.monotonic()
            self.bytes = max(self.bytes, int(_sum(processes, _rss)))
            self._stop.wait(self.interval)

    def __enter__(self) -> PeakSampler:
        self.bytes = tree_rss(self.pid)
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stop.set()
        self._thread.join()
        self.bytes = max(self.bytes, tree_rss(self.pid))


def run_for_peak(
    argv: list[str], env: dict[str, str], cwd: Path, log: Path, timeout: float
) -> tuple[int, float]:
    """Run a command to completion, its output into ``log``; return (peak RSS bytes, seconds).

    The peak is ru_maxrss from wait4() on that one child: the kernel's high-water mark, so a
    brief spike between two samples cannot be missed, and no other child is mixed in
    (RUSAGE_CHILDREN would report the largest of every child this process ever waited for).
    """
    started = time.perf_counter()
    with log.open("wb") as out:
        process = subprocess.Popen(argv, env=env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT)
    deadline = started + timeout
    try:
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                raise TimeoutError(f"{argv[0]} ran longer than {timeout:.0f} s")
            time.sleep(0.02)
    except BaseException:
        process.kill()
        process.wait()
        raise
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        tail = log.read_bytes()[-2000:].decode(errors="replace")
        raise RuntimeError(f"{argv[0]} exited {process.returncode}: {tail}")
    return usage.ru_maxrss * 1024, time.perf_counter() - started
