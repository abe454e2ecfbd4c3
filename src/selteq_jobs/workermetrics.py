"""Dramatiq's own Prometheus middleware for the worker (SELTEQ_METRICS).

Dramatiq's worker processes write their figures as prometheus_client multiprocess files in
``dramatiq_prom_db`` (default ``$TMPDIR/dramatiq-prometheus``), and a process the Dramatiq
CLI forks serves them all on ``dramatiq_prom_host``:``dramatiq_prom_port`` (default
0.0.0.0:9191); those three are Dramatiq's own environment variables. This module must run
before anything imports prometheus_client in the worker: the library decides on first
import whether its values go to files, and the container's pool metrics should land in the
same directory. Hence no prometheus_client import here.
"""

from __future__ import annotations

import os

from dramatiq.middleware.prometheus import DB_PATH, Prometheus


def worker_prometheus() -> Prometheus:
    """The middleware, with prometheus_client pointed at Dramatiq's directory of files."""
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = DB_PATH
    return Prometheus()
