"""Opening raw connections with sqlite3 or pyodbc, and telling their errors apart.

pyodbc is imported only here and only when an ODBC URL is opened, so a laptop without
unixODBC runs the SQLite default.
"""

from __future__ import annotations

import contextlib
import math
import sqlite3
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Protocol

import attrs

from selteq_core import Unavailable

from .dialect import BUSY_TIMEOUT_MS, Dialect, dialect_for_dbms, dialect_named
from .url import DatabaseUrl


class Cursor(Protocol):
    """The part of a DB-API cursor the package uses (sqlite3 and pyodbc both have it)."""

    @property
    def rowcount(self) -> int: ...

    @property
    def description(self) -> Any: ...

    def execute(self, sql: str, params: Sequence[Any] = ..., /) -> Any: ...

    def executemany(self, sql: str, params: Sequence[Sequence[Any]], /) -> Any: ...

    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...

    def close(self) -> None: ...


class RawConnection(Protocol):
    def cursor(self) -> Any: ...

    def commit(self) -> None: ...

    def rollback(self) -> None: ...

    def close(self) -> None: ...


@attrs.frozen
class Opened:
    """A fresh raw connection, its dialect, and how to read its driver's errors."""

    raw: RawConnection
    dialect: Dialect
    errors: tuple[type[Exception], ...]
    is_conflict: Callable[[Exception], bool]
    is_busy: Callable[[Exception], bool]
    """A lock held by another connection, worth waiting out (SQLite's "database is locked")."""
    set_autocommit: Callable[[bool], None] | None = None
    """pyodbc's autocommit switch; None on sqlite3, whose transactions are explicit statements."""
    keeps_cursors: bool = False
    """Keep a cursor per statement, so each is prepared once per connection (SQL Server)."""
    writer: threading.Lock | None = None
    """Held by this process's one writing connection to the file from BEGIN to its end
    (SQLite): the others wait for it here, woken at once, instead of in SQLite's busy
    handler, which sleeps in growing steps and leaves a write waiting long after the lock
    came free."""


_WRITERS: dict[str, threading.Lock] = {}
_WRITERS_LOCK = threading.Lock()


def _writer(path: str) -> threading.Lock:
    """The process's writer lock for one database file."""
    key = str(Path(path).resolve())
    with _WRITERS_LOCK:
        return _WRITERS.setdefault(key, threading.Lock())


def open_raw(url: DatabaseUrl, connect_timeout: float, statement_timeout: float) -> Opened:
    """Connect once; any failure to reach the database is Unavailable. ``statement_timeout``
    bounds each statement on the client side where the driver can (ODBC's query timeout;
    SQLite's wait for another connection's lock)."""
    if url.path is not None:
        return _sqlite(url.path, statement_timeout)
    return _odbc(url, connect_timeout, statement_timeout)


def _sqlite(path: str, busy_timeout: float) -> Opened:
    try:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        raw = sqlite3.connect(
            path,
            timeout=min(busy_timeout, BUSY_TIMEOUT_MS / 1000),
            isolation_level=None,  # autocommit; the dialect's BEGIN/COMMIT/ROLLBACK rule
            check_same_thread=False,  # the pool lends a connection to one thread at a time
        )
    except (OSError, sqlite3.Error) as exc:
        raise Unavailable(f"cannot open the SQLite database ({type(exc).__name__})") from exc
    return Opened(
        raw,
        dialect_named("sqlite"),
        (sqlite3.Error,),
        _sqlite_conflict,
        _sqlite_busy,
        writer=_writer(path),
    )


def _sqlite_conflict(exc: Exception) -> bool:
    return isinstance(exc, sqlite3.IntegrityError)


def _sqlite_busy(exc: Exception) -> bool:
    """SQLITE_BUSY / SQLITE_LOCKED, however the driver words it (sqlite3 or the ODBC driver)."""
    return "database is locked" in str(exc) or "database table is locked" in str(exc)


def _odbc(url: DatabaseUrl, connect_timeout: float, statement_timeout: float) -> Opened:
    try:
        import pyodbc
    except ImportError as exc:
        raise Unavailable("pyodbc cannot be loaded: install unixODBC and the driver") from exc
    pyodbc.pooling = False  # unixODBC's own pooling is unreliable; the package pools
    try:
        # Autocommit until a unit of work writes (see Connection): reads need no transaction.
        raw = pyodbc.connect(
            url.odbc_connect, autocommit=True, timeout=max(1, math.ceil(connect_timeout))
        )
    except pyodbc.Error as exc:
        raise Unavailable(f"cannot connect to the database ({_state(exc)})") from exc
    # The query timeout (SQL Server's driver cancels a statement past it, lock waits
    # included); psqlODBC refuses the attribute and relies on statement_timeout instead.
    with contextlib.suppress(pyodbc.Error):
        raw.timeout = max(1, math.ceil(statement_timeout))
    try:
        dbms = str(raw.getinfo(pyodbc.SQL_DBMS_NAME))
        dialect = dialect_for_dbms(dbms) if url.dialect is None else dialect_named(url.dialect)
    except (pyodbc.Error, ValueError) as exc:
        raw.close()
        raise Unavailable(f"cannot use the ODBC data source ({exc})") from exc

    def is_conflict(error: Exception) -> bool:
        if isinstance(error, pyodbc.IntegrityError) or _state(error).startswith("23"):
            return True
        # The SQLite ODBC driver reports constraint violations as a generic HY000.
        return dialect.name == "sqlite" and "constraint failed" in str(error)

    def set_autocommit(on: bool) -> None:
        raw.autocommit = on

    if dialect.name == "sqlite":
        return Opened(raw, dialect, (pyodbc.Error,), is_conflict, _sqlite_busy)
    return Opened(
        raw,
        dialect,
        (pyodbc.Error,),
        is_conflict,
        _never_busy,
        set_autocommit,
        keeps_cursors=dialect.name == "mssql",
    )


def _never_busy(_exc: Exception) -> bool:
    """The servers wait for locks themselves (statement_timeout, LOCK_TIMEOUT)."""
    return False


def _state(exc: Exception) -> str:
    """The SQLSTATE of a pyodbc error (its first argument), or ''."""
    first = exc.args[0] if exc.args else ""
    return first if isinstance(first, str) and len(first) == 5 else ""
