"""``python -m bench.whatif``: the list route as shipped beside variants of it, each under
the same wrk load on a real Granian server, to measure a change before anyone makes it.

Variants (``SELTEQ_BENCH_VARIANT`` picks one in the worker's factory, :func:`create`):

- ``selteq``: ``selteq_http.asgi:create``, unchanged;
- ``selteq-threads``: the same with ``SELTEQ_INLINE_READS=0`` (every read in a thread);
- ``selteq-batch<N>``: the same with ``SELTEQ_LIST_BATCH=N`` (``selteq-batch1``: one query
  per list request, no batching);
- ``selteq-thawed``: the same without ``gc.freeze`` at start-up (``selteq_http.asgi.build``);
  the options combine: ``selteq-batch16-thawed``;
- ``one-dep``: the same handler in a thread, but one dependency instead of two, so Litestar
  resolves it without an anyio task group per request;
- ``inline``: one dependency and ``sync_to_thread=False``: the short database call blocks
  the event loop instead of a hop to the executor and back;
- ``inline-nolog``: ``inline`` without the access-log wrapper.

    python -m bench.whatif --seconds 10 [--database postgresql://...] [--workers 2]
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from litestar import Litestar, Request, Router, get
from litestar.connection import ASGIConnection
from litestar.middleware import AbstractAuthenticationMiddleware, AuthenticationResult

from selteq_adapters.container import bootstrap
from selteq_adapters.logs import configure_logging
from selteq_adapters.settings import Settings
from selteq_core import AuthenticationFailed, UserId
from selteq_http.asgi import build as selteq_build
from selteq_http.asgi import create as selteq_create
from selteq_http.context import RequestContext
from selteq_http.problems import EXCEPTION_HANDLERS
from selteq_http.schemas import TaskOut

from .memory import tree_cpu, wait_idle
from .provision import provision
from .seed import seed_for_load
from .server import Server, ServerSpec
from .wrk import Wrk

VARIANTS = ("selteq", "selteq-threads", "selteq-batch1", "one-dep", "inline", "inline-nolog")
ROOT = Path(__file__).resolve().parent.parent
TTL = 86_400


def _bearer(authenticate: Callable[[str], UserId]) -> type[AbstractAuthenticationMiddleware]:
    """The shipped bearer check's logic, with the container's Authenticate bound in."""

    class Bearer(AbstractAuthenticationMiddleware):
        async def authenticate_request(
            self, connection: ASGIConnection[Any, Any, Any, Any]
        ) -> AuthenticationResult:
            scheme, _, token = connection.headers.get("authorization", "").partition(" ")
            if scheme.lower() != "bearer" or not token.strip():
                raise AuthenticationFailed("a bearer token is required")
            return AuthenticationResult(user=authenticate(token.strip()).value, auth=None)

    return Bearer


def _variant_app(name: str) -> Litestar:
    settings = Settings.from_env()
    configure_logging(settings)
    container = bootstrap(settings)

    @get("/", sync_to_thread=name == "one-dep")
    def list_tasks(request: Request[int, Any, Any]) -> list[TaskOut]:
        return [TaskOut.of(task) for task in container.list_recent_tasks(request.user)]

    router = Router(
        path="/api/tasks",
        route_handlers=[list_tasks],
        middleware=[_bearer(container.authenticate)],
    )

    @get(["/health/live", "/health/ready"])
    async def health() -> dict[str, str]:
        return {"status": "ok"}

    app = Litestar(
        route_handlers=[router, health],
        exception_handlers=EXCEPTION_HANDLERS,
        logging_config=None,
        on_shutdown=[container.close],
    )
    if name != "inline-nolog":
        app.asgi_handler = RequestContext(app.asgi_handler)
    return app


def create() -> Litestar:
    """The ASGI factory Granian loads in each worker."""
    name = os.environ.get("SELTEQ_BENCH_VARIANT", "selteq")
    if name.startswith("selteq"):
        return selteq_build() if "thawed" in name.split("-") else selteq_create()
    return _variant_app(name)


def variant_env(name: str) -> dict[str, str]:
    """The server environment a variant name asks for: ``selteq`` options joined by ``-``."""
    extra = {"SELTEQ_BENCH_VARIANT": name, "PYTHONPATH": str(ROOT)}
    if not name.startswith("selteq"):
        if name not in VARIANTS:
            raise SystemExit(f"unknown variant {name!r}")
        return extra
    for option in name.split("-")[1:]:
        if option == "threads":
            extra["SELTEQ_INLINE_READS"] = "0"
        elif option.startswith("batch") and option.removeprefix("batch").isdigit():
            extra["SELTEQ_LIST_BATCH"] = option.removeprefix("batch")
        elif option != "thawed":
            raise SystemExit(f"unknown option {option!r} in variant {name!r}")
    return extra


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.whatif", description=__doc__)
    p.add_argument("--seconds", type=float, default=10.0)
    p.add_argument("--database", metavar="URL", help="postgresql://... (created and dropped)")
    p.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    p.add_argument("--variants", default=",".join(VARIANTS))
    args = p.parse_args(argv)
    names = args.variants.split(",")
    for name in names:
        variant_env(name)  # a typo stops here, not after the seed
    workdir = Path(tempfile.mkdtemp(prefix="selteq-bench-whatif-"))
    try:
        with provision(args.database, workdir) as db:
            env = db.server_env
            secret = secrets.token_urlsafe(48)
            settings = Settings(env=env, database_url=db.url, jwt_secret=secret, access_ttl=TTL)
            fixtures = workdir / "fixtures.tsv"
            password = seed_for_load(settings, db, 1_000, 20_000, fixtures, TTL)
            print(
                f"list, {args.workers} worker(s), {db.engine}, wrk -t1 -c32 -d{args.seconds:.0f}s"
            )
            for name in names:
                extra = variant_env(name)
                spec = ServerSpec(
                    db.url,
                    env,
                    args.workers,
                    secret,
                    workdir,
                    TTL,
                    target="bench.whatif:create",
                    extra_env=extra,
                )
                with Server(spec, log_name=f"whatif-{name}.log") as server:
                    wait_idle(server.pid, 60)
                    wrk = Wrk(server.base_url, fixtures, password, 32, 1)
                    wrk.run("list", 2)
                    wait_idle(server.pid, 60)
                    cpu = tree_cpu(server.pid)
                    r = wrk.run("list", args.seconds)
                    cpu = tree_cpu(server.pid) - cpu
                print(
                    f"{name:<22}{r.rps:>8,.0f} req/s  p50 {r.p50_ms:6.2f} ms  "
                    f"p99 {r.p99_ms:6.2f} ms  CPU {1000 * cpu / max(r.requests, 1):.3f} ms/req"
                    f"  failures {r.failures}"
                )
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
