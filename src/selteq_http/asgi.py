"""ASGI factory for servers that start their own worker processes.

``granian --interface asgi --factory selteq_http.asgi:create`` (what ``selteq-api`` runs) or
``uvicorn --factory selteq_http.asgi:create``: each worker reads the environment and builds
its own container; nothing happens at import.
"""

from __future__ import annotations

from litestar import Litestar

from selteq_adapters.container import bootstrap
from selteq_adapters.settings import Settings

from .app import create_app
from .logs import configure_logging


def create() -> Litestar:
    """The app for this worker. Without Redis, a single server process also runs the
    minute job (``Settings.embedded_jobs``)."""
    settings = Settings.from_env()
    configure_logging(settings.log_level)
    return create_app(bootstrap(settings), background_jobs=settings.embedded_jobs)
