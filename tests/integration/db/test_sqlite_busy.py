"""A new SQLite file opened while another connection holds its write lock.

SQLite's switch into WAL answers "database is locked" at once, without waiting on its busy
handler, so opening a connection next to a running migration used to fail (CI saw it when
four processes migrated one new file together). Setup now waits, bounded by the busy timeout.
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

from selteq_adapters.db import open_database
from tests.integration.db.engines import sqlite_odbc_url, sqlite_url


def hold_write_lock(path: Path, seconds: float) -> threading.Thread:
    """Another connection takes the write lock on a new file and keeps it for ``seconds``."""
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("CREATE TABLE other_work (x INTEGER)")
    release = threading.Timer(seconds, lambda: (holder.execute("COMMIT"), holder.close()))
    release.start()
    return release


@pytest.mark.parametrize("engine", ["sqlite3", "sqlite-odbc"])
def test_a_connection_opened_under_a_held_lock_waits_for_it(tmp_path: Path, engine: str) -> None:
    url = sqlite_odbc_url(tmp_path) if engine == "sqlite-odbc" else sqlite_url(tmp_path)
    path = tmp_path / "selteq.db"
    # Without the wait, the WAL switch fails at once on a file another connection has locked.
    probe = sqlite3.connect(path, timeout=5, isolation_level=None)
    release = hold_write_lock(path, seconds=0.3)
    with pytest.raises(sqlite3.OperationalError, match="database is locked"):
        probe.execute("PRAGMA journal_mode = WAL")
    probe.close()

    database = open_database(url)
    try:
        assert database.migrate()  # waited for the lock, then applied every version
        database.ping()
    finally:
        release.join()
        database.close()
    journal = sqlite3.connect(path).execute("PRAGMA journal_mode").fetchone()
    assert journal == ("wal",)
