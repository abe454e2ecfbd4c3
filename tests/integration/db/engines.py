"""The engines the repository contract suite runs on, and raw access to them for checks.

Raw driver connections are for the tests' own setup and inspection (deleting rows between
tests, reading query plans, killing a backend); the code under test never sees them.
"""

from __future__ import annotations

import os
import sqlite3
import time
import uuid
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote_plus, urlencode, urlsplit

import attrs

from selteq_adapters.db import Database, open_database, parse_database_url
from tests.services import POSTGRES_HOST, POSTGRES_PORT, missing, odbc_driver, port_open

ENGINES = ("sqlite3", "sqlite-odbc", "postgresql-odbc", "mssql-odbc18", "mssql-freetds")
PG_USER = os.environ.get("SELTEQ_TEST_PG_USER", "postgres")
MSSQL_URL_VARIABLE = "SELTEQ_TEST_MSSQL_URL"
"""An ``mssql://`` URL (Microsoft's ODBC Driver 18) of a login that may create databases;
the FreeTDS variant is derived from it (same server, login and database)."""
MSSQL_DRIVERS = {"mssql-odbc18": "ODBC Driver 18 for SQL Server", "mssql-freetds": "FreeTDS"}
_MSODBC_ONLY = {"encrypt", "trustservercertificate", "hostnameincertificate"}


@attrs.define
class Engine:
    """One engine under test: its URL, a migrated Database, and what the first migrate did."""

    name: str
    url: str
    database: Database
    first_applied: list[str]
    fresh: bool


def sqlite_url(folder: Path) -> str:
    return f"sqlite:///{folder / 'selteq.db'}"


def sqlite_odbc_url(folder: Path) -> str:
    driver = odbc_driver("SQLite3")
    path = folder / "selteq.db"
    return "odbc://?odbc_connect=" + quote_plus(f"DRIVER={{{driver}}};Database={path}")


@contextmanager
def raw_connection(url: str) -> Iterator[Any]:
    """A plain driver connection (autocommit, SQLite's foreign keys on) behind ``url``."""
    parsed = parse_database_url(url)
    if parsed.path is not None:
        with closing(sqlite3.connect(parsed.path, isolation_level=None)) as connection:
            connection.execute("PRAGMA foreign_keys = ON")
            yield connection
        return
    import pyodbc

    with closing(pyodbc.connect(parsed.odbc_connect, autocommit=True)) as connection:
        if "sqlite" in str(connection.getinfo(pyodbc.SQL_DBMS_NAME)).lower():
            connection.execute("PRAGMA foreign_keys = ON")
        yield connection


def query(url: str, sql: str, *params: object) -> list[tuple[Any, ...]]:
    with raw_connection(url) as connection:
        return [tuple(row) for row in connection.execute(sql, params).fetchall()]


def execute(url: str, sql: str, *params: object) -> None:
    with raw_connection(url) as connection:
        connection.execute(sql, params)


def delete_all_rows(url: str) -> None:
    """Empty the tables (children first) so each contract test starts from nothing."""
    with raw_connection(url) as connection:
        for table in ("audit_log", "idempotency_keys", "refresh_tokens", "tasks", "users"):
            connection.execute(f"DELETE FROM {table}")


class PostgresServer:
    """Makes uniquely named databases on the test server and drops them all at the end."""

    def __init__(self) -> None:
        self.driver = odbc_driver("PostgreSQL Unicode")
        if not port_open(POSTGRES_HOST, POSTGRES_PORT):
            missing(f"PostgreSQL is not reachable at {POSTGRES_HOST}:{POSTGRES_PORT}")
        self._created: list[str] = []

    def url(self, name: str) -> str:
        return f"postgresql://{PG_USER}@{POSTGRES_HOST}:{POSTGRES_PORT}/{name}"

    def create(self) -> str:
        """A new empty database; its URL."""
        name = f"selteq_test_{uuid.uuid4().hex[:16]}"
        self._admin(f"CREATE DATABASE {name}")
        self._created.append(name)
        return self.url(name)

    def terminate_connections(self, url: str) -> int:
        """Kill every server process serving ``url``'s database, as a crash or failover would."""
        name = url.rsplit("/", 1)[1]
        rows = self._admin(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = ? AND pid <> pg_backend_pid()",
            name,
        )
        return sum(1 for (killed,) in rows if killed)

    def drop_all(self) -> None:

        while self._created:
            self._admin(f"DROP DATABASE IF EXISTS {self._created.pop()} WITH (FORCE)")

    def _admin(self, sql: str, *params: object) -> list[tuple[Any, ...]]:
        with raw_connection(self.url("postgres")) as connection:
            cursor = connection.execute(sql, params)
            return [tuple(row) for row in cursor.fetchall()] if cursor.description else []


