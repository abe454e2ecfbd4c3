"""Engines for the repository contract suite, and a summary line saying where it ran.

Every test that takes the ``db`` or ``engine`` fixture runs once per engine: sqlite3
always; SQLite and PostgreSQL through ODBC, and SQL Server through Microsoft's ODBC Driver 18
and through FreeTDS (``SELTEQ_TEST_MSSQL_URL``), where their drivers and servers exist, else
``tests.services.missing``. Each server engine migrates a new empty database once a session.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Generator, Iterator

import pytest

from selteq_adapters.db import Database
from tests.integration.db.engines import (
    ENGINES,
    Engine,
    MssqlServer,
    PostgresServer,
    delete_all_rows,
    open_engine,
    sqlite_odbc_url,
    sqlite_url,
)

_TALLY = pytest.StashKey[dict[str, Counter[str]]]()
_SKIPPED = pytest.StashKey[dict[str, str]]()


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    server = PostgresServer()
    try:
        yield server
    finally:
        server.drop_all()


@pytest.fixture(scope="session", params=ENGINES)
def engine(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Engine]:
    name: str = request.param
    if name == "sqlite3":
        built = open_engine(name, sqlite_url(tmp_path_factory.mktemp(name)), fresh=True)
    elif name == "sqlite-odbc":
        built = open_engine(name, sqlite_odbc_url(tmp_path_factory.mktemp(name)), fresh=True)
    elif name == "postgresql-odbc":
        server: PostgresServer = request.getfixturevalue("postgres")
        built = open_engine(name, server.create(), fresh=True)
    else:
        sqlserver: MssqlServer = request.getfixturevalue("mssql")
        built = open_engine(name, sqlserver.create(name), fresh=True)
    try:
        yield built
    finally:
        built.database.close()


@pytest.fixture
def db(engine: Engine) -> Database:
    """The engine's migrated database, emptied for this test."""
    delete_all_rows(engine.url)
    return engine.database


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Tally each phase's outcome under the engine the test ran on."""
    report = yield
    callspec = getattr(item, "callspec", None)
    engine = None if callspec is None else callspec.params.get("engine")
    if engine is None:
        return report
    tally = item.config.stash.setdefault(_TALLY, {}).setdefault(engine, Counter())
    if report.skipped:
        tally["skipped"] += 1
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else "skipped"
        item.config.stash.setdefault(_SKIPPED, {})[engine] = reason.removeprefix("Skipped: ")
    elif report.failed:
        tally["failed"] += 1
    elif report.when == "call":
        tally["passed"] += 1
    return report


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    tallies = terminalreporter.config.stash.get(_TALLY, {})
    if not tallies:
        return
    reasons = terminalreporter.config.stash.get(_SKIPPED, {})
    parts = []
    for engine in ENGINES:
        tally = tallies.get(engine)
        if tally is None:
            continue
        if not tally["passed"] and not tally["failed"]:
            parts.append(f"{engine} skipped ({reasons.get(engine, 'skipped')})")
            continue
        counts = ", ".join(f"{tally[k]} {k}" for k in ("passed", "failed", "skipped") if tally[k])
        parts.append(f"{engine} {counts}")
    terminalreporter.write_line("repository contract suite: " + ", ".join(parts))
