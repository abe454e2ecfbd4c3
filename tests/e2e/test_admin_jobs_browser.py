"""The staff jobs pages in Chromium, from the keyboard, JavaScript on and off, against a
real ``selteq-api`` process (the embedded mode: it runs the schedules itself): a schedule
refused at its field, created, run now and seen in the runs, paused, deleted after the
confirmation; the dead letters page; axe-core finds nothing serious on any of them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from .accounts import PASSWORD, staff_by_cli
from .browser import Visitor, guarded
from .server import LiveServer, live_server


@pytest.fixture
def server(tmp_path: Path) -> Iterator[LiveServer]:
    with live_server(tmp_path) as running:
        yield running


def _follow(me: Visitor, selector: str) -> None:
    me.tab_to(selector)
    me.press_enter()


@pytest.mark.slow
@pytest.mark.parametrize("javascript", [True, False], ids=["javascript", "no-javascript"])
def test_staff_steer_schedules_from_the_keyboard(
    chromium: Browser, server: LiveServer, javascript: bool
) -> None:
    staff_by_cli(server, "staff")
    with guarded(chromium, server.url, javascript=javascript) as root:
        root.open("/sign-in")
        root.type_into("#username", "staff")
        root.type_into("#password", PASSWORD)
        root.press_enter()
        root.open("/admin/schedules")
        assert root.page.locator("h1").inner_text() == "Schedules"
        root.check("admin-schedules")

        _follow(root, 'a[href="/admin/schedules/new"]')
        root.page.select_option("#job", "purge_idempotency_keys")
        root.type_into("#every_seconds", "5")
        root.press_enter()
        error = root.page.locator("#every_seconds-error").inner_text()
        assert error == "Interval must be at least 10 seconds."
        root.check("admin-schedules-refused")
        root.type_into("#every_seconds", "600")
        root.press_enter()
        assert "was created" in root.page.locator(".notice").inner_text()
        new = root.page.locator(".task").last
        assert "Purge expired idempotency keys, every 600 s" in new.inner_text()
        number = new.locator(".task-meta").inner_text().split()[1]

        _follow(root, f'button:has-text("Run now schedule {number}")')
        assert "next tick" in root.page.locator(".notice").inner_text()
        root.open(f"/admin/runs?schedule={number}")
        for _ in range(50):  # the embedded scheduler ticks every second
            if root.page.locator(".task").count():
                break
            root.page.wait_for_timeout(200)
            root.open(f"/admin/runs?schedule={number}")
        assert "expired record(s) purged" in root.page.locator(".task").first.inner_text()
        root.check("admin-runs")

        root.open("/admin/schedules")
        _follow(root, f'button:has-text("Pause schedule {number}")')
        assert "paused" in root.page.locator(".notice").inner_text()
        _follow(root, f'a:has-text("Delete schedule {number}")')
        root.check("admin-schedules-delete")
        _follow(root, "button.danger")
        assert "was deleted" in root.page.locator(".notice").inner_text()
        assert f"schedule {number} " not in root.page.locator("main").inner_text()

        root.open("/admin/dead-letters")
        assert "There is no dead letter." in root.page.locator("main").inner_text()
        root.check("admin-dead-letters")
