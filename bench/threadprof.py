"""cProfile in every thread of a server worker, timed by each thread's own CPU clock.

pyinstrument and a plain cProfile see one thread, while Selteq's handlers run in anyio
worker threads (``sync_to_thread``); py-spy is not installed. ``threading.setprofile``
hands each new thread a bootstrap hook that swaps itself for a fresh ``cProfile.Profile``,
so the event loop thread and every worker thread are profiled. With ``time.thread_time``
as the timer a thread waiting for the GIL, a lock or the network costs nothing: the figures
are CPU, attributed to the function that spent it. Deterministic profiling adds a fixed
cost per call, so layers made of many small calls (the framework) read a little high.
"""

from __future__ import annotations

import cProfile
import marshal
import sys
import threading
import time
from types import FrameType
from typing import Any


class ThreadProfiler:
    def __init__(self) -> None:
        self._profiles: list[tuple[int, cProfile.Profile]] = []
        self._lock = threading.Lock()

    def start(self) -> None:
        """Profile the calling thread and every thread started from now on."""
        threading.setprofile(self._boot)
        self._enable()

    def _boot(self, frame: FrameType, event: str, arg: Any) -> None:
        sys.setprofile(None)
        self._enable()

    def _enable(self) -> None:
        profile = cProfile.Profile(time.thread_time)
        with self._lock:
            self._profiles.append((threading.get_ident(), profile))
        profile.enable()

    def dump(self, prefix: str) -> None:
        """One pstats file per thread, ``<prefix>.<n>.pstats``.

        Only the calling thread's profiler is disabled: disabling another thread's from here
        would close its unfinished calls with this thread's clock (nonsense figures). The
        others are snapshotted as they stand; their calls in progress are left out."""
        threading.setprofile(None)
        with self._lock:
            profiles = list(self._profiles)
        me = threading.get_ident()
        for n, (ident, profile) in enumerate(profiles):
            if ident == me:
                profile.disable()
            profile.snapshot_stats()
            with open(f"{prefix}.{n}.pstats", "wb") as handle:
                marshal.dump(profile.stats, handle)
