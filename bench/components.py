"""``python -m bench.components``: what each piece of a list or retrieve request costs,
measured alone, in process, one call at a time (median of 5 rounds, microseconds).

It complements the server-side figures (``python -m bench``'s CPU ms per request) and the
profile (``python -m bench.profile``): a deterministic profiler inflates code made of
many small calls, so the per-piece costs are timed here without one.

    python -m bench.components
    python -m bench.components --database postgresql://postgres@127.0.0.1/selteq_parts
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import secrets
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import anyio
import attrs
from litestar.serialization import encode_json

from selteq_adapters.logs import configure_logging
from selteq_adapters.settings import Settings
from selteq_http.app import create_app
from selteq_http.schemas import TaskOut

from .provision import provision
from .seed import Seeder

ROUNDS = 5


def cpu_timed(call: Callable[[], Any], number: int) -> tuple[float, float]:
    """Median wall and process CPU microseconds per call over ROUNDS rounds."""
    rounds = []
    for _ in range(ROUNDS):
        wall, cpu = time.perf_counter(), time.process_time()
        for _ in range(number):
            call()
        rounds.append(
            (
                (time.perf_counter() - wall) / number * 1e6,
                (time.process_time() - cpu) / number * 1e6,
            )
        )
    return statistics.median(w for w, _ in rounds), statistics.median(c for _, c in rounds)


def atimed(call: Callable[[], Any], number: int) -> tuple[float, float]:
    """For a coroutine function awaited one call at a time on one event loop: median wall
    and process CPU (every thread) microseconds per call."""

    async def rounds() -> list[tuple[float, float]]:
        out = []
        for _ in range(ROUNDS):
            wall, cpu = time.perf_counter(), time.process_time()
            for _ in range(number):
                await call()
            out.append(
                (
                    (time.perf_counter() - wall) / number * 1e6,
                    (time.process_time() - cpu) / number * 1e6,
                )
            )
        return out

    measured = asyncio.run(rounds())
    return statistics.median(w for w, _ in measured), statistics.median(c for _, c in measured)


@contextmanager
def stderr_to_devnull() -> Iterator[None]:
    """The log lines go somewhere cheap but real, as a server's piped stderr would."""
    saved = os.dup(2)
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 2)
    try:
        yield
    finally:
        os.dup2(saved, 2)
        os.close(null)
        os.close(saved)


async def two_tasks() -> None:
    """What Litestar does to resolve two independent dependencies of one handler."""

    async def noop() -> None:
        return None

    async with anyio.create_task_group() as group:
        group.start_soon(noop)
        group.start_soon(noop)


def asgi_get(app: Any, path: str, token: str | None) -> Callable[[], Any]:
    headers = [(b"host", b"bench"), (b"accept", b"application/json")]
    if token:
        headers.append((b"authorization", f"Bearer {token}".encode()))
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": headers,
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
    }

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start" and message["status"] != 200:
            raise RuntimeError(f"GET {path} answered {message['status']}")

    async def call() -> None:
        await app(dict(scope), receive, send)

    return call


def measure(seeder: Seeder, ttl: int) -> list[tuple[str, float, float]]:
    c = seeder.container
    user = seeder.user_ids[0]
    token = seeder.token(user, ttl)
    tasks = c.list_recent_tasks(user)
    task_id = tasks[0].id.value
    parts: list[tuple[str, Callable[[], Any], int]] = [
        ("JWT decode (PyJwtTokenCodec.decode)", lambda: c.codec.decode(token), 5000),
        ("Authenticate (decode + claim checks)", lambda: c.authenticate(token), 5000),
        ("ListRecentTasks (uow + DB round trip)", lambda: c.list_recent_tasks(user), 500),
        ("GetTask (uow + DB round trip)", lambda: c.get_task(user, task_id), 500),
        (
            "JSON: 4 tasks to bytes (msgspec)",
            lambda: encode_json([TaskOut.of(t) for t in tasks]),
            5000,
        ),
        ("request id (uuid4().hex)", lambda: uuid.uuid4().hex, 5000),
    ]
    out = [(label, *cpu_timed(call, number)) for label, call, number in parts]
    noop = lambda: asyncio.get_running_loop().run_in_executor(None, int)  # noqa: E731
    out.append(("thread offload (run_in_executor no-op)", *atimed(noop, 2000)))
    out.append(("anyio task group of 2 no-ops (Litestar: 2 deps)", *atimed(two_tasks, 2000)))
    app = create_app(c)
    configure_logging(c.settings)
    access = logging.getLogger("selteq.http.access")
    line = lambda: access.info("%s %s %d %.1fms", "GET", "/api/tasks/", 200, 1.0)  # noqa: E731
    with stderr_to_devnull():
        out.append(("access log line (format + write)", *cpu_timed(line, 5000)))
        for label, path, auth in (
            ("GET /health/live", "/health/live", None),
            ("GET /api/tasks/", "/api/tasks/", token),
            (f"GET /api/tasks/{task_id}/", f"/api/tasks/{task_id}/", token),
        ):
            out.append((f"ASGI in process: {label}", *atimed(asgi_get(app, path, auth), 500)))
        unbatched = attrs.evolve(c, settings=attrs.evolve(c.settings, list_batch=1))
        alone = asgi_get(create_app(unbatched), "/api/tasks/", token)
        out.append(("ASGI in process: GET /api/tasks/, LIST_BATCH=1", *atimed(alone, 500)))
        logging.disable(logging.INFO)
        quiet = asgi_get(app, "/api/tasks/", token)
        out.append(("ASGI in process: GET /api/tasks/, no logging", *atimed(quiet, 500)))
        logging.disable(logging.NOTSET)
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.components", description=__doc__)
    p.add_argument("--database", metavar="URL", help="postgresql://... (created and dropped)")
    args = p.parse_args(argv)
    workdir = Path(tempfile.mkdtemp(prefix="selteq-bench-parts-"))
    try:
        with provision(args.database, workdir) as db:
            secret = secrets.token_urlsafe(48)
            env = db.server_env
            settings = Settings(
                env=env, database_url=db.url, jwt_secret=secret, access_ttl=3600, db_pool_size=2
            )
            seeder = Seeder(settings, 100, secrets.token_urlsafe(12))
            try:
                seeder.prepare()
                seeder.grow_to(10_000)
                results = measure(seeder, 3600)
            finally:
                seeder.close()
            version = db.version()
        print(f"{db.engine} ({version}), one call at a time, median of {ROUNDS} rounds")
        print(f"{'':<48}{'wall us':>10}{'CPU us':>10}")
        for label, wall, cpu in results:
            print(f"{label:<48}{wall:>10.1f}{cpu:>10.1f}")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
