"""The flags of ``python -m bench`` and the plan of one run they make."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

import attrs

SCENARIOS = ("floor", "health", "list", "retrieve", "create", "rename", "login", "mixed")


@attrs.frozen
class Config:
    """One run's plan. ``database`` is a PostgreSQL or SQL Server URL, or None for a
    temporary SQLite file;
    ``scale`` the small and the large table of the size comparison, or None."""

    smoke: bool
    database: str | None
    users: int
    tasks: int
    logins: int
    duration: float
    connections: int
    threads: int
    workers: int
    redis: str
    repeat: int
    scale: tuple[int, int] | None
    against: str | None
    compare: str | None
    json_out: Path | None
    render: Path | None
    also: tuple[Path, ...]
    out: Path

    @property
    def warmup(self) -> float:
        return 0.0 if self.smoke else min(5.0, self.duration / 3)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m bench",
        description="Seed a database, start selteq-api and load it with wrk; or, with"
        " --render, rewrite docs/performance.md from a run's JSON.",
    )
    p.add_argument("--smoke", action="store_true", help="seconds a scenario, tiny seed")
    p.add_argument(
        "--database",
        metavar="URL",
        help="postgresql://... or mssql://...: a database named after its own plus _bench"
        " is created, then dropped (quote a URL with & for the shell)",
    )
    p.add_argument("--users", type=int, help="seeded users (default 1,000; smoke 20)")
    p.add_argument("--tasks", type=int, help="seeded tasks (default 200,000; smoke 2,000)")
    p.add_argument("--logins", type=int, help="users logged in for the load (default 100)")
    p.add_argument("--duration", type=float, help="seconds a scenario (default 15; smoke 2)")
    p.add_argument("--repeat", type=int, default=1, help="runs a scenario; the median counts")
    p.add_argument("--connections", type=int, default=32, help="wrk connections (default 32)")
    p.add_argument("--threads", type=int, default=1, help="wrk threads (default 1)")
    p.add_argument("--workers", type=int, default=os.cpu_count() or 2, help="server processes")
    p.add_argument(
        "--redis",
        default="redis://127.0.0.1:6379/13",
        help="the servers' Redis on a server database (production refuses several workers"
        " without one)",
    )
    p.add_argument("--scale", action="store_true", help="also the list at 10,000 vs 10M tasks")
    p.add_argument("--scale-tasks", type=int, help="the comparison's large table (default 10M)")
    before = p.add_mutually_exclusive_group()
    before.add_argument("--against", metavar="PATH", help="a python or checkout to compare")
    before.add_argument("--compare", metavar="REV", help="a second build: a git worktree of REV")
    p.add_argument("--json-out", type=Path, help="the JSON file (default var/bench/<time>.json)")
    p.add_argument(
        "--render",
        type=Path,
        nargs="?",
        const=Path(),
        metavar="JSON",
        help="write the markdown"
        " from this JSON (default: the newest full run in var/bench/) and exit",
    )
    p.add_argument(
        "--also",
        type=Path,
        action="append",
        default=[],
        metavar="JSON",
        help="for --render: another engine's run, a section of its own after the first",
    )
    p.add_argument("--out", type=Path, default=Path("docs/performance.md"), help="for --render")
    return p


def from_args(argv: list[str] | None = None) -> Config:
    p = parser()
    args = p.parse_args(argv)
    smoke: bool = args.smoke
    tasks = args.tasks or (2_000 if smoke else 200_000)
    users = args.users or (20 if smoke else 1_000)
    if not 1 <= users <= tasks:
        p.error("need 1 <= --users <= --tasks (every user owns a task)")
    duration = args.duration or (2.0 if smoke else 15.0)
    small = max(users, 200 if smoke else 10_000)
    large = args.scale_tasks or (2 * tasks if smoke else 10_000_000)
    if args.scale and not small < large >= tasks:
        p.error("the size comparison's large table must be at least --tasks, above the small")
    return Config(
        smoke=smoke,
        database=args.database,
        users=users,
        tasks=tasks,
        logins=min(users, args.logins or 100),
        duration=duration,
        connections=args.connections,
        threads=args.threads,
        workers=args.workers,
        redis=args.redis,
        repeat=max(1, args.repeat),
        scale=(small, large) if args.scale else None,
        against=args.against,
        compare=args.compare,
        json_out=args.json_out,
        render=args.render,
        also=tuple(args.also),
        out=args.out,
    )
