"""Debian's Chromium driven by Playwright, with the outside world cut off.

Every request whose address is not the server under test is aborted and remembered, so a
page that tried to load anything from another origin fails its test. Each page can be
checked by axe-core and photographed at desktop and phone size into ``var/screenshots/``.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import attrs
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, Route

from tests import services

CHROMIUM = Path(os.environ.get("SELTEQ_TEST_CHROMIUM", "/usr/bin/chromium"))
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
SERIOUS = {"serious", "critical"}


def launch(playwright: Playwright) -> Browser:
    """Debian's Chromium (Playwright's own download cannot run here); skips, or fails when
    services are required, without it."""
    if not CHROMIUM.exists():
        services.missing(f"{CHROMIUM} not installed (Debian package chromium)")
    return playwright.chromium.launch(
        executable_path=str(CHROMIUM), args=["--no-sandbox"], headless=True
    )


@attrs.define(slots=False)  # Playwright keeps its own attribute on a route handler
class Guard:
    """Aborts every request that leaves ``origin``; ``blocked`` lists them."""

    origin: str
    blocked: list[str] = attrs.field(factory=list)

    def __call__(self, route: Route) -> None:
        parts = urlsplit(route.request.url)
        if f"{parts.scheme}://{parts.netloc}" == self.origin:
            route.continue_()
        else:
            self.blocked.append(route.request.url)
            route.abort()


@contextlib.contextmanager
def guarded(browser: Browser, origin: str, *, javascript: bool = True) -> Iterator[Visitor]:
    """A fresh browser (its own cookies); dates are typed as en-US writes them."""
    context = browser.new_context(
        java_script_enabled=javascript, viewport=DESKTOP, locale="en-US", timezone_id="UTC"
    )
    guard = Guard(origin)
    context.route("**/*", guard)
    try:
        yield Visitor(context, context.new_page(), origin, guard, javascript)
    finally:
        context.close()
    assert guard.blocked == [], f"requests to other origins: {guard.blocked}"


@attrs.define
class Visitor:
    """One person's browser tab."""

    context: BrowserContext
    page: Page
    origin: str
    guard: Guard
    javascript: bool

    def open(self, path: str) -> Page:
        self.page.goto(self.origin + path)
        return self.page

    def check(self, name: str) -> None:
        """No serious or critical axe-core violation; a screenshot at both sizes."""
        if self.javascript:  # axe-core awaits promises, which never settle with scripts off
            found = Axe().run(self.page).response["violations"]
            serious = [_summary(v) for v in found if v.get("impact") in SERIOUS]
            assert serious == [], f"{name}: {serious}"
        suffix = "" if self.javascript else "-nojs"
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        for size, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
            self.page.set_viewport_size(viewport)
            self.page.screenshot(path=SCREENSHOTS / f"{name}-{size}{suffix}.png", full_page=True)
        self.page.set_viewport_size(DESKTOP)

    def tab_to(self, selector: str) -> None:
        """Tab (only the keyboard) until ``selector`` has the focus."""
        for _ in range(40):
            self.page.keyboard.press("Tab")
            if self.page.locator(selector).evaluate("e => e === document.activeElement"):
                return
        raise AssertionError(f"Tab never reached {selector}")

    def type_into(self, selector: str, text: str) -> None:
        self.tab_to(selector)
        self.page.keyboard.press("Control+A")
        self.page.keyboard.type(text)

    def press_enter(self) -> None:
        """Enter on the focused field, button or link, then wait for the next page."""
        with self.page.expect_navigation():
            self.page.keyboard.press("Enter")

    def session_cookie(self) -> dict[str, Any]:
        (cookie,) = [c for c in self.context.cookies() if c["name"] == "selteq_session"]
        return dict(cookie)


def _summary(violation: dict[str, Any]) -> str:
    targets = [node.get("target") for node in violation.get("nodes", [])]
    return f"{violation.get('id')} ({violation.get('impact')}): {targets}"
