"""One pooled connection: runs the dialect's statements and turns driver errors into the core's.

Integrity errors become ``Conflict`` and leave the connection usable; every other driver
error becomes ``Unavailable`` and marks the connection broken, so the pool throws it away
instead of lending it again. No sqlite3 or pyodbc exception gets past this class.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from selteq_core import Conflict, Unavailable

from .dialect import BUSY_TIMEOUT_MS, Dialect
from .drivers import Cursor, Opened

log = logging.getLogger("selteq.db")
Row = Sequence[Any]


class Connection:
    """A driver connection used by one thread at a time; transactions start lazily."""

    def __init__(self, opened: Opened) -> None:
        self.raw = opened.raw
        self.dialect: Dialect = opened.dialect
        self._opened = opened
        self.broken = False
        self.in_transaction = False
        self.last_used = time.monotonic()

    def setup(self) -> None:
        """Session settings (pragmas, timeouts), committed so no rollback undoes them.

        SQLite's switch into WAL answers "database is locked" at once, without its busy
        handler, while another connection holds a lock (several processes opening a new
        file together), so a busy setup statement is retried until the busy timeout.
        """
        deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
        with self._translated():
            for statement in self.dialect.sql.session_setup:
                self._setup_statement(statement, deadline)
            if self.dialect.sql.begin is None:
                self.raw.commit()

    def _setup_statement(self, statement: str, deadline: float) -> None:
        pause = 0.005
        while True:
            try:
                cursor = self.raw.cursor()
                cursor.execute(statement)
                if cursor.description is not None:
                    cursor.fetchall()  # PRAGMA journal_mode answers with a row
                return
            except self._opened.errors as exc:
                if not self._opened.is_busy(exc) or time.monotonic() + pause > deadline:
                    raise
            time.sleep(pause)
            pause = min(pause * 2, 0.1)

    def run(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Execute a write; the number of rows it touched."""
        self._begin()
        rowcount: int = self._execute(sql, params).rowcount
        return rowcount

    def one(self, sql: str, params: Sequence[Any] = ()) -> Row | None:
        self._begin()
        with self._translated():
            row: Row | None = self._execute(sql, params).fetchone()
            return row

    def all(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        self._begin()
        with self._translated():
            return list(self._execute(sql, params).fetchall())

    def insert(self, sql: str, params: Sequence[Any]) -> int:
        """Insert one row and return its new id (RETURNING / OUTPUT / last_insert_rowid)."""
        self._begin()
        with self._translated():
            cursor = self._execute(sql, params)
            if self.dialect.sql.last_id is not None:
                cursor = self._execute(self.dialect.sql.last_id, ())
            row = cursor.fetchone()
        if row is None or row[0] is None:
            self.broken = True
            raise Unavailable("the database returned no id for the new row")
        return int(row[0])

    def first_result(self, sql: str, params: Sequence[Any]) -> Row | None:
        """The first row of the first result set of a batch (e.g. T-SQL's applock batch)."""
        self._begin()
        with self._translated():
            cursor = self._execute(sql, params)
            while cursor.description is None:
                if not cursor.nextset():
                    return None
            row: Row | None = cursor.fetchone()
            return row

    def commit(self) -> None:
        if not self.in_transaction:
            return
        with self._translated():
            if self.dialect.sql.commit is None:
                self.raw.commit()
            else:
                self.raw.cursor().execute(self.dialect.sql.commit)
        self.in_transaction = False

    def rollback(self) -> None:
        """Roll back whatever is open. Never raises: a failure marks the connection broken."""
        if not self.in_transaction:
            return
        self.in_transaction = False
        try:
            if self.dialect.sql.rollback is None:
                self.raw.rollback()
            else:
                self.raw.cursor().execute(self.dialect.sql.rollback)
        except self._opened.errors as exc:
            log.warning("rollback failed, discarding the connection: %s", type(exc).__name__)
            self.broken = True

    def ping(self) -> None:
        """A cheap round trip outside any unit of work; raises Unavailable if the line is dead."""
        with self._translated():
            self._execute(self.dialect.sql.ping, ()).fetchall()
            if self.dialect.sql.begin is None:
                self.raw.rollback()  # the driver opened a transaction for the SELECT

    def close(self) -> None:
        try:
            self.raw.close()
        except self._opened.errors:
            log.debug("closing a dead connection failed; it is gone anyway")
        self.broken = True

    def _begin(self) -> None:
        if self.in_transaction:
            return
        if self.dialect.sql.begin is not None:
            self._execute(self.dialect.sql.begin, ())
        self.in_transaction = True

    def _execute(self, sql: str, params: Sequence[Any]) -> Any:
        with self._translated():
            cursor: Cursor = self.raw.cursor()
            cursor.execute(sql, tuple(params))
            return cursor

    @contextmanager
    def _translated(self) -> Iterator[None]:
        try:
            yield
        except self._opened.errors as exc:
            if self._opened.is_conflict(exc):
                raise Conflict("the change conflicts with what is stored") from exc
            self.broken = True
            log.warning("database error, discarding the connection: %s", exc)
            raise Unavailable(f"the database failed ({type(exc).__name__})") from exc
