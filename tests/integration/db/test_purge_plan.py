"""The purge's batch is found on ix_idempotency_keys_created_at, not by reading the table:
with a day of keys and one expired hour, a batch reads only the expired end of the index."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from selteq_adapters.db import Database, open_database
from tests.integration.db.engines import PostgresServer, raw_connection, sqlite_url
from tests.integration.db.given import T0
from tests.integration.db.test_query_plan import postgres_plan, sqlite_plan
from tests.seeding import insert_users

KEYS = 4_000
INDEX = "ix_idempotency_keys_created_at"
CUT = T0 + timedelta(hours=1)


def seeded(url: str) -> Database:
    """KEYS keys of one user, made over a day from T0 (so the hour before CUT is expired)."""
    database = open_database(url)
    database.migrate()
    [owner] = insert_users(database, ["keys"], T0)
    to_db = database.dialect.to_db
    rows = [
        (owner, f"key-{n}", "f" * 64, n, "Report", 30, to_db(T0 + timedelta(seconds=n * 21.6)))
        for n in range(KEYS)
    ]
    with raw_connection(url) as connection:
        cursor = connection.cursor()
        cursor.executemany(
            "INSERT INTO idempotency_keys"
            " (user_id, idem_key, fingerprint, task_id, title, duration, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
    return database


@pytest.mark.slow
def test_sqlite_finds_the_batch_on_the_index(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path)
    database = seeded(url)
    sql = database.dialect.sql.idempotency_purge
    params = database.dialect.limited((database.dialect.to_db(CUT),), 1000)
    details = sqlite_plan(url, sql, params)
    assert any(INDEX in detail and detail.startswith("SEARCH") for detail in details), details
    assert not any("TEMP B-TREE" in detail for detail in details), details
    database.close()


@pytest.mark.slow
def test_postgresql_finds_the_batch_on_the_index(postgres: PostgresServer) -> None:
    url = postgres.create()
    database = seeded(url)
    sql = database.dialect.sql.idempotency_purge
    params = database.dialect.limited((database.dialect.to_db(CUT),), 1000)
    nodes = postgres_plan(url, sql, params)
    assert any(node.get("Index Name") == INDEX for node in nodes), nodes
    assert not any(node["Node Type"] == "Seq Scan" for node in nodes), nodes
    assert any(node["Node Type"] == "Tid Scan" for node in nodes), nodes
    assert not any("Sort" in node["Node Type"] for node in nodes), nodes
    database.close()
