"""The one logging set-up: text lines that cannot be forged, JSON lines that parse, the
request id on every record, and the same result however often it is configured."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import attrs
import pytest

from selteq_adapters.logs import REQUEST_ID, configure_logging, escape, file_handler
from selteq_adapters.settings import Settings

SETTINGS = Settings(env="test", jwt_secret="x" * 40)
FORGED = "/admin\n2026-01-01 00:00:00,000 INFO selteq.http.access [-] GET /ok 200\r\x1b[2K\x85"


@pytest.fixture
def console() -> Iterator[io.StringIO]:
    """Where configure_logging writes; the root logger restored afterwards."""
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    stream = io.StringIO()
    try:
        yield stream
    finally:
        root.handlers[:] = saved[0]
        root.setLevel(saved[1])


def test_text_escapes_every_control_character(console: io.StringIO) -> None:
    configure_logging(SETTINGS, console)
    logging.getLogger("selteq.http.access").info("GET %s %d", FORGED, 404)
    (line,) = console.getvalue().splitlines()
    assert " INFO selteq.http.access [-] GET /admin\\n2026-01-01" in line
    assert line.endswith("\\r\\x1b[2K\\x85 404")
    assert escape("tab\there\x7f") == "tab\\there\\x7f"


def test_a_traceback_stays_below_its_line_indented(console: io.StringIO) -> None:
    configure_logging(SETTINGS, console)
    try:
        raise ValueError("bad\nINFO forged")
    except ValueError:
        logging.getLogger("selteq.test").exception("failed")
    first, *rest = console.getvalue().splitlines()
    assert first.endswith("ERROR selteq.test [-] failed")
    assert rest
    assert all(line.startswith("    ") for line in rest)


def test_json_lines_parse_with_the_fields_and_extras(console: io.StringIO) -> None:
    configure_logging(attrs.evolve(SETTINGS, log_format="json"), console)
    token = REQUEST_ID.set("req-42")
    try:
        extra = {"method": "GET", "path": FORGED, "status": 404, "duration_ms": 1.5}
        logging.getLogger("selteq.http.access").info("GET %s", FORGED, extra=extra)
    finally:
        REQUEST_ID.reset(token)
    logging.getLogger("selteq.test").warning("outside")
    lines = console.getvalue().splitlines()
    first, second = (json.loads(line) for line in lines)
    assert first["message"] == f"GET {FORGED}"
    assert (first["level"], first["logger"], first["request_id"]) == (
        "INFO",
        "selteq.http.access",
        "req-42",
    )
    assert (first["method"], first["path"], first["status"], first["duration_ms"]) == (
        "GET",
        FORGED,
        404,
        1.5,
    )
    assert first["time"].endswith("Z")
    assert second["request_id"] == "-"


def test_configuring_twice_writes_each_line_once(console: io.StringIO) -> None:
    logging.basicConfig()  # as Dramatiq's CLI does before importing the worker module
    configure_logging(SETTINGS, console)
    configure_logging(SETTINGS, console)
    logging.getLogger("selteq.test").warning("once")
    assert console.getvalue().count("once") == 1
    assert not [h for h in logging.getLogger().handlers if type(h) is logging.StreamHandler]


def test_the_file_has_the_same_format(tmp_path: object, console: io.StringIO) -> None:
    path = f"{tmp_path}/logs/tasks.log"
    handler = file_handler(SETTINGS, path)
    logger = logging.getLogger("selteq.filetest")
    logger.addHandler(handler)
    configure_logging(SETTINGS, console)
    try:
        logger.warning("both %s", "a\nb")
    finally:
        logger.removeHandler(handler)
        handler.close()
    with open(path) as written:
        assert written.read().split(" ", 2)[2] == console.getvalue().split(" ", 2)[2]
