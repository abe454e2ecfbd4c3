"""Reaching the machine's real services from tests.

Without ``SELTEQ_REQUIRE_SERVICES=1`` a missing service skips the test with the reason;
with it (as CI sets), the same absence fails the run, naming what is missing.
"""

from __future__ import annotations

import os
import socket
from typing import NoReturn

import pytest

POSTGRES_HOST = os.environ.get("SELTEQ_TEST_PG_HOST", "127.0.0.1")
POSTGRES_PORT = int(os.environ.get("SELTEQ_TEST_PG_PORT", "5432"))
REDIS_URL = os.environ.get("SELTEQ_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def required() -> bool:
    return os.environ.get("SELTEQ_REQUIRE_SERVICES", "") in {"1", "true", "yes"}


def missing(reason: str) -> NoReturn:
    """Skip, or fail when services are required."""
    if required():
        pytest.fail(
            f"required service missing: {reason} (SELTEQ_REQUIRE_SERVICES=1)", pytrace=False
        )
    pytest.skip(reason)


def port_open(host: str, port: int, timeout: float = 1.0) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def odbc_driver(*names: str) -> str:
    """The first installed ODBC driver among ``names``, or skip/fail naming them."""
    try:
        import pyodbc
    except ImportError as exc:
        missing(f"pyodbc cannot load ({exc}); install unixodbc")
    installed = set(pyodbc.drivers())
    for name in names:
        if name in installed:
            return name
    missing(f"ODBC driver {' or '.join(names)} not installed (have: {sorted(installed)})")
