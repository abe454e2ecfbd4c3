"""Seeding large tables for tests, with the test's own multi-row INSERTs.

The product inserts one validated task at a time through the core; tests of plans and of
memory need tens of thousands of rows quickly, so they write them straight to the tables.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime
from itertools import islice
from typing import TypeVar

from selteq_adapters.db import Database

T = TypeVar("T")
TaskRow = tuple[int, str, int, datetime, datetime]
ROWS_PER_STATEMENT = 400  # under SQL Server's 2,100 parameters at five per row
TASK_INSERT = "INSERT INTO tasks (user_id, title, duration, created_at, updated_at) VALUES "


def insert_users(db: Database, names: Iterable[str], at: datetime) -> list[int]:
    """Users with a placeholder hash (nobody logs in as them); their ids."""
    with db._pool.connection() as connection:
        sql, to_db = connection.dialect.sql.user_insert, connection.dialect.to_db
        ids = [
            connection.insert(sql, (name, "hash", to_db(at), to_db(at), False)) for name in names
        ]
        connection.commit()
    return ids


def insert_tasks(db: Database, rows: Iterable[TaskRow]) -> int:
    """(user_id, title, duration, created_at, updated_at) rows, committed per statement."""
    total = 0
    with db._pool.connection() as connection:
        to_db = connection.dialect.to_db
        for chunk in _chunks(rows, ROWS_PER_STATEMENT):
            sql = TASK_INSERT + ", ".join(["(?, ?, ?, ?, ?)"] * len(chunk))
            params = [
                value
                for user, title, minutes, created, updated in chunk
                for value in (user, title, minutes, to_db(created), to_db(updated))
            ]
            connection.run(sql, params)
            connection.commit()
            total += len(chunk)
    return total


def _chunks(rows: Iterable[T], size: int) -> Iterator[list[T]]:
    iterator = iter(rows)
    while chunk := list(islice(iterator, size)):
        yield chunk
