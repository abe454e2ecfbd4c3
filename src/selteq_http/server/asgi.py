"""ASGI factory for servers that start their own worker processes.

``granian --interface asgi --factory selteq_http.server.asgi:create`` (what ``selteq-api`` runs) or
``uvicorn --factory selteq_http.server.asgi:create``: each worker reads the environment and builds
its own container; nothing happens at import.
"""

from __future__ import annotations

import gc

from litestar import Litestar

from selteq_adapters.container import Settings, bootstrap, configure_logging
from selteq_http.server.app import create_app


def create() -> Litestar:
    """The app for this worker, its heap settled (:func:`settle_heap`)."""
    app = build()
    settle_heap()
    return app


def build() -> Litestar:
    """The app from the environment. Without Redis, a single server process also runs the
    minute job (``Settings.embedded_jobs``). ``selteq-api`` has checked the settings and
    warned about unknown variables already, so a worker does not repeat it."""
    settings = Settings.from_env()
    configure_logging(settings)
    return create_app(bootstrap(settings), background_jobs=settings.embedded_jobs)


def settle_heap() -> None:
    """Move what the worker has built so far (modules, the app, its routes and OpenAPI
    schema, the container: tens of thousands of objects) out of the garbage collector's sight.

    They live as long as the process, yet every full collection walked all of them, and
    those pauses set the list's tail latency (docs/decisions/0008-freeze-startup-heap.md).
    ``gc.freeze`` puts them in the
    permanent generation; reference counting still frees them, only the cycle detector
    skips them. Garbage is collected first so none of it is kept for good. Called once per
    worker process, from :func:`create` only: an app built in a test is not frozen."""
    gc.collect()
    gc.freeze()
