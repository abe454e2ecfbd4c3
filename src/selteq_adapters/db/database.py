"""The database as the container sees it: units of work, the batch read, a health check,
migrations."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from selteq_core import SelteqError

from .connection import Connection, StatementSpan
from .dialect import Dialect, dialect_named
from .drivers import open_raw
from .jobs import SqlJobsUnitOfWork
from .migrations import apply_pending
from .pool import Pool, PoolStats
from .repositories import SqlTaskBatchReader
from .uow import SqlUnitOfWork
from .url import DatabaseUrl, parse_database_url


class Database:
    """A pool of connections to one database and everything built on it.

    Nothing connects until first use, so building the container never touches the network.
    """

    def __init__(
        self,
        url: DatabaseUrl,
        *,
        pool_size: int = 8,
        connect_timeout: float = 3.0,
        recheck_after: float = 2.0,
        acquire_timeout: float = 3.0,
        statement_timeout: float = 4.0,
        on_connect: Callable[[Any], None] | None = None,
        statement_span: Callable[[str], StatementSpan | None] | None = None,
    ) -> None:
        self.url = url
        self._statement_span = statement_span
        self._connect_timeout = connect_timeout
        self._statement_timeout = statement_timeout
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

    def jobs_unit_of_work(self) -> SqlJobsUnitOfWork:
        """A fresh unit of work that also holds the schedules and job runs."""
        return SqlJobsUnitOfWork(self._pool)

    def batch_reader(self) -> SqlTaskBatchReader:
        """The store's optional batch read (``selteq_core.TaskBatchReader``)."""
        return SqlTaskBatchReader(self._pool)

    def ping(self) -> None:
        """Raise the core's Unavailable when the database cannot answer a ``SELECT 1``."""
        with self._pool.connection() as connection:
            connection.ping()

    def migrate(self) -> list[str]:
        """Apply pending migrations (idempotent, safe from several processes at once).

        On a connection of its own without the request-sized statement timeouts: building
        an index on a large table may take far longer than any request may wait."""
        connection = self._open()
        try:
            connection.unbound_timeouts()
            return apply_pending(connection, datetime.now(UTC))
        finally:
            connection.close()

    def fill_pool(self, timeout: float) -> int:
        """Open and warm the whole pool before a server takes load, within ``timeout``
        seconds; the number of connections open. A database that cannot be reached costs
        one failed connection attempt, and the pool opens on demand later, as before."""
        return self._pool.fill(time.monotonic() + timeout)

    def pool_stats(self) -> PoolStats:
        """How the connection pool is used right now (for the metrics collector)."""
        return self._pool.stats()

    def close(self) -> None:
        """Close every idle connection; those still lent out close when they come back."""
        self._pool.close()

    def __repr__(self) -> str:
        return f"Database({self.url!r})"

    def _connect(self) -> Connection:
        """A connection for the pool: set up, and warmed on a server (PostgreSQL, SQL
        Server), so it serves its first request at full speed however the pool grows."""
        connection = self._open()
        if connection.dialect.name != "sqlite":
            # SQL Server (Babelfish most of all) pays a first-run cost per statement and
            # connection, PostgreSQL prepares its hot reads: paid here, by the connection's
            # opening, not by its first requests. Before the schema exists (a first start)
            # there is nothing to warm, and the connection is discarded after its first use.
            with contextlib.suppress(SelteqError):
                connection.warm()
        return connection

    def _open(self) -> Connection:
        opened = open_raw(self.url, self._connect_timeout, self._statement_timeout)
        traced = None if self._statement_span is None else self._statement_span(opened.dialect.name)
        connection = Connection(opened, traced)
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
    connect_timeout: float = 3.0,
    recheck_after: float = 2.0,
    acquire_timeout: float = 3.0,
    statement_timeout: float = 4.0,
    on_connect: Callable[[Any], None] | None = None,
    statement_span: Callable[[str], StatementSpan | None] | None = None,
) -> Database:
    """Parse ``url`` (ValueError when malformed) and make a Database; nothing connects yet.

    ``on_connect`` is called with each new raw driver connection (diagnostics, tests);
    ``statement_span``, given the dialect's name, makes the span that wraps each statement
    (tracing) or None.
    """
    return Database(
        parse_database_url(url),
        pool_size=pool_size,
        connect_timeout=connect_timeout,
        recheck_after=recheck_after,
        acquire_timeout=acquire_timeout,
        statement_timeout=statement_timeout,
        on_connect=on_connect,
        statement_span=statement_span,
    )
