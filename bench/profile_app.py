"""The ASGI factory the profiler points Granian at: Selteq's own factory, plus a profiler
in every thread of the worker, written to ``$SELTEQ_BENCH_PROFILE.<pid>.<thread>.pstats`` when the
app shuts down. Nothing else about the app changes."""

from __future__ import annotations

import os

from litestar import Litestar

from selteq_http.asgi import create as selteq_create

from .threadprof import ThreadProfiler


def create() -> Litestar:
    app = selteq_create()
    profiler = ThreadProfiler()
    out = f"{os.environ['SELTEQ_BENCH_PROFILE']}.{os.getpid()}"
    app.on_startup.append(profiler.start)
    app.on_shutdown.append(lambda: profiler.dump(out))
    return app
