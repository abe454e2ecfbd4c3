"""A record per running cluster, so a run killed before its teardown is cleaned by the next.

Each run writes its tag, its process id and its folder under RUNS; a record whose process is
gone names namespaces, a link and a folder that nothing will ever take down otherwise.
"""

from __future__ import annotations

import contextlib
import shutil
from pathlib import Path

from .iproute import namespaces, take_down

RUNS = Path("/tmp/selteq-cluster-runs")


def remember(tag: str, pid: int, workdir: Path) -> None:
    RUNS.mkdir(exist_ok=True)
    (RUNS / tag).write_text(f"{pid}\n{workdir}\n")


def forget(tag: str) -> None:
    (RUNS / tag).unlink(missing_ok=True)


def sweep() -> list[str]:
    """Take down every recorded cluster whose run has died; the tags swept."""
    swept = []
    for record in sorted(RUNS.glob("*")) if RUNS.exists() else []:
        with contextlib.suppress(OSError, ValueError):
            pid, workdir = record.read_text().split("\n")[:2]
            if Path(f"/proc/{int(pid)}").exists():
                continue
            ours = [n for n in namespaces() if n.startswith(f"sq{record.name}-")]
            take_down(ours, f"sq{record.name}r")
            if workdir.startswith("/tmp/selteq-cluster-"):
                shutil.rmtree(workdir, ignore_errors=True)
            record.unlink()
            swept.append(record.name)
    return swept
