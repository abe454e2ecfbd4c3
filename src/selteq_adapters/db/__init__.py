"""The SQL data layer: the core's repositories and unit of work over SQLite, PostgreSQL and
SQL Server, with raw parameterized SQL, pooled connections and versioned migrations.

``open_database(url)`` is the entry point; the container calls it with
``SELTEQ_DATABASE_URL``. Driver errors never leave this package: they become the core's
``Conflict`` or ``Unavailable``.
"""

from .database import Database, open_database
from .dialect import Dialect
from .url import DatabaseUrl, parse_database_url

__all__ = [
    "Database",
    "DatabaseUrl",
    "Dialect",
    "open_database",
    "parse_database_url",
]
