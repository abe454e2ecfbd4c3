"""The benchmark's databases: a second one beside the run's for the scale check's small
table, and PostgreSQL settled after a bulk load (``VACUUM ANALYZE``, ``CHECKPOINT``), so
neither autovacuum nor the checkpointer works through the load in a measured scenario."""

from __future__ import annotations

from contextlib import closing
from pathlib import Path

from bench.config import from_args
from bench.provision import provision

from tests.services import POSTGRES_HOST, POSTGRES_PORT, missing, odbc_driver, port_open


def test_settle_vacuums_analyzes_and_checkpoints_the_run_database(tmp_path: Path) -> None:
    odbc_driver("PostgreSQL Unicode")
    if not port_open(POSTGRES_HOST, POSTGRES_PORT):
        missing(f"PostgreSQL is not reachable at {POSTGRES_HOST}:{POSTGRES_PORT}")
    url = f"postgresql://postgres@{POSTGRES_HOST}:{POSTGRES_PORT}/selteq_bench_settle"
    with provision(url, tmp_path) as db:
        import pyodbc

        assert db.odbc is not None
        with closing(pyodbc.connect(db.odbc, autocommit=True)) as conn:
            conn.execute("CREATE TABLE loaded AS SELECT g AS n FROM generate_series(1, 5000) AS g")
        never = "SELECT COUNT(*) FROM pg_stat_user_tables WHERE relname = 'loaded' AND {} IS NULL"
        assert db.scalar(never.format("last_vacuum")) == 1
        requested = "SELECT checkpoints_req FROM pg_stat_bgwriter"
        checkpoints = db.scalar(requested)
        assert db.settle() > 0
        assert db.scalar(requested) > checkpoints
        assert db.scalar(never.format("last_vacuum")) == 0
        assert db.scalar(never.format("last_analyze")) == 0


def test_a_suffixed_database_lives_beside_the_run_database_and_goes_with_it(
    tmp_path: Path,
) -> None:
    """The scale check's small table is a second database, named after the first."""
    odbc_driver("PostgreSQL Unicode")
    if not port_open(POSTGRES_HOST, POSTGRES_PORT):
        missing(f"PostgreSQL is not reachable at {POSTGRES_HOST}:{POSTGRES_PORT}")
    url = f"postgresql://postgres@{POSTGRES_HOST}:{POSTGRES_PORT}/selteq_bench_pair"
    exists = "SELECT COUNT(*) FROM pg_database WHERE datname = ?"
    with provision(url, tmp_path) as db, provision(url, tmp_path, suffix="_small") as small:
        assert small.url.endswith("/selteq_bench_pair_small")
        assert small.scalar("SELECT current_database()") == "selteq_bench_pair_small"
        assert db.scalar("SELECT current_database()") == "selteq_bench_pair"
        assert db.scalar(exists, "selteq_bench_pair_small") == 1
    with provision(url, tmp_path) as db:
        assert db.scalar(exists, "selteq_bench_pair_small") == 0


def test_sqlite_pair_is_two_files(tmp_path: Path) -> None:
    with provision(None, tmp_path) as db, provision(None, tmp_path, suffix="_small") as small:
        assert db.sqlite_path == tmp_path / "bench.db"
        assert small.sqlite_path == tmp_path / "bench_small.db"


def test_the_main_database_never_holds_the_scale_checks_small_table() -> None:
    config = from_args([])
    assert config.scale_sizes == (10_000, 10_000_000)
    assert config.small_size == 10_000
    assert config.sizes == [1_000, 200_000, 1_000_000, 10_000_000]
    assert from_args(["--no-scale"]).small_size is None
    assert from_args(["--scale-check"]).sizes == [10_000_000]
