"""SIGINT and SIGTERM as a request to stop, for the long-running job processes.

A Python signal handler runs on the main thread between two bytecodes, possibly while
that thread holds a lock: ``threading.Event.set()`` from a handler deadlocks when the
main thread is inside ``Event.wait()`` (the Event's own lock). So the handler here takes
no lock: it stores a flag and writes one byte to a pipe, and the main thread waits on the
pipe with ``select``, which a signal always wakes. However many signals arrive, and
whenever, each only repeats those two steps.
"""

from __future__ import annotations

import contextlib
import os
import select
import signal
import threading
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
        self._read, self._write = os.pipe()
        os.set_blocking(self._read, False)
        os.set_blocking(self._write, False)

    def set(self) -> None:
        self._requested = True
        with contextlib.suppress(OSError):  # a full pipe already wakes the waiter
            os.write(self._write, b"\0")

    def is_set(self) -> bool:
        return self._requested

    def wait(self, timeout: float | None = None) -> bool:
        """True once stopped; False when ``timeout`` seconds passed first."""
        if not self._requested:
            select.select([self._read], [], [], timeout)
        return self._requested

    def close(self) -> None:
        os.close(self._read)
        os.close(self._write)

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        self.set()


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
    previous = {sig: signal.signal(sig, stop._handle) for sig in STOP_SIGNALS}
    try:
        yield stop
    finally:
        if restore:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
            stop.close()
