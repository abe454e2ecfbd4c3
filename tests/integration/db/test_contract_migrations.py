"""Migrations on every engine: all versions applied once, a second run applies nothing."""

from __future__ import annotations

from selteq_adapters.db.migrations import available
from tests.integration.db.engines import Engine, query


def test_migrate_again_applies_nothing_and_each_version_is_recorded_once(engine: Engine) -> None:
    versions = [version for version, _ in available(engine.database.dialect.name)]
    assert versions[0] == "0001_initial"
    if engine.fresh:
        assert engine.first_applied == versions
    assert engine.database.migrate() == []
    recorded = [row[0] for row in query(engine.url, "SELECT version FROM schema_migrations")]
    assert sorted(recorded) == versions


def test_the_schema_has_its_tables_and_the_recent_index(engine: Engine) -> None:
    for table in ("users", "tasks", "refresh_tokens", "schema_migrations"):
        assert query(engine.url, f"SELECT COUNT(*) FROM {table} WHERE 1 = 0") == [(0,)]
    if engine.database.dialect.name == "sqlite":
        indexes = query(engine.url, "SELECT name FROM sqlite_master WHERE type = 'index'")
    elif engine.database.dialect.name == "postgresql":
        indexes = query(engine.url, "SELECT indexname FROM pg_indexes WHERE tablename = 'tasks'")
    else:
        indexes = query(engine.url, "SELECT name FROM sys.indexes WHERE name IS NOT NULL")
    assert ("ix_tasks_user_recent",) in indexes
