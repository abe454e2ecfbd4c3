"""The benchmark seeds through the CLI and its own SQL: the counts, the owners and the
newest ids it hands to wrk come out right on every engine, and its database goes after."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from bench.config import from_args
from bench.database import BenchDatabase, odbc_connect, provision, username
from bench.runner import Run
from bench.server import current_build

from selteq_adapters.db import parse_database_url
from tests.services import POSTGRES_HOST, POSTGRES_PORT, missing, odbc_driver, port_open


def _seed(db: BenchDatabase, workdir: Path, users: int, tasks: int) -> None:
    config = from_args(["--users", str(users), "--tasks", str(tasks)])
    run = Run(config, workdir, secrets.token_urlsafe(48), secrets.token_urlsafe(12))
    run.seed(db, [current_build()], tasks // 2)
    db.grow_to(tasks)  # the table only grows: this adds the difference


def _check(db: BenchDatabase) -> None:
    assert db.scalar("SELECT COUNT(*) FROM users") == "7"
    assert db.scalar("SELECT COUNT(*) FROM tasks") == "100"
    assert db.scalar("SELECT COUNT(DISTINCT password_hash) FROM users") == "1"
    owners = db.rows("SELECT user_id, COUNT(*) FROM tasks GROUP BY user_id ORDER BY user_id")
    assert [int(n) for _, n in owners] == [15, 15, 14, 14, 14, 14, 14]
    assert db.scalar("SELECT COUNT(DISTINCT title) FROM tasks") == "100"
    ids = db.user_ids()
    assert sorted(ids) == sorted(username(n) for n in range(1, 8))
    newest = db.newest_task_ids()
    assert set(newest) == set(ids.values())
    assert all(len(found) == 4 for found in newest.values())
    first = newest[ids[username(1)]]
    assert first == sorted(first, reverse=True)  # newest first: seeded in id order
    assert db.count_titled("seed task") == 100
    assert db.count_titled("bench-create") == 0


def test_sqlite_seeding(tmp_path: Path) -> None:
    with provision(None, tmp_path) as db:
        assert db.url == f"sqlite:///{tmp_path / 'bench.db'}"
        _seed(db, tmp_path, 7, 100)
        _check(db)
        assert db.version().startswith("SQLite ")


@pytest.mark.slow
def test_postgresql_seeding_in_a_database_of_its_own(tmp_path: Path) -> None:
    if not port_open(POSTGRES_HOST, POSTGRES_PORT):
        missing(f"PostgreSQL is not reachable at {POSTGRES_HOST}:{POSTGRES_PORT}")
    url = f"postgresql://postgres@{POSTGRES_HOST}:{POSTGRES_PORT}/selteq_seed"
    with provision(url, tmp_path, "_a") as db:
        assert db.url.endswith("/selteq_seed_bench_a")  # never the URL's own database
        _seed(db, tmp_path, 7, 100)
        _check(db)
        assert db.version().startswith("PostgreSQL ")
        assert db.scalar("SELECT current_database()") == "selteq_seed_bench_a"
    gone = "SELECT COUNT(*) FROM pg_database WHERE datname = 'selteq_seed_bench_a'"
    admin = url.replace("/selteq_seed", "/postgres")
    assert BenchDatabase(admin, "postgresql").rows(gone) == [["0"]]


@pytest.mark.slow
def test_sql_server_seeding_in_a_database_of_its_own(tmp_path: Path) -> None:
    """On the SQL Server of ``SELTEQ_TEST_MSSQL_URL`` (Babelfish in CI), through the
    driver that URL names: T-SQL seeding, a database created from master and dropped."""
    base = os.environ.get("SELTEQ_TEST_MSSQL_URL", "")
    if not base:
        missing("SELTEQ_TEST_MSSQL_URL is not set (`make babelfish` prints one)")
    parts = urlsplit(base)
    if not port_open(parts.hostname or "127.0.0.1", parts.port or 1433):
        missing(f"SQL Server is not reachable at {parts.hostname}:{parts.port or 1433}")
    odbc_driver(BenchDatabase(base, "mssql").driver)
    url = parts._replace(path="/selteq_seed").geturl()
    with provision(url, tmp_path, "_a") as db:
        assert urlsplit(db.url).path == "/selteq_seed_bench_a"  # never the URL's own
        assert urlsplit(db.url).query == parts.query
        _seed(db, tmp_path, 7, 100)
        _check(db)
        assert db.version().startswith("SQL Server ")
        assert db.version().endswith(f" through {db.driver}")
        assert db.scalar("SELECT DB_NAME()") == "selteq_seed_bench_a"
        db.settle()  # statistics again: runs on SQL Server and on Babelfish alike
    master = BenchDatabase(parts._replace(path="/master").geturl(), "mssql")
    gone = "SELECT COUNT(*) FROM sys.databases WHERE name = 'selteq_seed_bench_a'"
    assert master.rows(gone) == [["0"]]


@pytest.mark.parametrize(
    "url",
    [
        "mssql://me:p%3Bw@db.example:1444/selteq?driver=ODBC+Driver+18+for+SQL+Server&Encrypt=no",
        "mssql://me:pw@db/selteq?driver=FreeTDS",
        "mssql://me:pw@db/selteq?driver=FreeTDS&TDS_Version=8.0",
        "mssql://me@[::1]:1433/selteq?TrustServerCertificate=yes",
    ],
)
def test_an_mssql_url_becomes_the_odbc_string_the_project_makes_of_it(url: str) -> None:
    """The benchmark builds it itself (it imports no selteq package); the server must see
    the same connection as the benchmark's own SQL."""
    assert odbc_connect(url) == parse_database_url(url).odbc_connect


def test_a_database_name_that_is_not_an_identifier_is_refused(tmp_path: Path) -> None:
    url = f"postgresql://postgres@{POSTGRES_HOST}:{POSTGRES_PORT}/bad-name"
    refused = provision(url, tmp_path)
    with pytest.raises(SystemExit, match="plain identifier"):
        refused.__enter__()
