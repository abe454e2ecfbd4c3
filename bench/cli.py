"""``python -m bench``: seed, serve, load, write the JSON; ``--render`` writes the markdown."""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import signal
import sys
import tempfile
import time
from contextlib import ExitStack
from datetime import UTC, datetime
from pathlib import Path
from types import FrameType
from typing import Any

from .config import Config, from_args
from .database import provision
from .report import markdown, newest_full_run, scale_table, scenario_table, write_json
from .runner import Run, log
from .server import Build, build_at, current_build, worktree
from .wrk import wrk_path

RESULTS = Path("var/bench")
_PASSWORD = re.compile(r"://([^:/@]*):[^@/]*@")


def _terminate(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)


def _builds(config: Config, stack: ExitStack) -> list[Build]:
    builds = [current_build()]
    if config.against:
        builds.append(build_at(config.against))
    if config.compare:
        log(f"building {config.compare} in a git worktree")
        builds.append(build_at(str(stack.enter_context(worktree(config.compare)))))
    return builds


def _measure(config: Config, run: Run, meta: dict[str, Any]) -> None:
    with ExitStack() as stack:
        builds = _builds(config, stack)
        db = stack.enter_context(provision(config.database, run.workdir))
        meta.update(engine=db.version(), workers=1 if db.engine == "sqlite" else config.workers)
        run.seed(db, builds, config.tasks)
        workers = 1 if db.engine == "sqlite" else config.workers
        with run.serving([(db, build) for build in builds]) as servers:
            floor = stack.enter_context(run.floor(builds[0], workers))
            run.write_fixtures(servers[0], db)
            run.scenarios(servers, db, floor)
        if config.scale:
            small_size, large_size = config.scale
            small = stack.enter_context(provision(config.database, run.workdir, "_small"))
            run.seed(small, builds[:1], small_size)
            db.grow_to(large_size)
            log(f"grew the table to {large_size:,} tasks")
            run.compare_sizes(small, db, builds[0])


def _redacted(argv: list[str]) -> list[str]:
    """The run's flags with any password taken out of a database URL."""
    return [_PASSWORD.sub(r"://\1:***@", arg) for arg in argv]


def render(config: Config) -> int:
    source = newest_full_run(RESULTS) if config.render == Path() else config.render
    assert source is not None
    config.out.parent.mkdir(parents=True, exist_ok=True)
    also = [json.loads(path.read_text()) for path in config.also]
    config.out.write_text(markdown(json.loads(source.read_text()), also))
    log(f"wrote {config.out} from {', '.join(map(str, [source, *config.also]))}")
    return 0


def main(argv: list[str] | None = None) -> int:
    signal.signal(signal.SIGTERM, _terminate)
    argv = sys.argv[1:] if argv is None else argv
    config = from_args(argv)
    if config.render is not None:
        return render(config)
    if wrk_path() is None:
        log("wrk is not installed (Debian: apt-get install wrk)")
        return 2
    started = datetime.now(UTC)
    meta: dict[str, Any] = {
        "mode": "smoke" if config.smoke else "full",
        "argv": _redacted(argv),
        "cpus": os.cpu_count(),
        **{k: getattr(config, k) for k in ("users", "tasks", "logins", "connections", "threads")},
        **{"repeat": config.repeat, "duration_s": config.duration, "workers": config.workers},
        "engine": "not reached",
        "builds": ["current"] + (["before"] if config.against or config.compare else []),
    }
    workdir = Path(tempfile.mkdtemp(prefix="selteq-bench-"))
    run = Run(config, workdir, secrets.token_urlsafe(48), secrets.token_urlsafe(12))
    t0 = time.perf_counter()
    try:
        _measure(config, run, meta)
    except (RuntimeError, OSError) as error:
        run.failures.append(f"run aborted: {error}")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    report = {**meta, "seconds": round(time.perf_counter() - t0, 1)}
    report.update(runs=run.runs, scale=run.scale, failures=run.failures, ok=not run.failures)
    print("\n".join([*scenario_table(report), "", *scale_table(report)]))
    for failure in run.failures:
        print(f"FAIL  {failure}")
    stamp = started.strftime("%Y%m%dT%H%M%SZ")
    path = write_json(report, config.json_out or RESULTS / f"{meta['mode']}-{stamp}.json")
    log(f"wrote {path}")
    return 1 if run.failures else 0