class MssqlServer:
    """Makes uniquely named databases on the SQL Server of ``SELTEQ_TEST_MSSQL_URL`` and
    drops them all at the end; reaches it with either driver."""

    def __init__(self) -> None:
        self.base = os.environ.get(MSSQL_URL_VARIABLE, "")
        if not self.base:
            missing(
                f"{MSSQL_URL_VARIABLE} is not set (.ci/run starts Babelfish and sets it;"
                " `make babelfish` prints one)"
            )
        parts = urlsplit(self.base)
        if not port_open(parts.hostname or "127.0.0.1", parts.port or 1433):
            missing(f"SQL Server is not reachable at {parts.hostname}:{parts.port or 1433}")
        self._created: list[str] = []
        self._migrated: dict[str, str] = {}

    def url(self, engine: str, database: str | None = None) -> str:
        """The base URL for ``engine``'s driver (see MSSQL_DRIVERS), on ``database``."""
        driver = odbc_driver(MSSQL_DRIVERS[engine])
        parts = urlsplit(self.base)
        options = [(k, v) for k, v in parse_qsl(parts.query) if k.lower() != "driver"]
        if driver == "FreeTDS":
            options = [(k, v) for k, v in options if k.lower() not in _MSODBC_ONLY]
        query = urlencode([("driver", driver), *options])
        path = parts.path if database is None else f"/{database}"
        return parts._replace(path=path, query=query).geturl()

    def create(self, engine: str) -> str:
        """A new empty database; its URL for ``engine``."""
        import pyodbc

        name = f"selteq_test_{uuid.uuid4().hex[:16]}"
        for attempt in range(3):  # Babelfish's catalog refuses two CREATE DATABASE at once
            try:
                self._admin(f"CREATE DATABASE {name}")
                break
            except pyodbc.Error as exc:
                if attempt == 2 or "concurrently" not in str(exc):
                    raise
                time.sleep(0.5)
        self._created.append(name)
        return self.url(engine, name)

    def migrated(self, engine: str) -> str:
        """A migrated database the session shares (one per driver), emptied for the caller:
        each new database costs seconds on Babelfish (create, migrate, drop)."""
        url = self._migrated.get(engine)
        if url is None:
            url = self._migrated[engine] = self.create(engine)
            database = open_database(url)
            try:
                database.migrate()
            finally:
                database.close()
        delete_all_rows(url)
        return url

    def kill_sessions(self, url: str) -> int:
        """KILL every session on ``url``'s database, as a crash or failover would."""
        name = urlsplit(url).path.lstrip("/")
        sessions = self._admin(
            "SELECT session_id FROM sys.dm_exec_sessions"
            " WHERE database_id = DB_ID(?) AND session_id <> @@SPID",
            name,
        )
        for (session,) in sessions:
            self._admin(f"KILL {int(session)}")
        return len(sessions)

    def drop_all(self) -> None:
        import pyodbc

        while self._created:
            name = self._created.pop()
            try:
                self._admin(f"DROP DATABASE IF EXISTS {name}")
            except pyodbc.Error:  # "in use": a connection outlived its test
                self.kill_sessions(self.url("mssql-freetds", name))
                self._admin(f"DROP DATABASE IF EXISTS {name}")

    def _admin(self, sql: str, *params: object) -> list[tuple[Any, ...]]:
        with raw_connection(self.url("mssql-freetds")) as connection:
            cursor = connection.execute(sql, params)
            return [tuple(row) for row in cursor.fetchall()] if cursor.description else []


def open_engine(name: str, url: str, *, fresh: bool, pool_size: int = 4) -> Engine:
    database = open_database(url, pool_size=pool_size)
    return Engine(name, url, database, database.migrate(), fresh)
