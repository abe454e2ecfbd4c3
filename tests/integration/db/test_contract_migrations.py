"""Migrations on every engine: all versions applied once, a second run applies nothing."""

from __future__ import annotations

import re

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
        named = "SELECT name FROM sys.indexes WHERE object_id = OBJECT_ID(N'tasks')"
        indexes = [(sql_server_index_name(name),) for (name,) in query(engine.url, named) if name]
    assert ("ix_tasks_user_recent",) in indexes


def sql_server_index_name(name: str) -> str:
    """The index name as created: Babelfish lists it in sys.indexes with the table's name
    and an md5 appended, since PostgreSQL's index names are schema-wide; SQL Server lists
    it as it is (docs/decisions/0401-babelfish-differences.md)."""
    suffixed = re.fullmatch(r"(.+)tasks[0-9a-f]{32}", name)
    return name if suffixed is None else suffixed[1]
