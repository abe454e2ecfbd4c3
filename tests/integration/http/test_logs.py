"""The API's log setup: one line per record on stderr with the request id, and none of the
per-record work its format never prints (caller lookup, thread and process names)."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import pytest

from selteq_http.context import REQUEST_ID
from selteq_http.logs import _ConsoleHandler, configure_logging


class _Keep(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []
        self.console = io.StringIO()

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def _console_lines(keep: _Keep) -> list[str]:
    return keep.console.getvalue().splitlines()


@pytest.fixture
def configured() -> Iterator[_Keep]:
    """configure_logging() as a worker runs it, its stderr handler writing to a buffer; the
    process-wide switches restored after."""
    root = logging.getLogger()
    saved = (
        root.handlers[:],
        root.level,
        logging._srcfile,
        logging.logThreads,
        logging.logProcesses,
        logging.logMultiprocessing,
    )
    keep = _Keep()
    try:
        configure_logging("INFO")
        _point_console(keep)
        root.addHandler(keep)
        yield keep
    finally:
        root.handlers[:] = saved[0]
        root.setLevel(saved[1])
        logging._srcfile = saved[2]
        logging.logThreads, logging.logProcesses, logging.logMultiprocessing = saved[3:]


def _point_console(keep: _Keep) -> None:
    (console,) = [h for h in logging.getLogger().handlers if isinstance(h, _ConsoleHandler)]
    console.setStream(keep.console)


def test_a_line_carries_the_request_id_and_skips_unprinted_work(configured: _Keep) -> None:
    token = REQUEST_ID.set("req-42")
    try:
        logging.getLogger("selteq.http.access").info("%s %s %d", "GET", "/health/live", 200)
    finally:
        REQUEST_ID.reset(token)
    (line,) = _console_lines(configured)
    assert line.endswith(" INFO selteq.http.access [req-42] GET /health/live 200")
    (record,) = configured.records
    assert record.pathname == "(unknown file)"  # no stack walk for the caller
    assert record.threadName is None
    assert record.processName is None


def test_configuring_twice_writes_each_line_once(configured: _Keep) -> None:
    configure_logging("INFO")
    _point_console(configured)
    logging.getLogger("selteq.test").warning("once")
    assert [line.endswith("[-] once") for line in _console_lines(configured)] == [True]
