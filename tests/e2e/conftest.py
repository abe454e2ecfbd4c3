"""One real server process per test module."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .server import LiveServer, live_server


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with live_server(tmp_path_factory.mktemp("server")) as running:
        yield running
