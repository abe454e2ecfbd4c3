"""Every order of a user's own list reads one index range with no sort: newest and oldest
first on ix_tasks_user_recent (forwards or backwards), longest and shortest first on
ix_tasks_user_duration; the count without a search reads the owner's index alone.

Seeded as test_query_plan seeds (200 users x 100 tasks), statistics gathered, then the
real statements' plans are read with a first page's bounds."""

from __future__ import annotations

import pytest

from selteq_adapters.db import Database
from selteq_adapters.db.dialect import EARLIEST, LATEST
from tests.integration.db.engines import PostgresServer, sqlite_url
from tests.integration.db.test_query_plan import postgres_plan, seeded, sqlite_plan

RECENT, DURATION = "ix_tasks_user_recent", "ix_tasks_user_duration"
ORDERS = [
    ("task_ordered_newest", RECENT),
    ("task_ordered_oldest", RECENT),
    ("task_ordered_longest", DURATION),
    ("task_ordered_shortest", DURATION),
]


def first_page(database: Database, name: str, owner: int) -> tuple[object, ...]:
    """A first page's parameters, without a search: a search reads every row of the owner
    for its titles whatever the order, so only the unsearched list must avoid a sort."""
    dialect = database.dialect
    descending = name.endswith(("newest", "longest"))
    if name.endswith(("longest", "shortest")):
        key: object = 2**31 - 1 if descending else 0
    else:
        key = dialect.to_db(LATEST if descending else EARLIEST)
    ident = 2**63 - 1 if descending else 0
    return dialect.limited((owner, dialect.contains(""), key, key, ident), 20)


@pytest.fixture(scope="module")
def sqlite_seeded(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Database, list[int]]:
    url = sqlite_url(tmp_path_factory.mktemp("orders"))
    database, ids = seeded(url)
    return url, database, ids


@pytest.mark.slow
@pytest.mark.parametrize(("name", "index"), ORDERS)
def test_sqlite_reads_each_order_from_its_index_without_a_temp_btree(
    sqlite_seeded: tuple[str, Database, list[int]], name: str, index: str
) -> None:
    url, database, ids = sqlite_seeded
    statement = getattr(database.dialect.sql, name)
    details = sqlite_plan(url, statement, first_page(database, name, ids[42]))
    assert any(index in d and d.startswith("SEARCH") for d in details), details
    assert not any("TEMP B-TREE" in d for d in details), details


@pytest.mark.slow
def test_sqlite_counts_an_owners_tasks_on_an_index_alone(
    sqlite_seeded: tuple[str, Database, list[int]],
) -> None:
    url, database, ids = sqlite_seeded
    details = sqlite_plan(url, database.dialect.sql.task_count, (ids[42],))
    assert any(d.startswith("SEARCH") and "COVERING INDEX" in d for d in details), details


@pytest.mark.slow
def test_postgresql_reads_each_order_from_its_index_without_a_sort(
    postgres: PostgresServer,
) -> None:
    url = postgres.create()
    database, ids = seeded(url)
    for name, index in ORDERS:
        statement = getattr(database.dialect.sql, name)
        nodes = postgres_plan(url, statement, first_page(database, name, ids[42]))
        kinds = [node["Node Type"] for node in nodes]
        assert kinds[0] == "Limit", (name, kinds)
        assert any(node.get("Index Name") == index for node in nodes), (name, nodes)
        assert not any("Sort" in kind for kind in kinds), (name, kinds)
    nodes = postgres_plan(url, database.dialect.sql.task_count, (ids[42],))
    assert not any(node["Node Type"] == "Seq Scan" for node in nodes), nodes
    database.close()
