"""The benchmark's own database, created for the run and dropped after it, and its own SQL.

Nothing here imports the project. The schema comes from ``selteq migrate`` and the first
user from ``selteq user`` (so the one password hash is a real one, from the real hasher);
the other users copy that hash and the tasks are generated in set-based SQL (PostgreSQL's
``generate_series`` through ``psql``, a recursive CTE in SQLite through the standard
library and in T-SQL through pyodbc), so seeding millions of rows needs no round trip a row.
"""

from __future__ import annotations

import re
import sqlite3
import subprocess
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import SplitResult, parse_qsl, unquote, urlsplit, urlunsplit

import attrs

_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,62}$")
USER_PREFIX = "bench-user-"
BENCH_SUFFIX = "_bench"

# Numbers {a}..{b} as rows of g(n): set-based, no round trip a row.
_NUMBERS = {
    "postgresql": "WITH g(n) AS (SELECT generate_series({a}, {b}))",
    "sqlite": "WITH RECURSIVE g(n) AS (SELECT {a} UNION ALL SELECT n + 1 FROM g WHERE n < {b})",
    "mssql": "WITH g(n) AS (SELECT {a} UNION ALL SELECT n + 1 FROM g WHERE n < {b})",
}
# What ends a statement that reads g: T-SQL stops a recursion at 100 levels unless told.
_UNBOUNDED = {"mssql": " OPTION (MAXRECURSION 0)"}
# The text {prefix} followed by the number n.
_NUMBERED = {
    "postgresql": "'{prefix}' || n",
    "sqlite": "'{prefix}' || n",
    "mssql": "CONCAT('{prefix}', n)",
}
# Task n's creation time: n seconds after the epoch, in each engine's stored form.
_AT = {
    "postgresql": "TIMESTAMP '2024-01-01' + n * INTERVAL '1 second'",
    "sqlite": "strftime('%Y-%m-%d %H:%M:%S', '2024-01-01', '+' || n || ' seconds') || '.000000'",
    "mssql": "DATEADD(second, n, CAST('2024-01-01' AS DATETIME2(6)))",
}
# Task n: owned by user (n mod users), the first seeded user's id being {first}.
_TASKS = """
INSERT INTO tasks (user_id, title, duration, created_at, updated_at)
SELECT {first} + n % {users}, {title}, n % 240 + 1, {at}, {at} FROM g
"""
# User n: a copy of user 1, the one `selteq user` made, with its password hash.
_USERS = """
INSERT INTO users (username, password_hash, is_active, created_at, updated_at)
SELECT {name}, u.password_hash, u.is_active, u.created_at, u.updated_at
FROM g, users AS u WHERE u.username = '{prefix}1'
"""
# The ids of each user's newest tasks: what the list answers, and what retrieve asks for.
_NEWEST = """
SELECT user_id, id FROM (
  SELECT user_id, id,
         ROW_NUMBER() OVER (PARTITION BY user_id ORDER BY created_at DESC, id DESC) AS r
  FROM tasks) AS ranked
WHERE r <= {per_user} ORDER BY user_id, r
"""


def username(n: int) -> str:
    return f"{USER_PREFIX}{n}"


