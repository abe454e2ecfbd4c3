"""The benchmark settles PostgreSQL after a bulk load (``VACUUM ANALYZE``, ``CHECKPOINT``),
so neither autovacuum nor the checkpointer works through the load in a measured scenario."""

from __future__ import annotations

from contextlib import closing
from pathlib import Path

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
