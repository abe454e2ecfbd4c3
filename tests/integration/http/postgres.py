"""A fresh, uniquely named PostgreSQL database for one test, dropped afterwards."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator

from tests import services


@contextlib.contextmanager
def fresh_database() -> Iterator[str]:
    """Yield the new database's name; skip (or fail, when services are required) without
    PostgreSQL or its ODBC driver."""
    driver = services.odbc_driver("PostgreSQL Unicode")
    if not services.port_open(services.POSTGRES_HOST, services.POSTGRES_PORT):
        services.missing(f"PostgreSQL at {services.POSTGRES_HOST}:{services.POSTGRES_PORT}")
    import pyodbc

    admin = pyodbc.connect(
        f"DRIVER={{{driver}}};SERVER={services.POSTGRES_HOST};PORT={services.POSTGRES_PORT};"
        "DATABASE=postgres;UID=postgres",
        autocommit=True,
    )
    name = f"selteq_http_{uuid.uuid4().hex[:12]}"
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield name
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()
