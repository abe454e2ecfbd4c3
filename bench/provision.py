"""The benchmark's own database: a temporary SQLite file, or a PostgreSQL database it
creates before the run and drops after, so a run never touches anyone else's data.

It also reads the database back independently of the application (row counts, the
server version) with the plain drivers, so a check does not trust the code it checks.
"""

from __future__ import annotations

import re
import sqlite3
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit, urlunsplit

import attrs

_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,62}$")
PG_DRIVER = "PostgreSQL Unicode"


@attrs.frozen
class BenchDatabase:
    """Where the run's data lives: the URL handed to the app, and a way to look inside."""

    url: str
    engine: str
    sqlite_path: Path | None = None
    odbc: str | None = None

    @property
    def server_env(self) -> str:
        """``SELTEQ_ENV`` for a server on this database: production refuses SQLite, so a
        SQLite run serves as ``test`` (same code, one process unless the CLI says more)."""
        return "test" if self.engine == "sqlite" else "production"

    def scalar(self, sql: str, *params: object) -> Any:
        """One value from a parameterized query, through the plain driver."""
        if self.sqlite_path is not None:
            with closing(sqlite3.connect(self.sqlite_path, timeout=30)) as conn:
                return conn.execute(sql, params).fetchone()[0]
        import pyodbc

        with closing(pyodbc.connect(self.odbc, autocommit=True)) as conn:
            return conn.execute(sql, *params).fetchone()[0]

    def settle(self) -> float:
        """After a bulk load, what any bulk load should be followed by, on PostgreSQL:
        ``VACUUM ANALYZE`` (statistics and the visibility map), then ``CHECKPOINT``.
        Otherwise autovacuum does the first within its one-minute nap, in the middle of a
        measured scenario (the first list run after seeding 200,000 tasks went at 2,856
        req/s, the next two at 3,269 and 3,741), and the checkpointer spends the next minute
        or two writing the load's pages out (after 10 million tasks: a checkpoint writing
        for 88 s across the three list runs at that size, 6,120 / 7,017 / 6,773 req/s).
        ``CHECKPOINT`` needs a superuser or the ``pg_checkpoint`` role; without it the run
        goes on and says so. SQLite has no background worker; nothing to do. Returns the
        seconds it took."""
        if self.sqlite_path is not None:
            return 0.0
        import pyodbc

        started = time.perf_counter()
        with closing(pyodbc.connect(self.odbc, autocommit=True)) as conn:
            conn.execute("VACUUM ANALYZE")
            try:
                conn.execute("CHECKPOINT")
            except pyodbc.Error as exc:
                print(f"bench: no CHECKPOINT after the load ({exc.args[0]}): figures may be noisy")
        return time.perf_counter() - started

    def count_titled(self, prefix: str) -> int:
        """Tasks whose title starts with ``prefix`` (what a scenario wrote)."""
        return int(self.scalar("SELECT COUNT(*) FROM tasks WHERE title LIKE ?", prefix + "%"))

    def version(self) -> str:
        if self.engine == "sqlite":
            return "SQLite " + sqlite3.sqlite_version
        return str(self.scalar("SELECT version()")).split(" on ")[0]


def _pg_odbc(url: str, database: str) -> str:
    parts = urlsplit(url)
    fields = {
        "DRIVER": "{" + PG_DRIVER + "}",
        "SERVER": parts.hostname or "127.0.0.1",
        "PORT": str(parts.port or 5432),
        "DATABASE": database,
        "UID": unquote(parts.username or "postgres"),
        "CommLog": "0",  # Debian registers the driver with a log file per connection
    }
    if parts.password:
        fields["PWD"] = "{" + unquote(parts.password).replace("}", "}}") + "}"
    return ";".join(f"{key}={value}" for key, value in fields.items())


def _pg_admin(url: str, statement: str) -> None:
    import pyodbc

    with closing(pyodbc.connect(_pg_odbc(url, "postgres"), autocommit=True)) as conn:
        conn.execute(statement)


@contextmanager
def provision(
    url: str | None, workdir: Path, *, keep: bool = False, suffix: str = ""
) -> Iterator[BenchDatabase]:
    """Yield a fresh, empty database for the run; drop it afterwards unless ``keep``.
    ``suffix`` names a second database of the same run (``bench_small.db``, or the URL's
    database name with the suffix appended)."""
    if url is None:
        path = workdir / f"bench{suffix}.db"
        yield BenchDatabase(url=f"sqlite:///{path}", engine="sqlite", sqlite_path=path)
        return
    scheme = urlsplit(url).scheme
    if scheme not in {"postgresql", "postgres"}:
        raise SystemExit(f"bench: --database must be a postgresql:// URL, not {scheme}://")
    name = urlsplit(url).path.lstrip("/") + suffix
    if not _NAME.match(name):
        raise SystemExit(f"bench: the database name {name!r} must be a plain identifier")
    # An identifier cannot be a parameter; the name was checked against _NAME above.
    _pg_admin(url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    _pg_admin(url, f'CREATE DATABASE "{name}"')
    url = urlunsplit(urlsplit(url)._replace(path="/" + name))
    try:
        yield BenchDatabase(url=url, engine="postgresql", odbc=_pg_odbc(url, name))
    finally:
        if not keep:
            _pg_admin(url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
