"""Run in a child process: wait for the others, then migrate; report what was applied."""

from __future__ import annotations

from typing import Any

from selteq_adapters.db import open_database


def migrate_together(url: str, start: Any, results: Any) -> None:
    """``start`` is a multiprocessing Barrier, ``results`` a Queue (spawn-safe arguments)."""
    start.wait(timeout=60)
    try:
        database = open_database(url)
        try:
            results.put(("applied", database.migrate()))
        finally:
            database.close()
    except Exception as exc:  # noqa: BLE001 - reported to the parent, which fails the test
        results.put(("error", repr(exc)))