@attrs.define
class BenchDatabase:
    """One database of the run: its URL for the server, and SQL of the benchmark's own."""

    url: str
    engine: str
    tasks: int = 0
    users: int = 0

    @property
    def driver(self) -> str:
        """The ODBC driver a SQL Server URL names (the project's default if none)."""
        return _driver(urlsplit(self.url))

    @property
    def server_env(self) -> str:
        """Production refuses SQLite, so a SQLite run serves as ``test`` (one process)."""
        return "test" if self.engine == "sqlite" else "production"

    def rows(self, sql: str) -> list[list[str]]:
        """Every row of one statement, each value as text (``psql``'s unaligned output)."""
        if self.engine == "sqlite":
            path = self.url.removeprefix("sqlite:///")
            with closing(sqlite3.connect(path, timeout=30)) as db, db:
                return [[str(v) for v in row] for row in db.execute(sql).fetchall()]
        if self.engine == "mssql":
            return [[str(v) for v in row] for row in _tsql(odbc_connect(self.url), sql)]
        return [line.split("\t") for line in _psql(self.url, sql).splitlines() if line]

    def scalar(self, sql: str) -> str:
        return self.rows(sql)[0][0]

    def seed_users(self, users: int) -> None:
        """Users 2..``users`` with user 1's password hash (user 1 exists: ``selteq user``)."""
        if users > 1:
            numbers = _NUMBERS[self.engine].format(a=2, b=users)
            name = _NUMBERED[self.engine].format(prefix=USER_PREFIX)
            users_sql = _USERS.format(name=name, prefix=USER_PREFIX)
            self.rows(numbers + users_sql + _UNBOUNDED.get(self.engine, ""))
        self.users = users

    def grow_to(self, tasks: int) -> None:
        """Insert seeded tasks until there are ``tasks`` of them; the table only grows."""
        if tasks <= self.tasks:
            return
        first = self.scalar(f"SELECT MIN(id) FROM users WHERE username LIKE '{USER_PREFIX}%'")
        numbers = _NUMBERS[self.engine].format(a=self.tasks, b=tasks - 1)
        at, title = _AT[self.engine], _NUMBERED[self.engine].format(prefix="seed task ")
        tasks_sql = _TASKS.format(first=int(first), users=self.users, title=title, at=at)
        self.rows(numbers + tasks_sql + _UNBOUNDED.get(self.engine, ""))
        self.tasks = tasks
        self.settle()

    def settle(self) -> None:
        """After a bulk load: statistics, the visibility map, and the load's pages written
        out, so that neither autovacuum nor the checkpointer works in a measured scenario."""
        if self.engine == "postgresql":
            _psql(self.url, "VACUUM ANALYZE", "CHECKPOINT")
        elif self.engine == "mssql":
            # sp_updatestats, not UPDATE STATISTICS: Babelfish runs the one, refuses the other.
            _tsql(odbc_connect(self.url), "EXEC sp_updatestats", "CHECKPOINT")
        else:
            self.rows("ANALYZE")

    def user_ids(self) -> dict[str, int]:
        sql = f"SELECT username, id FROM users WHERE username LIKE '{USER_PREFIX}%'"
        return {name: int(uid) for name, uid in self.rows(sql)}

    def newest_task_ids(self, per_user: int = 4) -> dict[int, list[int]]:
        out: dict[int, list[int]] = {}
        for user_id, task_id in self.rows(_NEWEST.format(per_user=per_user)):
            out.setdefault(int(user_id), []).append(int(task_id))
        return out

    def count_titled(self, prefix: str) -> int:
        """Tasks whose title starts with ``prefix`` (a fixed ASCII word of the scenario's)."""
        return int(self.scalar(f"SELECT COUNT(*) FROM tasks WHERE title LIKE '{prefix}%'"))

    def version(self) -> str:
        if self.engine == "sqlite":
            return "SQLite " + sqlite3.sqlite_version
        if self.engine == "mssql":
            return _mssql_version(self.scalar("SELECT @@VERSION"), self.driver)
        return "PostgreSQL " + self.scalar("SHOW server_version").split(" ")[0]


def _psql(url: str, *statements: str) -> str:
    argv = ["psql", "-X", "-q", "-At", "-F", "\t", "-v", "ON_ERROR_STOP=1", "-d", url]
    for statement in statements:
        argv += ["-c", statement]
    done = subprocess.run(argv, capture_output=True, text=True, check=False)
    if done.returncode:
        raise RuntimeError(f"psql failed ({done.returncode}): {done.stderr.strip()}")
    return done.stdout


def _mssql_version(banner: str, driver: str) -> str:
    """``@@VERSION``'s product and version, and the driver: SQL Server's banner reads
    "Microsoft SQL Server 2022 (RTM) - 16.0.1000.6 (X64) …", Babelfish's ends
    "(Babelfish 4.2.0)" after a compatibility version that names no release of its own."""
    babelfish = re.search(r"\(Babelfish ([0-9.]+)\)", banner)
    if babelfish:
        return f"SQL Server (Babelfish {babelfish.group(1)}) through {driver}"
    release = re.search(r" - ([0-9]+(?:\.[0-9]+)+)", banner)
    return f"SQL Server {release.group(1) if release else '?'} through {driver}"


# The ODBC connection string of an mssql:// URL, built as docs/operations.md documents it
# (the project's own parser is not imported: the benchmark drives the public surface only).
_MSSQL_DRIVER = "ODBC Driver 18 for SQL Server"
_FREETDS_DEFAULTS = (("TDS_Version", "7.4"), ("ClientCharset", "UTF-8"))


def _driver(parts: SplitResult) -> str:
    given = {k.lower(): v for k, v in parse_qsl(parts.query)}
    return given.get("driver", _MSSQL_DRIVER)


def _quote_odbc(value: str) -> str:
    if value == "" or value != value.strip() or any(ch in value for ch in ";{}"):
        return "{" + value.replace("}", "}}") + "}"
    return value


