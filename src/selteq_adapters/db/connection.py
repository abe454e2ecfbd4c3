"""One pooled connection: runs the dialect's statements and turns driver errors into the core's.

Integrity errors become ``Conflict`` and leave the connection usable; every other driver
error becomes ``Unavailable`` and marks the connection broken, so the pool throws it away
instead of lending it again. No sqlite3 or pyodbc exception gets past this class.

A transaction starts at the first write (``run``, ``insert``) or lock (``first_result``),
not at the first statement: reads before it run in autocommit, one round trip each, with
no BEGIN and no ROLLBACK around them. Under READ COMMITTED, the default on PostgreSQL and
SQL Server, a read inside a transaction sees the same committed rows and keeps no lock
past its statement, so nothing a caller can observe changes; on SQLite a read no longer
takes the write lock, so readers stop queueing behind writers (WAL). A read after the
first write joins the transaction and sees its uncommitted changes. The use-cases never
rely on a read staying true until they write: their writes are conditional and report the
rows they touched (``RenameTask``, ``RefreshSession``).

On PostgreSQL the hottest reads (``Statements.prepared``) are prepared on their first use
in a session and run as ``EXECUTE`` after that: the server parses and plans them once per
connection instead of once per request. On SQL Server each statement with parameters keeps
a cursor of its own on the connection: a new cursor per call would unprepare the statement
when the cursor is freed (``sp_unprepare``), a round trip of its own. pyodbc resets the
parameters after each execution, so the drivers prepare again with each one
(``sp_prepexec``, one round trip); Microsoft's driver never unprepares a kept statement,
FreeTDS unprepares it first (docs/decisions/0460-sql-server-round-trips.md). Its results are
closed after each use, so the next statement on the connection is never kept waiting by a
result set left half-read.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from typing import Any

from selteq_core import Conflict, Unavailable

from .dialect import BUSY_TIMEOUT_MS, Dialect
from .drivers import Cursor, Opened
from .statements import postgres_prepared

log = logging.getLogger("selteq.db")
BUSY_WAIT = BUSY_TIMEOUT_MS / 1000
"""Seconds a write waits for this process's other writer (SQLite), as for another's lock."""
Row = Sequence[Any]
StatementSpan = Callable[[str], AbstractContextManager[Any]]


class Connection:
    """A driver connection used by one thread at a time; transactions start lazily.

    ``statement_span`` (set only when tracing is on) wraps each statement's execution."""

    def __init__(self, opened: Opened, statement_span: StatementSpan | None = None) -> None:
        self.raw = opened.raw
        self._statement_span = statement_span
        self.dialect: Dialect = opened.dialect
        self._opened = opened
        self.broken = False
        self.in_transaction = False
        self._holds_writer = False
        self.last_used = time.monotonic()
        sql = self.dialect.sql
        self._preparable = {getattr(sql, name): name for name in sql.prepared}
        self._prepared: dict[str, str] = {}
        self._kept: dict[str, Cursor] | None = {} if opened.keeps_cursors else None

    def setup(self) -> None:
        """Session settings (pragmas, timeouts), in autocommit so no rollback undoes them.

        SQLite's switch into WAL answers "database is locked" at once, without its busy
        handler, while another connection holds a lock (several processes opening a new
        file together), so a busy setup statement is retried until the busy timeout.
        """
        deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
        with self._translated():
            for statement in self.dialect.sql.session_setup:
                self._setup_statement(statement, deadline)

    def warm(self) -> None:
        """Run the request path's hot reads once, with parameters that match no row, so
        a new connection serves its first requests at full speed: each is prepared and
        kept (SQL Server, PostgreSQL), and the server has loaded what it needs to plan it
        (Babelfish pays a first-statement cost per statement and connection of up to
        seconds under load). For pooled connections only, once the schema exists."""
        sql, limited = self.dialect.sql, self.dialect.limited
        for statement, params in (
            (sql.task_get, (0,)),
            (sql.user_get, (0,)),
            (sql.task_recent, limited((0,), 1)),
            (sql.task_recent_owners, ("[0]", 1)),
            (sql.task_get_many, ("[0]",)),
        ):
            self.all(statement, params)

    def unbound_timeouts(self) -> None:
        """Lift the statement timeouts set up for requests (for migrations only; such a
        connection is closed afterwards, never pooled)."""
        with self._translated():
            raw: Any = self.raw
            if getattr(raw, "timeout", 0):  # pyodbc's query timeout, where it was set
                raw.timeout = 0
            for statement in self.dialect.sql.unbounded_session:
                self.raw.cursor().execute(statement)

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
        with self._translated():
            cursor = self._execute(sql, params)
            rowcount: int = cursor.rowcount
            self._finish(cursor)
            return rowcount

    def one(self, sql: str, params: Sequence[Any] = ()) -> Row | None:
        """Read one row (inside the transaction if a write started one, else autocommit)."""
        with self._translated():
            cursor = self._execute(sql, params)
            row: Row | None = cursor.fetchone()
            self._finish(cursor)
            return row

    def all(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        """Read every row (inside the transaction if a write started one, else autocommit)."""
        with self._translated():
            cursor = self._execute(sql, params)
            rows = list(cursor.fetchall())
            self._finish(cursor)
            return rows

    def insert(self, sql: str, params: Sequence[Any]) -> int:
        """Insert one row and return its new id (RETURNING / OUTPUT / last_insert_rowid)."""
        self._begin()
        with self._translated():
            cursor = self._execute(sql, params)
            if self.dialect.sql.last_id is not None:
                cursor = self._execute(self.dialect.sql.last_id, ())
            row = cursor.fetchone()
            self._finish(cursor)
        if row is None or row[0] is None:
            self.broken = True
            raise Unavailable("the database returned no id for the new row")
        return int(row[0])

    def insert_rows(self, sql: str, params: Sequence[Any]) -> list[Row]:
        """Insert several rows in one statement inside the transaction, and return the rows
        the statement answers (RETURNING / OUTPUT)."""
        self._begin()
        with self._translated():
            cursor = self._execute(sql, params)
            rows = list(cursor.fetchall())
            self._finish(cursor)
            return rows

    def first_result(self, sql: str, params: Sequence[Any]) -> Row | None:
        """The first row of the first result set of a batch (e.g. T-SQL's applock batch)."""
        self._begin()
        with self._translated():
            cursor = self._execute(sql, params)
            while cursor.description is None:
                if not cursor.nextset():
                    return None
            row: Row | None = cursor.fetchone()
            self._finish(cursor)
            return row

    def commit(self) -> None:
        if not self.in_transaction:
            return
        with self._translated():
            if self.dialect.sql.commit is None:
                self.raw.commit()
                self._autocommit(True)
            else:
                self.raw.cursor().execute(self.dialect.sql.commit)
        self.in_transaction = False
        self._release_writer()

    def rollback(self) -> None:
        """Roll back whatever is open. Never raises: a failure marks the connection broken."""
        if not self.in_transaction:
            return
        self.in_transaction = False
        try:
            if self.dialect.sql.rollback is None:
                self.raw.rollback()
                self._autocommit(True)
            else:
                self.raw.cursor().execute(self.dialect.sql.rollback)
        except self._opened.errors as exc:
            log.warning("rollback failed, discarding the connection: %s", type(exc).__name__)
            self.broken = True
        finally:
            self._release_writer()

    def ping(self) -> None:
        """A cheap round trip outside any unit of work; raises Unavailable if the line is dead."""
        with self._translated():
            self._execute(self.dialect.sql.ping, ()).fetchall()

    def close(self) -> None:
        try:
            self.raw.close()
        except self._opened.errors:
            log.debug("closing a dead connection failed; it is gone anyway")
        self.broken = True
        self._release_writer()

    def _begin(self) -> None:
        """Start the transaction before a write: the dialect's BEGIN statement (SQLite's
        BEGIN IMMEDIATE, SQL Server's BEGIN TRANSACTION); for PostgreSQL, autocommit off
        (psqlODBC sends BEGIN with the next statement)."""
        if self.in_transaction:
            return
        writer = self._opened.writer
        if writer is not None and not self._holds_writer:
            if not writer.acquire(timeout=BUSY_WAIT):
                raise Unavailable("another write held the database for too long")
            self._holds_writer = True
        try:
            with self._translated():
                if self.dialect.sql.begin is not None:
                    self._execute(self.dialect.sql.begin, ())
                else:
                    self._autocommit(False)
        except BaseException:
            self._release_writer()
            raise
        self.in_transaction = True

    def _release_writer(self) -> None:
        if self._holds_writer:
            self._holds_writer = False
            assert self._opened.writer is not None
            self._opened.writer.release()

    def _autocommit(self, on: bool) -> None:
        if self._opened.set_autocommit is None:
            raise RuntimeError(f"{self.dialect.name} has no autocommit switch")
        self._opened.set_autocommit(on)

    def _execute(self, sql: str, params: Sequence[Any]) -> Any:
        """Run one statement on its kept cursor (SQL Server) or a new one (callers
        translate its errors). pyodbc re-uses a prepared statement when it is given the same
        string object again, which the dialect's statements always are."""
        cursor: Cursor
        if self._kept is not None and params:
            kept = self._kept.get(sql)
            if kept is None:
                kept = self._kept[sql] = self.raw.cursor()
            cursor = kept
        else:
            cursor = self.raw.cursor()
        name = self._preparable.get(sql)
        if name is not None:
            sql = self._prepared.get(sql) or self._prepare(cursor, name, sql)
        if self._statement_span is None:
            cursor.execute(sql, tuple(params))
        else:
            with self._statement_span(sql):
                cursor.execute(sql, tuple(params))
        return cursor

    def _finish(self, cursor: Any) -> None:
        """Close a kept cursor's results (the rest of its rows, its further result sets)
        and keep its prepared statement; a new cursor is simply dropped."""
        if self._kept is not None:
            while cursor.nextset():
                pass

    def _prepare(self, cursor: Cursor, name: str, sql: str) -> str:
        """Prepare a hot read on its first use (not at connect: the table may not exist
        yet). A prepared statement outlives a rollback; it lasts as long as the session."""
        prepare, execute = postgres_prepared(name, sql)
        cursor.execute(prepare)
        self._prepared[sql] = execute
        return execute

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
