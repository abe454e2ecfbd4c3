"""One real server process per test module."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .server import LiveServer, live_server


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    # Many sign-ups from one address across a module's tests; the limit has tests of its own.
    with live_server(
        tmp_path_factory.mktemp("server"), SELTEQ_SIGNUP_RATE="1000/minute"
    ) as running:
        yield running
