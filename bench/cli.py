"""``python -m bench``: plan the sizes, seed, run every step, print and save the verdict.

The database only grows: the run visits its sizes smallest first (the watcher's small
table, the main table, the large ones) and seeds each step's difference, so 10 million
rows are inserted once, not once per comparison. The scale check's small table is a
second database (``<name>_small``), seeded first and kept, so that at the large size the
two are measured in turns rather than minutes apart.
"""

from __future__ import annotations

import secrets
import shlex
import shutil
import signal
import sys
import tempfile
import time
from contextlib import ExitStack, closing
from datetime import UTC, datetime
from pathlib import Path
from types import FrameType

import attrs

from selteq_adapters.settings import Settings, redact_url

from .config import Config, from_args
from .machine import busy_warning, describe
from .provision import BenchDatabase, provision
from .report import render, targets, write_json
from .results import Report
from .seed import Seeder
from .server import ServerSpec, leftovers
from .steps import Step
from .wrk import wrk_path

ACCESS_TTL = 86_400


def _terminate(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)


def _log(message: str) -> None:
    print(f"bench: {message}", file=sys.stderr, flush=True)


def _run(
    config: Config, db: BenchDatabase, small_db: BenchDatabase | None, workdir: Path, report: Report
) -> None:
    secret = secrets.token_urlsafe(48)
    env = db.server_env
    spec = ServerSpec(db.url, env, config.workers, secret, workdir, ACCESS_TTL, config.server)
    password = secrets.token_urlsafe(12)
    report.meta["server"] = {
        "env": env,
        "workers": config.workers,
        "command": " ".join(spec.argv(0)).replace(str(Path(sys.executable).parent) + "/", ""),
    }
    with ExitStack() as stack:
        seeder = stack.enter_context(closing(_seeder(config, db, secret, password)))
        seeder.prepare()
        step = Step(config, db, seeder, spec, report)
        small = None
        if small_db is not None and config.small_size is not None:
            small_seeder = stack.enter_context(closing(_seeder(config, small_db, secret, password)))
            small_seeder.prepare()
            small_seeder.grow_to(config.small_size)
            small_db.settle()
            small_spec = attrs.evolve(spec, database_url=small_db.url)
            small = Step(config, small_db, small_seeder, small_spec, report)
        for size in config.sizes:
            seeder.grow_to(size)
            settled = db.settle()
            _log(
                f"{size:,} tasks seeded ({seeder.seconds:.1f} s seeding so far,"
                f" {settled:.1f} s VACUUM ANALYZE and CHECKPOINT)"
            )
            if config.watch_sizes and size in config.watch_sizes:
                step.watch()
            if config.scenarios and size == config.tasks:
                step.scenarios()
            if small is not None and config.scale_sizes and size == config.scale_sizes[1]:
                step.compare_sizes(small)
        report.meta["seed_seconds"] = round(seeder.seconds, 1)


def _seeder(config: Config, db: BenchDatabase, secret: str, password: str) -> Seeder:
    settings = Settings(
        env=db.server_env,
        database_url=db.url,
        jwt_secret=secret,
        access_ttl=ACCESS_TTL,
        db_pool_size=2,
    )
    return Seeder(settings, config.users, password)


def _check_clean(report: Report, workdir: Path, *, keep: bool) -> None:
    """No server process may outlive the run, nor (unless kept) its temporary directory."""
    left = leftovers(report.processes)
    report.meta["workdir"] = str(workdir)
    report.meta["server_processes"] = {str(pid): t for pid, t in report.processes.items()}
    if left:
        report.failures.append(f"server processes still running: {left}")
    if not keep and workdir.exists():
        report.failures.append(f"temporary directory left behind: {workdir}")


def main(argv: list[str] | None = None) -> int:
    signal.signal(signal.SIGTERM, _terminate)
    config = from_args(argv)
    if wrk_path() is None:
        _log("wrk is not installed (Debian: apt-get install wrk)")
        return 2
    started = datetime.now(UTC)
    workdir = Path(tempfile.mkdtemp(prefix="selteq-bench-"))
    report = Report(
        meta={
            "started_at": started.isoformat(timespec="seconds").replace("+00:00", "Z"),
            "command": "python -m bench " + shlex.join(argv if argv is not None else sys.argv[1:]),
            "mode": "smoke" if config.smoke else "full",
            "users": config.users,
            "tasks": config.tasks,
            "duration_s": config.duration,
            "connections": config.connections,
            "threads": config.threads,
            "repeat": config.repeat,
        }
    )
    t0 = time.perf_counter()
    try:
        with ExitStack() as stack:
            db = stack.enter_context(provision(config.database, workdir, keep=config.keep))
            small_db = None
            if config.small_size is not None:
                small_db = stack.enter_context(
                    provision(config.database, workdir, keep=config.keep, suffix="_small")
                )
            report.meta["database"] = {"engine": db.engine, "url": redact_url(db.url)}
            if small_db is not None:
                report.meta["database"]["small_url"] = redact_url(small_db.url)
            report.meta["machine"] = describe(db.version())
            warning = busy_warning()
            if warning:
                report.meta["warning"] = warning
                _log(warning)
            _run(config, db, small_db, workdir, report)
    except (RuntimeError, OSError) as error:
        report.failures.append(f"run aborted: {error}")
    finally:
        if config.keep:
            _log(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    _check_clean(report, workdir, keep=config.keep)
    report.meta["seconds"] = round(time.perf_counter() - t0, 1)
    print(render(report))
    if "warning" in report.meta:
        print(f"NOTE  {report.meta['warning']}")
    stamp = started.strftime("%Y%m%dT%H%M%SZ")
    out = config.json_out or Path("var/bench")
    path = write_json(report, out / f"{stamp}.json" if out.is_dir() or not out.suffix else out)
    _log(f"wrote {path}")
    if report.failures:
        return 1
    missed = any(t.met is False for t in targets(report))
    return 1 if config.fail_on_miss and missed else 0
