"""The core's idempotency-key store over SQL, on the unit of work's connection.

A key is the primary key (user_id, idem_key): of two transactions adding one key, the
engine lets one commit and fails the other with an integrity error (which the connection
turns into ``Conflict``), after waiting for the first where the engine locks rows.
"""

from __future__ import annotations

from datetime import datetime

from selteq_core import Conflict, IdempotencyKey, IdempotencyKeyStore, KeyedCreate, UserId

from .connection import Connection
from .mapping import keyed_create_from_row


class SqlIdempotencyKeyStore(IdempotencyKeyStore):
    def __init__(self, connection: Connection) -> None:
        self._c = connection
        self._d = connection.dialect
        self._sql = connection.dialect.sql

    def get(self, owner_id: UserId, key: IdempotencyKey) -> KeyedCreate | None:
        row = self._c.one(self._sql.idempotency_get, (owner_id.value, key.value))
        return None if row is None else keyed_create_from_row(row, self._d)

    def add(self, record: KeyedCreate) -> None:
        task = record.task
        params = (
            record.owner_id.value,
            record.key.value,
            record.fingerprint,
            task.id.value,
            task.title.value,
            task.duration.minutes,
            self._d.to_db(task.created_at),
        )
        try:
            self._c.run(self._sql.idempotency_insert, params)
        except Conflict as exc:
            raise Conflict("idempotency key already held") from exc

    def remove(self, owner_id: UserId, key: IdempotencyKey) -> None:
        self._c.run(self._sql.idempotency_delete, (owner_id.value, key.value))

    def purge(self, before: datetime, limit: int) -> int:
        params = self._d.limited((self._d.to_db(before),), limit)
        return self._c.run(self._sql.idempotency_purge, params)
