"""SIGINT and SIGTERM as a request to stop, for the long-running job processes.

A Python signal handler runs on the main thread between two bytecodes, possibly while
that thread holds a lock: ``threading.Event.set()`` from a handler deadlocks when the
main thread is inside ``Event.wait()`` (the Event's own lock). So the handler here only
stores a flag. The interpreter's C-level handler writes each signal's number to a pipe
(``signal.set_wakeup_fd``), whichever thread the kernel delivered it to, and the main
thread waits on that pipe with ``select``: a signal always ends the wait, however many
arrive and whenever.
"""

from __future__ import annotations

import contextlib
import os
import select
import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Protocol

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Stop(Protocol):
    """What a loop needs to know about being stopped (``threading.Event`` fits too)."""

    def is_set(self) -> bool: ...

    def wait(self, timeout: float | None = None) -> bool: ...


class SignalStop:
    """A stop request that a signal handler (or any thread) can make without a lock."""

    def __init__(self) -> None:
        self._requested = False
        self._read, self.wakeup_fd = os.pipe()
        os.set_blocking(self._read, False)
        os.set_blocking(self.wakeup_fd, False)

    def set(self) -> None:
        self._requested = True
        with contextlib.suppress(OSError):  # a full pipe already wakes the waiter
            os.write(self.wakeup_fd, b"\0")

    def is_set(self) -> bool:
        return self._requested

    def wait(self, timeout: float | None = None) -> bool:
        """True once stopped; False when ``timeout`` seconds passed first. A wake-up whose
        handler has not run yet loops once more: the loop's own bytecodes let it run."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while not self._requested:
            remaining = None if deadline is None else deadline - time.monotonic()
            if remaining is not None and remaining <= 0:
                break
            ready, _, _ = select.select([self._read], [], [], remaining)
            if ready:
                with contextlib.suppress(BlockingIOError):
                    os.read(self._read, 4096)
        return self._requested

    def close(self) -> None:
        os.close(self._read)
        os.close(self.wakeup_fd)

    def handle(self, signum: int, frame: FrameType | None) -> None:
        self._requested = True


@contextmanager
def stop_on_signals(*, restore: bool = True) -> Iterator[SignalStop]:
    """A :class:`SignalStop` set by SIGINT/SIGTERM while the block runs.

    With ``restore`` the previous handlers come back afterwards (for a caller that goes on,
    such as a test). A process about to exit passes ``restore=False``: its handlers stay,
    so a signal arriving during the last clean-up only sets the flag again instead of
    raising KeyboardInterrupt into it. Handlers can only be installed from the main
    thread; elsewhere the caller sets the stop itself."""
    stop = SignalStop()
    if threading.current_thread() is not threading.main_thread():
        try:
            yield stop
        finally:
            stop.close()
        return
    previous = {sig: signal.signal(sig, stop.handle) for sig in STOP_SIGNALS}
    previous_fd = signal.set_wakeup_fd(stop.wakeup_fd, warn_on_full_buffer=False)
    try:
        yield stop
    finally:
        if restore:
            signal.set_wakeup_fd(previous_fd)
            for sig, handler in previous.items():
                signal.signal(sig, handler)
            stop.close()
