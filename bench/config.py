"""What one benchmark run does: sizes, durations and load, in full or smoke mode."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

import attrs

FULL_USERS = 1_000
FULL_TASKS = 200_000
SMOKE_USERS = 20
SMOKE_TASKS = 2_000


@attrs.frozen
class Config:
    """One run's plan. ``database`` is a server URL, or None for a temporary SQLite file."""

    smoke: bool
    database: str | None
    users: int
    tasks: int
    duration: float
    warmup: float
    connections: int
    threads: int
    workers: int
    watch_sizes: tuple[int, int] | None
    scale_sizes: tuple[int, int] | None
    scenarios: bool
    json_out: Path | None
    keep: bool
    fail_on_miss: bool
    server: str = "granian"
    repeat: int = 1

    @property
    def sizes(self) -> list[int]:
        """Every table size the main database visits, smallest first: it only grows. The
        scale check's small table is a second database of its own (``small_size``)."""
        wanted = {self.tasks} if self.scenarios else set()
        wanted.update(self.watch_sizes or ())
        if self.scale_sizes:
            wanted.add(self.scale_sizes[1])
        return sorted(wanted)

    @property
    def small_size(self) -> int | None:
        """The scale check's small table, measured in turn with the large one."""
        return self.scale_sizes[0] if self.scale_sizes else None


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m bench",
        description="Seed a database, start the production server and load it with wrk.",
    )
    p.add_argument("--smoke", action="store_true", help="seconds per scenario, tiny seed, SQLite")
    p.add_argument("--database", metavar="URL", help="postgresql://... (created and dropped)")
    p.add_argument("--users", type=int, help=f"seeded users (default {FULL_USERS:,})")
    p.add_argument("--tasks", type=int, help=f"seeded tasks (default {FULL_TASKS:,})")
    p.add_argument("--duration", type=float, help="seconds per scenario (default 15; smoke 2)")
    p.add_argument(
        "--repeat", type=int, default=1, help="runs per scenario; the median one is reported"
    )
    p.add_argument("--connections", type=int, default=32, help="wrk connections (default 32)")
    p.add_argument("--threads", type=int, default=1, help="wrk threads (default 1)")
    p.add_argument("--workers", type=int, default=os.cpu_count() or 2, help="server processes")
    p.add_argument("--scale-check", action="store_true", help="only compare list latency by size")
    p.add_argument("--scale-tasks", type=int, help="the large size (default 10,000,000)")
    p.add_argument("--watch-tasks", type=int, help="the watcher's large size (default 1,000,000)")
    p.add_argument("--no-scale", action="store_true", help="skip the table-size comparison")
    p.add_argument("--no-watch", action="store_true", help="skip the watcher's memory check")
    p.add_argument(
        "--server",
        choices=("granian", "uvicorn"),
        default="granian",
        help="granian (selteq-api, the default) or uvicorn with the same factory, to compare",
    )
    p.add_argument("--json-out", type=Path, help="file or directory (default var/bench/)")
    p.add_argument("--keep", action="store_true", help="keep the database and temp files")
    p.add_argument("--fail-on-miss", action="store_true", help="exit 1 when a target is missed")
    return p


def from_args(argv: list[str] | None = None) -> Config:
    args = parser().parse_args(argv)
    smoke: bool = args.smoke
    tasks = args.tasks or (SMOKE_TASKS if smoke else FULL_TASKS)
    users = args.users or (SMOKE_USERS if smoke else FULL_USERS)
    if not 1 <= users <= tasks:
        parser().error("need 1 <= --users <= --tasks (every user owns a task)")
    duration = args.duration or (2.0 if smoke else 15.0)
    small = max(users, 200 if smoke else 1_000)
    watch = (
        None
        if args.no_watch or args.scale_check
        else (small, args.watch_tasks or (tasks if smoke else 1_000_000))
    )
    scale_small = max(users, 200 if smoke else 10_000)
    scale = (
        None
        if args.no_scale
        else (scale_small, args.scale_tasks or (tasks if smoke else 10_000_000))
    )
    return Config(
        smoke=smoke,
        database=args.database,
        users=users,
        tasks=tasks,
        duration=duration,
        warmup=0.0 if smoke else min(5.0, duration / 3),
        connections=args.connections,
        threads=args.threads,
        workers=args.workers,
        watch_sizes=watch,
        scale_sizes=scale,
        scenarios=not args.scale_check,
        json_out=args.json_out,
        keep=args.keep,
        fail_on_miss=args.fail_on_miss,
        server=args.server,
        repeat=max(1, args.repeat),
    )
