"""The dialect rules that are code: time conversion, LIMIT binding, dialect detection."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from selteq_adapters.db.dialect import DIALECTS, Dialect, dialect_for_dbms, dialect_named

SQLITE, POSTGRESQL, MSSQL = (dialect_named(n) for n in ("sqlite", "postgresql", "mssql"))


def test_sqlite_keeps_fixed_width_utc_text_that_sorts_like_time() -> None:
    moments = [
        datetime(999, 1, 1, tzinfo=UTC),
        datetime(2026, 1, 1, 9, 59, 59, 999999, tzinfo=UTC),
        datetime(2026, 1, 1, 12, 0, tzinfo=timezone(timedelta(hours=2))),  # 10:00 UTC
        datetime(2026, 1, 1, 10, 0, 0, 1, tzinfo=UTC),
    ]
    texts = [SQLITE.to_db(m) for m in moments]
    assert texts[1:3] == ["2026-01-01 09:59:59.999999", "2026-01-01 10:00:00.000000"]
    assert texts[0] == "0999-01-01 00:00:00.000000"
    assert sorted(texts) == texts
    assert [SQLITE.from_db(t) for t in texts] == moments


@pytest.mark.parametrize("dialect", [POSTGRESQL, MSSQL], ids=lambda d: d.name)
def test_servers_keep_naive_utc_and_give_back_aware_utc(dialect: Dialect) -> None:
    moment = datetime(2026, 5, 6, 7, 8, 9, 123456, tzinfo=timezone(timedelta(hours=-5)))
    stored = dialect.to_db(moment)
    assert stored == datetime(2026, 5, 6, 12, 8, 9, 123456)
    back = dialect.from_db(stored)
    assert (back, back.tzinfo) == (moment, UTC)


def test_stored_times_read_from_text_drivers_too() -> None:
    # FreeTDS below TDS 7.3 hands DATETIME2 back as text with seven fractional digits.
    assert MSSQL.from_db("2026-05-06 12:08:09.1234567") == datetime(
        2026, 5, 6, 12, 8, 9, 123456, tzinfo=UTC
    )


def test_a_naive_time_is_refused() -> None:
    with pytest.raises(ValueError, match="naive"):
        SQLITE.to_db(datetime(2026, 1, 1))


def test_the_limit_binds_where_the_statement_expects_it() -> None:
    assert MSSQL.sql.task_recent.startswith("SELECT TOP (?)")
    assert MSSQL.limited((7,), 4) == (4, 7)
    for dialect in (SQLITE, POSTGRESQL):
        assert dialect.sql.task_recent.endswith("LIMIT ?")
        assert dialect.limited((7,), 4) == (7, 4)


@pytest.mark.parametrize(
    ("dbms", "name"),
    [("SQLite", "sqlite"), ("PostgreSQL", "postgresql"), ("Microsoft SQL Server", "mssql")],
)
def test_odbc_sources_are_recognised_by_dbms_name(dbms: str, name: str) -> None:
    assert dialect_for_dbms(dbms).name == name
    assert dialect_for_dbms(dbms) in DIALECTS.values()


def test_an_unknown_dbms_is_refused_by_name() -> None:
    with pytest.raises(ValueError, match="'Oracle'"):
        dialect_for_dbms("Oracle")
