"""The unit of work: one transaction on one borrowed connection.

``with uow:`` borrows a connection from the pool, ``uow.commit()`` commits, and leaving the
block returns the connection, rolling back whatever was not committed (the pool does that
on return, so an exception, a forgotten commit and a lost connection all end the same way).
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from types import TracebackType

import attrs

from selteq_core import (
    AuditLog,
    IdempotencyKeyStore,
    RefreshTokenStore,
    TaskRepository,
    Unavailable,
    UnitOfWork,
    UserRepository,
)

from .connection import Connection
from .idempotency import SqlIdempotencyKeyStore
from .pool import Pool
from .repositories import (
    SqlAuditLog,
    SqlRefreshTokenStore,
    SqlTaskRepository,
    SqlUserRepository,
)

CALLER_GONE: ContextVar[Callable[[], bool] | None] = ContextVar("selteq_caller_gone", default=None)
"""Set by whoever runs a use-case for a caller that may stop waiting (the HTTP edge's
database threads): true once the caller has gone, and a unit of work then commits nothing."""


@attrs.frozen
class _Open:
    connection: Connection
    tasks: SqlTaskRepository
    users: SqlUserRepository
    refresh_tokens: SqlRefreshTokenStore
    idempotency_keys: SqlIdempotencyKeyStore
    audit: SqlAuditLog


class SqlUnitOfWork(UnitOfWork):
    def __init__(self, pool: Pool) -> None:
        self._pool = pool
        self._open: _Open | None = None

    @property
    def tasks(self) -> TaskRepository:
        return self._current().tasks

    @property
    def users(self) -> UserRepository:
        return self._current().users

    @property
    def refresh_tokens(self) -> RefreshTokenStore:
        return self._current().refresh_tokens

    @property
    def idempotency_keys(self) -> IdempotencyKeyStore:
        return self._current().idempotency_keys

    @property
    def audit(self) -> AuditLog:
        return self._current().audit

    def __enter__(self) -> SqlUnitOfWork:
        if self._open is not None:
            raise RuntimeError("this unit of work is already in use")
        connection = self._pool.acquire()
        self._open = _Open(
            connection,
            SqlTaskRepository(connection),
            SqlUserRepository(connection),
            SqlRefreshTokenStore(connection),
            SqlIdempotencyKeyStore(connection),
            SqlAuditLog(connection),
        )
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        current, self._open = self._open, None
        if current is not None:
            self._pool.release(current.connection)

    def commit(self) -> None:
        gone = CALLER_GONE.get()
        if gone is not None and gone():
            # The request gave up (its deadline answered 503) while this unit of work
            # waited on the database: leaving uncommitted rolls it back, so the 503 it got
            # means that nothing was written.
            raise Unavailable("the request gave up before its write was committed")
        self._current().connection.commit()

    def _current(self) -> _Open:
        if self._open is None:
            raise RuntimeError("use the unit of work inside `with uow:`")
        return self._open
