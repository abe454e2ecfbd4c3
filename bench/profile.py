"""``python -m bench.profile``: where a route's time goes inside a server worker.

It seeds a database like the benchmark, starts Granian with one worker (or more) on
:mod:`bench.profile_app` (Selteq's factory plus a stack sampler), loads one route with wrk,
stops the server and prints the worker's CPU per answered request by layer (see
:mod:`bench.threadprof` for how every thread is profiled).

    python -m bench.profile --route list --seconds 10
    python -m bench.profile --route retrieve --database postgresql://postgres@127.0.0.1/selteq_prof
"""

from __future__ import annotations

import argparse
import secrets
import shutil
import sys
import tempfile
from pathlib import Path

from selteq_adapters.settings import Settings

from .memory import tree_cpu, wait_idle
from .profile_report import load, render
from .provision import provision
from .seed import seed_for_load
from .server import Server, ServerSpec
from .wrk import Wrk

ROOT = Path(__file__).resolve().parent.parent
TTL = 86_400


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m bench.profile", description=__doc__)
    p.add_argument("--route", default="list", help="a bench/lua scenario: list, retrieve, ...")
    p.add_argument("--seconds", type=float, default=10.0)
    p.add_argument("--database", metavar="URL", help="postgresql://... (created and dropped)")
    p.add_argument("--users", type=int, default=1_000)
    p.add_argument("--tasks", type=int, default=20_000)
    p.add_argument("--workers", type=int, default=1)
    p.add_argument("--connections", type=int, default=32)
    p.add_argument("--pool-size", type=int, help="SELTEQ_DB_POOL_SIZE for the server")
    return p


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    workdir = Path(tempfile.mkdtemp(prefix="selteq-bench-profile-"))
    try:
        with provision(args.database, workdir) as db:
            env = db.server_env
            secret = secrets.token_urlsafe(48)
            extra = {"SELTEQ_BENCH_PROFILE": str(workdir / "profile"), "PYTHONPATH": str(ROOT)}
            if args.pool_size:
                extra["SELTEQ_DB_POOL_SIZE"] = str(args.pool_size)
            spec = ServerSpec(
                db.url,
                env,
                args.workers,
                secret,
                workdir,
                TTL,
                target="bench.profile_app:create",
                extra_env=extra,
            )
            settings = Settings(env=env, database_url=db.url, jwt_secret=secret, access_ttl=TTL)
            fixtures = workdir / "fixtures.tsv"
            password = seed_for_load(settings, db, args.users, args.tasks, fixtures, TTL)
            with Server(spec) as server:
                wait_idle(server.pid, 60)
                wrk = Wrk(server.base_url, fixtures, password, args.connections, 1)
                cpu = tree_cpu(server.pid)
                result = wrk.run(args.route, args.seconds)
                cpu = tree_cpu(server.pid) - cpu
            files = sorted(workdir.glob("profile.*.pstats"))
            if not files:
                print("bench.profile: the worker wrote no profile", file=sys.stderr)
                return 1
            print(
                f"{args.route}: {result.rps:,.0f} req/s, p50 {result.p50_ms:.2f} ms, "
                f"p99 {result.p99_ms:.2f} ms, {result.failures} failures, "
                f"server CPU {1000 * cpu / max(result.requests, 1):.3f} ms/req "
                f"({args.workers} worker(s), {db.engine}, sampled with the worker's load)"
            )
            print(render(load(files), result.requests))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
