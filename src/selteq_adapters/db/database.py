"""The database as the container sees it: units of work, a health check, migrations, seeding."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from itertools import islice
from typing import Any, TypeVar

from .connection import Connection
from .dialect import Dialect, dialect_named
from .drivers import open_raw
from .migrations import apply_pending
from .pool import Pool, PoolStats
from .uow import SqlUnitOfWork
from .url import DatabaseUrl, parse_database_url

T = TypeVar("T")
TaskRow = tuple[int, str, int, datetime, datetime]
UserRow = tuple[str, str, datetime]


class Database:
    """A pool of connections to one database and everything built on it.

    Nothing connects until first use, so building the container never touches the network.
    """

    def __init__(
        self,
        url: DatabaseUrl,
        *,
        pool_size: int = 8,
        connect_timeout: float = 5.0,
        recheck_after: float = 2.0,
        acquire_timeout: float = 10.0,
        on_connect: Callable[[Any], None] | None = None,
    ) -> None:
        self.url = url
        self._connect_timeout = connect_timeout
        self._on_connect = on_connect
        self._dialect = None if url.dialect is None else dialect_named(url.dialect)
        self._lock = threading.Lock()
        self._pool = Pool(
            self._connect,
            size=pool_size,
            recheck_after=recheck_after,
            acquire_timeout=acquire_timeout,
        )

    @property
    def dialect(self) -> Dialect:
        """The SQL dialect; for an ``odbc://`` URL without ``dialect=`` this connects once."""
        if self._dialect is None:
            with self._pool.connection() as connection:
                return connection.dialect
        return self._dialect

    def unit_of_work(self) -> SqlUnitOfWork:
        """A fresh unit of work (the container's UnitOfWorkFactory is this bound method)."""
        return SqlUnitOfWork(self._pool)

    def unit_of_work_at_once(self) -> SqlUnitOfWork:
        """A unit of work that never waits: it raises WouldBlock unless a warm idle
        connection is there (an event loop's fast path; the caller falls back to a thread)."""
        return SqlUnitOfWork(self._pool, at_once=True)

    def ping(self) -> None:
        """Raise the core's Unavailable when the database cannot answer a ``SELECT 1``."""
        with self._pool.connection() as connection:
            connection.ping()

    def migrate(self) -> list[str]:
        """Apply pending migrations (idempotent, safe from several processes at once)."""
        with self._pool.connection() as connection:
            return apply_pending(connection, datetime.now(UTC))

    def bulk_insert_tasks(self, rows: Iterable[TaskRow], batch: int = 5000) -> int:
        """Insert (user_id, title, duration, created_at, updated_at) rows, committing per batch.

        For seeding benchmarks: no validation beyond the schema's, aware UTC times only.
        """
        if batch < 1:
            raise ValueError("batch must be at least 1")
        total = 0
        with self._pool.connection() as connection:
            sql, to_db = connection.dialect.sql, connection.dialect.to_db
            for chunk in _chunks(rows, batch):
                for group in _chunks(chunk, sql.bulk_rows):
                    params = [
                        value
                        for user, title, minutes, created, updated in group
                        for value in (user, title, minutes, to_db(created), to_db(updated))
                    ]
                    connection.run(sql.task_insert_rows(len(group)), params)
                connection.commit()
                total += len(chunk)
        return total

    def bulk_insert_users(self, rows: Iterable[UserRow]) -> list[int]:
        """Insert (username, password_hash, at) rows in one transaction; their new ids."""
        with self._pool.connection() as connection:
            sql, to_db = connection.dialect.sql.user_insert, connection.dialect.to_db
            ids = [connection.insert(sql, (n, h, to_db(at), to_db(at))) for n, h, at in rows]
            connection.commit()
        return ids

    def pool_stats(self) -> PoolStats:
        """How the connection pool is used right now (for the metrics collector)."""
        return self._pool.stats()

    def close(self) -> None:
        """Close every idle connection; those still lent out close when they come back."""
        self._pool.close()

    def __repr__(self) -> str:
        return f"Database({self.url!r})"

    def _connect(self) -> Connection:
        opened = open_raw(self.url, self._connect_timeout)
        connection = Connection(opened)
        try:
            connection.setup()
        except BaseException:
            connection.close()
            raise
        with self._lock:
            self._dialect = self._dialect or opened.dialect
        if self._on_connect is not None:
            self._on_connect(opened.raw)
        return connection


def open_database(
    url: str,
    *,
    pool_size: int = 8,
    connect_timeout: float = 5.0,
    recheck_after: float = 2.0,
    on_connect: Callable[[Any], None] | None = None,
) -> Database:
    """Parse ``url`` (ValueError when malformed) and make a Database; nothing connects yet.

    ``on_connect`` is called with each new raw driver connection (diagnostics, tests).
    """
    return Database(
        parse_database_url(url),
        pool_size=pool_size,
        connect_timeout=connect_timeout,
        recheck_after=recheck_after,
        on_connect=on_connect,
    )


def _chunks(rows: Iterable[T], size: int) -> Iterator[list[T]]:
    iterator = iter(rows)
    while chunk := list(islice(iterator, size)):
        yield chunk