def odbc_connect(url: str) -> str:
    """``mssql://user:password@host:port/database?driver=…&Option=value`` as pyodbc takes it."""
    parts = urlsplit(url)
    driver, host, port = _driver(parts), parts.hostname or "127.0.0.1", parts.port or 1433
    braced = f"[{host}]" if ":" in host else host
    freetds = "freetds" in driver.lower()
    pairs = [("DRIVER", driver)]
    if freetds:
        pairs += [("SERVER", braced), ("PORT", str(port))]
    else:
        pairs += [("SERVER", f"tcp:{braced},{port}")]
    pairs.append(("DATABASE", unquote(parts.path.lstrip("/"))))
    if parts.username is not None:
        pairs.append(("UID", unquote(parts.username)))
    if parts.password is not None:
        pairs.append(("PWD", unquote(parts.password)))
    options = [(k, v) for k, v in parse_qsl(parts.query) if k.lower() != "driver"]
    given = {k.lower() for k, _ in options}
    if freetds:
        pairs += [(k, v) for k, v in _FREETDS_DEFAULTS if k.lower() not in given]
    pairs += options
    return ";".join(f"{key}={_quote_odbc(value)}" for key, value in pairs)


def _tsql(connect: str, *statements: str) -> list[tuple[Any, ...]]:
    """Each statement in autocommit (CREATE DATABASE refuses a transaction); the rows of
    the last one that returns any."""
    import pyodbc  # only a SQL Server run needs unixODBC

    rows: list[tuple[Any, ...]] = []
    with closing(pyodbc.connect(connect, autocommit=True)) as connection:
        for statement in statements:
            cursor = connection.execute(statement)
            while cursor.description is None and cursor.nextset():
                pass
            if cursor.description is not None:
                rows = [tuple(row) for row in cursor.fetchall()]
    return rows


@contextmanager
def provision(url: str | None, workdir: Path, suffix: str = "") -> Iterator[BenchDatabase]:
    """A fresh, empty database for the run, dropped afterwards: a SQLite file in the run's
    directory, or a PostgreSQL or SQL Server database named after the URL's with ``_bench``
    and ``suffix`` appended. Never the URL's own: the URL the application runs on (and
    its data) may be handed over as it is."""
    if url is None:
        yield BenchDatabase(f"sqlite:///{workdir / f'bench{suffix}.db'}", "sqlite")
        return
    parts = urlsplit(url)
    if parts.scheme not in {"postgresql", "postgres", "mssql"}:
        raise SystemExit(
            f"bench: --database must be a postgresql:// or mssql:// URL, not {parts.scheme}://"
        )
    name = unquote(parts.path.lstrip("/")) + BENCH_SUFFIX + suffix
    if not _NAME.match(name):
        raise SystemExit(f"bench: the database name {name!r} must be a plain identifier")
    own = urlunsplit(parts._replace(path="/" + name))
    if parts.scheme == "mssql":
        with _mssql_database(urlunsplit(parts._replace(path="/master")), name):
            yield BenchDatabase(own, "mssql")
        return
    admin = urlunsplit(parts._replace(path="/postgres"))
    # An identifier cannot be a parameter; the name was checked against _NAME above.
    _psql(admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"')
    try:
        yield BenchDatabase(own, "postgresql")
    finally:
        _psql(admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def _mssql_database(master: str, name: str) -> Iterator[None]:
    """Database ``name`` (checked against _NAME: an identifier cannot be a parameter)
    created from ``master``, and dropped after, whatever happens."""
    connect = odbc_connect(master)
    _drop_mssql(connect, name)  # a run stopped by SIGKILL left it behind
    for attempt in range(5):  # Babelfish refuses two CREATE DATABASE at once
        try:
            _tsql(connect, f"CREATE DATABASE [{name}]")
            break
        except Exception as error:  # pyodbc.Error; pyodbc itself is imported lazily
            if attempt == 4 or "concurrently" not in str(error):
                raise
            time.sleep(1.0)
    try:
        yield
    finally:
        _drop_mssql(connect, name)


def _drop_mssql(connect: str, name: str) -> None:
    """Drop ``name``; a session still on it (one the server left) is killed first."""
    sessions = (
        "SELECT session_id FROM sys.dm_exec_sessions"
        f" WHERE database_id = DB_ID('{name}') AND session_id <> @@SPID"
    )
    for (session,) in _tsql(connect, sessions):
        _tsql(connect, f"KILL {int(session)}")
    _tsql(connect, f"DROP DATABASE IF EXISTS [{name}]")
