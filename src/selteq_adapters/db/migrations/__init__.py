"""Versioned schema migrations: SQL files per dialect, applied in order, each recorded once.

Files live in ``migrations/<dialect>/NNNN_name.sql``; the version is the file name without
``.sql``. How a file is split into statements (the one rule): a statement ends with a ``;``
at the end of a line, and lines starting with ``--`` are comments. So no statement may
end a line inside itself with ``;`` (none of ours needs to).

Safe from two processes at once: the whole run is one transaction that first takes a lock
(``pg_advisory_xact_lock``, ``sp_getapplock`` owned by the transaction, or SQLite's
``BEGIN IMMEDIATE``), then creates ``schema_migrations`` if needed, reads what is applied and
applies the rest. DDL is transactional on all three engines, so a failure leaves nothing.
The second process waits for the lock, then finds every version recorded.
"""

from __future__ import annotations

import re
from datetime import datetime
from importlib import resources

from selteq_adapters.db.connection import Connection
from selteq_core import Unavailable

_FILE = re.compile(r"^(\d{4}_[a-z0-9_]+)\.sql$")


def available(dialect: str) -> list[tuple[str, str]]:
    """(version, text) of every migration shipped for the dialect, in version order."""
    folder = resources.files(__package__).joinpath(dialect)
    found = []
    for entry in folder.iterdir():
        match = _FILE.match(entry.name)
        if match:
            found.append((match[1], entry.read_text(encoding="utf-8")))
    return sorted(found)


def split_statements(text: str) -> list[str]:
    """The statements of a migration file, by the rule in this module's docstring."""
    statements: list[str] = []
    current: list[str] = []
    for line in text.splitlines():
        if line.lstrip().startswith("--"):
            continue
        current.append(line)
        if line.rstrip().endswith(";"):
            statement = "\n".join(current).strip().removesuffix(";").strip()
            if statement:
                statements.append(statement)
            current = []
    if "\n".join(current).strip():
        raise ValueError("a migration ends with a statement that has no closing ';'")
    return statements


def apply_pending(connection: Connection, now: datetime) -> list[str]:
    """Apply what is missing under the migration lock; the versions applied, in order."""
    dialect = connection.dialect
    sql = dialect.sql
    if sql.migration_lock is not None:
        row = connection.first_result(sql.migration_lock, dialect.migration_lock_params)
        # sp_getapplock answers a status (< 0: not granted); pg_advisory_xact_lock just waits.
        if row is not None and isinstance(row[0], int) and row[0] < 0:
            raise Unavailable("timed out waiting for another process's migration")
    connection.run(sql.migrations_table)
    applied = {str(row[0]) for row in connection.all(sql.migrations_applied)}
    done = []
    for version, text in available(dialect.name):
        if version in applied:
            continue
        for statement in split_statements(text):
            connection.run(statement)
        connection.run(sql.migration_record, (version, dialect.to_db(now)))
        done.append(version)
    connection.commit()
    return done
