"""``Connection.warm`` runs the hot reads once on a new connection: afterwards each of them
is a single round trip on SQL Server (kept prepared), and the connection stays usable."""

from __future__ import annotations

from selteq_adapters.db import Database
from selteq_adapters.db.connection import Connection
from selteq_adapters.db.drivers import open_raw
from tests.integration.db import given


def test_a_warmed_connection_serves_the_hot_reads(db: Database) -> None:
    owner = given.user(db).id
    task = given.task(db, owner)
    connection = Connection(open_raw(db.url, 3.0, 4.0))
    try:
        connection.setup()
        connection.warm()
        assert not connection.broken
        sql = connection.dialect.sql
        row = connection.one(sql.task_get, (task.id.value,))
        assert row is not None
        assert row[0] == task.id.value
        recent = connection.all(sql.task_recent, connection.dialect.limited((owner.value,), 5))
        assert [r[0] for r in recent] == [task.id.value]
    finally:
        connection.close()
