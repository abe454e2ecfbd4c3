"""Everything that differs between SQLite, PostgreSQL and SQL Server, in one place.

The SQL text is in ``statements.py`` (every statement once per dialect); this module adds
the rules that are code: where a LIMIT binds, how time is stored, which dialect an ODBC
source speaks. The rest of the package runs these statements and writes no SQL of its own.

Choices worth knowing:

- Time is UTC without a zone in the database. SQLite keeps it as text
  ``YYYY-MM-DD HH:MM:SS.ffffff`` (fixed width, so text order is time order); the servers
  keep TIMESTAMP(6) / DATETIME2(6). The core gets aware UTC datetimes back.
- New ids: ``RETURNING id`` (PostgreSQL), ``OUTPUT INSERTED.id`` (SQL Server), and on SQLite
  ``last_insert_rowid()`` on the same connection, because the SQLite ODBC driver does not
  hand back the rows of ``INSERT … RETURNING``.
- Waits are bounded: SQLite's busy_timeout (5 s), PostgreSQL's statement_timeout and SQL
  Server's LOCK_TIMEOUT (5 s). Past them the driver error becomes Unavailable.
- Search terms become LIKE patterns whose wildcards match only themselves: ``ESCAPE '!'``
  on SQLite and PostgreSQL; on SQL Server each special character inside brackets (``[_]``,
  ``[%]``, ``[[]``) with no ESCAPE clause, which every T-SQL engine reads alike
  (docs/decisions/0401-babelfish-differences.md).
- SQLite transactions start with ``BEGIN IMMEDIATE`` at a unit of work's first write (reads
  before it run in autocommit, see ``connection``): SQLite has one writer, and taking the
  write lock up front means the writer waits its turn (busy_timeout) instead of failing
  when it tries to upgrade a read lock.
"""

from __future__ import annotations

from datetime import UTC, datetime

import attrs

from .statements import LIKE_ESCAPE, MSSQL, POSTGRESQL, SQLITE, Statements
from .url import DialectName

MIGRATION_LOCK_KEY = 0x53454C544551  # "SELTEQ": PostgreSQL advisory lock key
MIGRATION_LOCK_TIMEOUT_MS = 60_000
BUSY_TIMEOUT_MS = 5_000  # as statements.SQLITE's PRAGMA busy_timeout


@attrs.frozen
class Dialect:
    """A dialect's statements plus the few rules that are code rather than SQL."""

    name: DialectName
    sql: Statements
    limit_first: bool
    text_times: bool
    migration_lock_params: tuple[int, ...]
    bracket_likes: bool = False
    """Its LIKEs escape wildcards by brackets with no ESCAPE clause (SQL Server's, since
    Babelfish ignores ESCAPE in a pattern that starts with ``%``)."""

    def contains(self, text: str) -> str:
        """The LIKE pattern this dialect's statements take for "holds ``text``"."""
        return contains_pattern(text, brackets=self.bracket_likes)

    def limited(self, params: tuple[object, ...], limit: int) -> tuple[object, ...]:
        """Bind ``limit`` where the statement expects it: ``TOP (?)`` first, ``LIMIT ?`` last."""
        return (limit, *params) if self.limit_first else (*params, limit)

    def to_db(self, moment: datetime) -> datetime | str:
        """An aware time as the database keeps it: naive UTC, or text on SQLite."""
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise ValueError("naive datetime: pass aware UTC times to the database")
        naive = moment.astimezone(UTC).replace(tzinfo=None)
        return naive.isoformat(" ", "microseconds") if self.text_times else naive

    def from_db(self, value: object) -> datetime:
        """A stored time back as an aware UTC datetime (drivers may hand back text)."""
        if isinstance(value, str):
            value = datetime.fromisoformat(value.strip())
        if not isinstance(value, datetime):
            raise TypeError(f"expected a stored time, got {type(value).__name__}")
        if value.tzinfo is None:
            # The same as value.replace(tzinfo=UTC), cheaper: two per row, on every list.
            return datetime.combine(value, value.time(), UTC)
        return value.astimezone(UTC)


_LIKE_SPECIALS = (LIKE_ESCAPE, "%", "_", "[")  # "[" opens a character class on SQL Server
_BRACKETED = ("%", "_", "[")
EARLIEST = datetime(1753, 1, 1, tzinfo=UTC)
"""Before any task (and within SQL Server's oldest DATETIME): an open window's start."""
LATEST = datetime(9999, 12, 30, tzinfo=UTC)
"""After any task: an open window's end, and the keyset of a first page."""


def contains_pattern(text: str, *, brackets: bool = False) -> str:
    """A LIKE pattern (with ``ESCAPE LIKE_ESCAPE``) matching any text that holds ``text``:
    the escape character and every wildcard in it match only themselves. With
    ``brackets``, for a LIKE without ESCAPE on SQL Server: ``_`` ``%`` ``[`` become
    ``[_]`` ``[%]`` ``[[]`` and the escape character is an ordinary one."""
    if brackets:
        escaped = "".join(f"[{ch}]" if ch in _BRACKETED else ch for ch in text)
    else:
        escaped = "".join(LIKE_ESCAPE + ch if ch in _LIKE_SPECIALS else ch for ch in text)
    return f"%{escaped}%"


DIALECTS: dict[DialectName, Dialect] = {
    "sqlite": Dialect(
        "sqlite",
        SQLITE,
        limit_first=False,
        text_times=True,
        migration_lock_params=(),
    ),
    "postgresql": Dialect(
        "postgresql",
        POSTGRESQL,
        limit_first=False,
        text_times=False,
        migration_lock_params=(MIGRATION_LOCK_KEY,),
    ),
    "mssql": Dialect(
        "mssql",
        MSSQL,
        limit_first=True,
        text_times=False,
        migration_lock_params=(MIGRATION_LOCK_TIMEOUT_MS,),
        bracket_likes=True,
    ),
}
_DBMS_MARKERS: tuple[tuple[str, DialectName], ...] = (
    ("sqlite", "sqlite"),
    ("postgres", "postgresql"),
    ("sql server", "mssql"),
)


def dialect_named(name: DialectName) -> Dialect:
    return DIALECTS[name]


def dialect_for_dbms(dbms_name: str) -> Dialect:
    """The dialect behind an ODBC data source, from its SQL_DBMS_NAME."""
    lowered = dbms_name.lower()
    for marker, name in _DBMS_MARKERS:
        if marker in lowered:
            return DIALECTS[name]
    raise ValueError(
        f"unsupported database {dbms_name!r}: Selteq speaks SQLite, PostgreSQL and SQL Server"
    )
