"""The embedded default works without unixODBC: pyodbc is never imported for a sqlite URL."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

PROGRAM = """
import sys
import selteq_adapters.container
from selteq_adapters.db import open_database
database = open_database(sys.argv[1])
database.migrate()
database.ping()
database.close()
print("pyodbc" in sys.modules)
"""


def test_a_sqlite_database_runs_without_loading_pyodbc(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'laptop' / 'selteq.db'}"
    done = subprocess.run(
        [sys.executable, "-c", PROGRAM, url], capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "False"
    assert (tmp_path / "laptop" / "selteq.db").is_file()
