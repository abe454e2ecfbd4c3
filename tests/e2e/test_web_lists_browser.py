"""The task list and the admin in Chromium against a real ``selteq-api`` process: paging,
search and sort with the place kept through a form (JavaScript on and off); long and
right-to-left titles that never widen a page, at desktop and phone size; axe-core clean
in light and dark mode; staff make someone staff, delete a task and read the audit log."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser

from .accounts import PASSWORD, access_token, api_call, staff_by_cli
from .browser import DESKTOP, PHONE, Visitor, guarded
from .server import LiveServer

LONG = "x" * 200  # the longest title the core keeps, in one unbroken word
PASTED = "y" * 5000  # a paste the form refuses, shown again in the field
RTL = "abc\u202edef ghi"  # a right-to-left override inside a title


def _account(server: LiveServer, username: str) -> str:
    status, _ = api_call(
        server, "POST", "/api/users/", body={"username": username, "password": PASSWORD}
    )
    assert status == 201
    return access_token(server, username, PASSWORD)


def _tasks(server: LiveServer, token: str, *tasks: tuple[str, int]) -> None:
    for title, minutes in tasks:
        status, _ = api_call(
            server, "POST", "/api/tasks/", token, {"title": title, "duration": minutes}
        )
        assert status == 201


def _sign_in(me: Visitor, username: str) -> None:
    me.open("/sign-in")
    me.page.fill("#username", username)
    me.page.fill("#password", PASSWORD)
    with me.page.expect_navigation():
        me.page.click("button[type=submit]")


def _titles(me: Visitor) -> list[str]:
    return me.page.locator(".task-title").all_inner_texts()


def _go(me: Visitor, selector: str) -> None:
    with me.page.expect_navigation():
        me.page.click(selector)


def _within_the_viewport(me: Visitor, name: str) -> None:
    """No horizontal scrolling at desktop or phone size; axe clean in light and dark."""
    for viewport in (DESKTOP, PHONE):
        me.page.set_viewport_size(viewport)
        wide = me.page.evaluate("document.documentElement.scrollWidth")
        assert wide <= viewport["width"], f"{name}: {wide} px at {viewport['width']} px"
    me.page.set_viewport_size(DESKTOP)
    for scheme in ("light", "dark"):
        me.page.emulate_media(color_scheme=scheme)
        me.check(f"{name}-{scheme}")
    me.page.emulate_media(color_scheme="light")


@pytest.mark.slow
@pytest.mark.parametrize("javascript", [True, False], ids=["javascript", "no-javascript"])
def test_a_person_pages_searches_and_sorts_and_keeps_their_place(
    chromium: Browser, server: LiveServer, javascript: bool
) -> None:
    username = "lister-js" if javascript else "lister-nojs"
    token = _account(server, username)
    _tasks(server, token, *((f"Task {n:02d}", n * 30) for n in range(1, 26)))
    with guarded(chromium, server.url, javascript=javascript) as me:
        _sign_in(me, username)
        page = me.page
        assert page.locator(".position").inner_text().endswith("1\u201320 of 25")
        assert _titles(me)[0] == "Task 25"
        assert "12 h 30 min" in page.locator(".task-meta").first.inner_text()
        times = page.locator("time").first
        assert (times.get_attribute("data-local") is not None) is javascript
        assert ("UTC" in times.inner_text()) or javascript
        _go(me, 'a[rel="next"]')
        assert page.locator(".position").inner_text().endswith("21\u201325 of 25")
        assert _titles(me) == [f"Task {n:02d}" for n in range(5, 0, -1)]

        me.page.fill("#title", "Added on page two")
        me.page.fill("#duration", "90")
        _go(me, 'button:has-text("Add task")')
        assert "Added \u201cAdded on page two\u201d." in page.locator(".notice").inner_text()
        # The new task is the newest: this page's five are now the 22nd to the 26th.
        assert page.locator(".position").inner_text().endswith("22\u201326 of 26")
        _go(me, 'a[rel="prev"]')
        assert page.locator(".position").inner_text().endswith("2\u201321 of 26")

        page.fill("#search", "task 1")
        page.select_option("#ordering", "-duration")
        _go(me, 'button:has-text("Show")')
        assert _titles(me) == [f"Task {n:02d}" for n in range(19, 9, -1)]
        _go(me, 'a[href*="/rename"]:has-text("Task 15")')
        page.fill("#title", "Task 15 renamed")
        _go(me, 'button:has-text("Rename")')
        assert "Renamed \u201cTask 15 renamed\u201d." in page.locator(".notice").inner_text()
        assert page.locator("#search").input_value() == "task 1"
        assert page.locator("#ordering").input_value() == "-duration"


@pytest.mark.slow
def test_long_and_right_to_left_titles_never_widen_a_page(
    chromium: Browser, server: LiveServer
) -> None:
    staff_by_cli(server, "wide-staff")
    token = _account(server, "w" * 150)
    _tasks(server, token, (LONG, 2_147_483_647), (RTL, 5))
    status, page = api_call(server, "GET", "/api/tasks/", token)
    assert status == 200
    task_id = page[0]["id"]
    with guarded(chromium, server.url) as me:
        _sign_in(me, "w" * 150)
        me.open("/")
        rtl = me.page.locator(".task-title").first
        assert rtl.evaluate("e => e.tagName") == "BDI"
        assert rtl.get_attribute("dir") == "auto"
        _within_the_viewport(me, "lists-tasks-long")
        me.page.fill("#title", PASTED)
        me.page.fill("#duration", "5")
        with me.page.expect_navigation():
            me.page.click('button:has-text("Add task")')
        _within_the_viewport(me, "lists-tasks-pasted")
        for path in (f"/tasks/{task_id}/rename", f"/tasks/{task_id}/delete"):
            me.open(path)
            _within_the_viewport(me, "lists-" + path.rsplit("/", 1)[1])
    with guarded(chromium, server.url) as boss:
        _sign_in(boss, "wide-staff")
        for path in ("/admin/users", "/admin/tasks", f"/admin/tasks?owner_name={'w' * 150}"):
            boss.open(path)
            _within_the_viewport(boss, "lists-admin-" + re.sub(r"\W+", "-", path)[:40])


@pytest.mark.slow
def test_staff_make_staff_delete_a_task_and_read_the_audit_log(
    chromium: Browser, server: LiveServer
) -> None:
    staff_by_cli(server, "chief")
    token = _account(server, "helper")
    _tasks(server, token, ("Helper's chore", 45))
    with guarded(chromium, server.url) as boss:
        _sign_in(boss, "chief")
        page = boss.page
        boss.open("/admin/users?search=helper")
        _go(boss, 'button:has-text("Make staff")')
        assert "helper is staff now." in page.locator(".notice").inner_text()
        assert page.locator("#search").input_value() == "helper"
        _within_the_viewport(boss, "lists-admin-made-staff")

        _go(boss, 'a[href="/admin/tasks?owner_name=helper"]')
        assert page.locator("h1").inner_text() == "Tasks of helper"
        _go(boss, 'a:has-text("Delete")')  # the confirmation page, naming the task
        _go(boss, 'button:has-text("Delete")')
        assert "The task Helper's chore was deleted." in page.locator(".notice").inner_text()
        assert page.locator("h1").inner_text() == "Tasks of helper"

        boss.open("/admin/audit")
        rows = page.locator("tbody tr").all_inner_texts()
        assert "deleted the task" in rows[0]
        assert "Helper's chore" in rows[0]
        assert "made staff" in rows[1]
        assert "chief" in rows[1]
        _within_the_viewport(boss, "lists-admin-audit")
