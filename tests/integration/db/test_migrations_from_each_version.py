"""Upgrades on the server engines: a database left at each earlier version (its migrations
applied and recorded, a user and a task in it) migrates to the newest, applying exactly the
versions it lacks and keeping its rows."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from selteq_adapters.db import open_database
from selteq_adapters.db.dialect import dialect_named
from selteq_adapters.db.migrations import available, split_statements
from selteq_adapters.db.url import DialectName
from tests.integration.db.engines import MssqlServer, PostgresServer, query, raw_connection

NOW = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


def stop_at(url: str, dialect: DialectName, versions: int) -> None:
    """Apply and record the first ``versions`` migrations, then add a user and a task."""
    sql = dialect_named(dialect)
    with raw_connection(url) as connection:
        connection.execute(sql.sql.migrations_table)
        for version, text in available(dialect)[:versions]:
            for statement in split_statements(text):
                connection.execute(statement)
            connection.execute(sql.sql.migration_record, (version, sql.to_db(NOW)))
        at = sql.to_db(NOW)
        connection.execute(
            "INSERT INTO users (username, password_hash, is_active, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?)",
            ("early", "hash", True if dialect == "postgresql" else 1, at, at),
        )
        [(owner,)] = connection.execute("SELECT id FROM users").fetchall()
        connection.execute(
            "INSERT INTO tasks (user_id, title, duration, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?)",
            (owner, "kept", 5, at, at),
        )


@pytest.mark.parametrize("server", ["postgresql-odbc", "mssql-odbc18"])
def test_each_earlier_version_migrates_to_the_newest(
    server: str, request: pytest.FixtureRequest
) -> None:
    dialect: DialectName = "postgresql" if server == "postgresql-odbc" else "mssql"
    versions = [version for version, _ in available(dialect)]
    for reached in range(1, len(versions)):
        if dialect == "postgresql":
            postgres: PostgresServer = request.getfixturevalue("postgres")
            url = postgres.create()
        else:
            sqlserver: MssqlServer = request.getfixturevalue("mssql")
            url = sqlserver.create(server)
        stop_at(url, dialect, reached)
        database = open_database(url)
        try:
            assert database.migrate() == versions[reached:]
        finally:
            database.close()
        assert query(url, "SELECT title FROM tasks") == [("kept",)]
        recorded = sorted(
            str(row[0]) for row in query(url, "SELECT version FROM schema_migrations")
        )
        assert recorded == versions
