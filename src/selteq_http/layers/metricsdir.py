"""Where the API's server workers keep their metric files (prometheus_client's multiprocess
mode). Apart from metrics.py because it must run before anything imports prometheus_client:
the library picks in-memory or file-backed values when it is first imported, and a worker
forked from a parent that chose in memory would never write a file.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"


def prepare_multiprocess() -> Path:
    """A fresh directory for this server start's metric files, named in the environment the
    workers inherit and removed when the server exits, so no count from an earlier start is
    summed into this one. A directory named by the operator is not used: it may hold files
    of another start, and the server removes its own when it stops."""
    directory = Path(tempfile.mkdtemp(prefix="selteq-metrics-"))
    os.environ[MULTIPROC_ENV] = str(directory)
    atexit.register(shutil.rmtree, directory, ignore_errors=True)
    return directory
