"""``ip`` from iproute2, and the one way namespaces of ours are taken down."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
from collections.abc import Sequence


def ip(*args: str) -> str:
    """Run ``ip``; a failure raises with ip's own message."""
    done = subprocess.run(["ip", *args], capture_output=True, text=True, timeout=20)
    if done.returncode != 0:
        raise RuntimeError(f"ip {' '.join(args)}: {done.stderr.strip()}")
    return done.stdout


def namespaces() -> list[str]:
    return [line.split()[0] for line in ip("netns", "list").splitlines() if line.strip()]


def take_down(names: Sequence[str], outer_link: str) -> None:
    """Kill whatever still runs in the namespaces (only processes the cluster started live
    there), then delete the outer link and the namespaces; their veths go with them."""
    for name in names:
        with contextlib.suppress(RuntimeError, ValueError):
            for pid in ip("netns", "pids", name).split():
                with contextlib.suppress(ProcessLookupError):
                    os.kill(int(pid), signal.SIGKILL)
    with contextlib.suppress(RuntimeError):
        ip("link", "del", outer_link)
    for name in names:
        with contextlib.suppress(RuntimeError):
            ip("netns", "del", name)
