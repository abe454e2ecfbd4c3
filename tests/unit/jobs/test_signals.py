"""The stop signal handler takes no lock: Python runs it on the main thread between two
bytecodes, possibly while that thread holds the very lock it would wait for."""

from __future__ import annotations

import signal
import sys
import threading
import time
from types import FrameType
from typing import Any

from selteq_jobs._signals import STOP_SIGNALS, stop_on_signals


def _calls_made_by(handler: Any, signum: int) -> list[str]:
    """Every Python and C function the handler calls, by name (the profiler sees both)."""
    seen: list[str] = []

    def profile(frame: FrameType, event: str, arg: Any) -> None:
        if event == "call":
            seen.append(frame.f_code.co_qualname)
        elif event == "c_call":
            seen.append(getattr(arg, "__qualname__", repr(arg)))

    sys.setprofile(profile)
    try:
        handler(signum, None)
    finally:
        sys.setprofile(None)
    return seen


def test_the_handler_only_sets_a_flag() -> None:
    with stop_on_signals() as stop:
        for signum in STOP_SIGNALS:
            calls = _calls_made_by(signal.getsignal(signum), signum)
            assert stop.is_set()
            waiting = [c for c in calls if any(w in c for w in ("acquire", "__enter__", "wait"))]
            assert waiting == [], calls


def test_a_signal_to_another_thread_ends_the_wait_and_the_old_handlers_come_back() -> None:
    # raise_signal in a thread delivers it to that thread: the main thread, blocked in
    # select, learns of it only through the wake-up pipe.
    before = signal.getsignal(signal.SIGTERM)
    with stop_on_signals() as stop:
        threading.Timer(0.05, signal.raise_signal, (signal.SIGTERM,)).start()
        started = time.monotonic()
        assert stop.wait(30)
        assert time.monotonic() - started < 25  # woken, not timed out
        for _ in range(20):  # more of them change nothing
            signal.raise_signal(signal.SIGINT)
        assert stop.wait(0)
    assert signal.getsignal(signal.SIGTERM) is before


def test_a_wait_without_a_signal_times_out() -> None:
    with stop_on_signals() as stop:
        assert stop.wait(0.01) is False
        assert not stop.is_set()
