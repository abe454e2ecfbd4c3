"""The benchmark's own database, created for the run and dropped after it, and its own SQL.

Nothing here imports the project. The schema comes from ``selteq migrate`` and the first
user from ``selteq user`` (so the one password hash is a real one, from the real hasher);
the other users copy that hash and the tasks are generated in set-based SQL (PostgreSQL's
``generate_series`` through ``psql``, a recursive CTE in SQLite through the standard
library), so seeding millions of rows needs no round trip a row.
"""

from __future__ import annotations

import re
import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import attrs

_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,62}$")
USER_PREFIX = "bench-user-"

# Numbers {a}..{b} as rows of g(n): set-based, no round trip a row.
_NUMBERS = {
    "postgresql": "WITH g(n) AS (SELECT generate_series({a}, {b}))",
    "sqlite": "WITH RECURSIVE g(n) AS (SELECT {a} UNION ALL SELECT n + 1 FROM g WHERE n < {b})",
}
# Task n's creation time: n seconds after the epoch, in each engine's stored form.
_AT = {
    "postgresql": "TIMESTAMP '2024-01-01' + n * INTERVAL '1 second'",
    "sqlite": "strftime('%Y-%m-%d %H:%M:%S', '2024-01-01', '+' || n || ' seconds') || '.000000'",
}
# Task n: owned by user (n mod users), the first seeded user's id being {first}.
_TASKS = """
INSERT INTO tasks (user_id, title, duration, created_at, updated_at)
SELECT {first} + n % {users}, 'seed task ' || n, n % 240 + 1, {at}, {at} FROM g
"""
# User n: a copy of user 1, the one `selteq user` made, with its password hash.
_USERS = """
INSERT INTO users (username, password_hash, is_active, created_at, updated_at)
SELECT '{prefix}' || n, u.password_hash, u.is_active, u.created_at, u.updated_at
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
    def server_env(self) -> str:
        """Production refuses SQLite, so a SQLite run serves as ``test`` (one process)."""
        return "test" if self.engine == "sqlite" else "production"

    def rows(self, sql: str) -> list[list[str]]:
        """Every row of one statement, each value as text (``psql``'s unaligned output)."""
        if self.engine == "sqlite":
            path = self.url.removeprefix("sqlite:///")
            with closing(sqlite3.connect(path, timeout=30)) as db, db:
                return [[str(v) for v in row] for row in db.execute(sql).fetchall()]
        return [line.split("\t") for line in _psql(self.url, sql).splitlines() if line]

    def scalar(self, sql: str) -> str:
        return self.rows(sql)[0][0]

    def seed_users(self, users: int) -> None:
        """Users 2..``users`` with user 1's password hash (user 1 exists: ``selteq user``)."""
        if users > 1:
            numbers = _NUMBERS[self.engine].format(a=2, b=users)
            self.rows(numbers + _USERS.format(prefix=USER_PREFIX))
        self.users = users

    def grow_to(self, tasks: int) -> None:
        """Insert seeded tasks until there are ``tasks`` of them; the table only grows."""
        if tasks <= self.tasks:
            return
        first = self.scalar(f"SELECT MIN(id) FROM users WHERE username LIKE '{USER_PREFIX}%'")
        numbers = _NUMBERS[self.engine].format(a=self.tasks, b=tasks - 1)
        at = _AT[self.engine]
        self.rows(numbers + _TASKS.format(first=int(first), users=self.users, at=at))
        self.tasks = tasks
        self.settle()

    def settle(self) -> None:
        """After a bulk load: statistics, the visibility map, and the load's pages written
        out, so that neither autovacuum nor the checkpointer works in a measured scenario."""
        if self.engine == "postgresql":
            _psql(self.url, "VACUUM ANALYZE", "CHECKPOINT")
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
        return "PostgreSQL " + self.scalar("SHOW server_version").split(" ")[0]


def _psql(url: str, *statements: str) -> str:
    argv = ["psql", "-X", "-q", "-At", "-F", "\t", "-v", "ON_ERROR_STOP=1", "-d", url]
    for statement in statements:
        argv += ["-c", statement]
    done = subprocess.run(argv, capture_output=True, text=True, check=False)
    if done.returncode:
        raise RuntimeError(f"psql failed ({done.returncode}): {done.stderr.strip()}")
    return done.stdout


@contextmanager
def provision(url: str | None, workdir: Path, suffix: str = "") -> Iterator[BenchDatabase]:
    """A fresh, empty database for the run, dropped afterwards: a SQLite file in the run's
    directory, or a PostgreSQL database named after the URL's (``suffix`` appended)."""
    if url is None:
        yield BenchDatabase(f"sqlite:///{workdir / f'bench{suffix}.db'}", "sqlite")
        return
    parts = urlsplit(url)
    if parts.scheme not in {"postgresql", "postgres"}:
        raise SystemExit(f"bench: --database must be a postgresql:// URL, not {parts.scheme}://")
    name = parts.path.lstrip("/") + suffix
    if not _NAME.match(name):
        raise SystemExit(f"bench: the database name {name!r} must be a plain identifier")
    admin = urlunsplit(parts._replace(path="/postgres"))
    # An identifier cannot be a parameter; the name was checked against _NAME above.
    _psql(admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"')
    try:
        yield BenchDatabase(urlunsplit(parts._replace(path="/" + name)), "postgresql")
    finally:
        _psql(admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
