"""The engines the repository contract suite runs on, and raw access to them for checks.

Raw driver connections are for the tests' own setup and inspection (deleting rows between
tests, reading query plans, killing a backend); the code under test never sees them.
"""

from __future__ import annotations

import os
import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote_plus

import attrs

from selteq_adapters.db import Database, open_database, parse_database_url
from tests.services import POSTGRES_HOST, POSTGRES_PORT, missing, odbc_driver, port_open

ENGINES = ("sqlite3", "sqlite-odbc", "postgresql-odbc", "mssql")
PG_USER = os.environ.get("SELTEQ_TEST_PG_USER", "postgres")
MSSQL_URL_VARIABLE = "SELTEQ_TEST_MSSQL_URL"


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


def open_engine(name: str, url: str, *, fresh: bool, pool_size: int = 4) -> Engine:
    database = open_database(url, pool_size=pool_size)
    return Engine(name, url, database, database.migrate(), fresh)
