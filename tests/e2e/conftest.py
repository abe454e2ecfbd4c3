"""One real server process per test module, and one Chromium for a module's browser tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, sync_playwright

from .browser import launch
from .server import LiveServer, live_server


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    # Many sign-ups from one address across a module's tests; the limit has tests of its own.
    with live_server(
        tmp_path_factory.mktemp("server"), SELTEQ_SIGNUP_RATE="1000/minute"
    ) as running:
        yield running


@pytest.fixture(scope="module")
def chromium() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = launch(playwright)
        yield browser
        browser.close()
