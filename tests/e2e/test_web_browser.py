"""A person uses the web app in Chromium, with the keyboard alone, JavaScript on and off,
against the real ``selteq-api`` process, with every other origin cut off."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser

from .browser import Visitor, guarded
from .server import LiveServer

PASSWORD = "correct horse battery"


def _titles(visitor: Visitor) -> list[str]:
    return visitor.page.locator(".task-title").all_inner_texts()


def _sign_up(me: Visitor, username: str) -> None:
    me.open("/sign-in")
    me.check("sign-in")
    me.tab_to('a[href="/sign-up"]')
    me.press_enter()
    me.check("sign-up")
    me.type_into("#username", "not a name!")
    me.type_into("#password", PASSWORD)
    me.type_into("#password_confirm", PASSWORD)
    me.press_enter()
    assert "may hold only letters" in me.page.locator("#username-error").inner_text()
    assert me.page.locator("#username").input_value() == "not a name!"
    me.check("sign-up-refused")
    me.type_into("#username", username)
    me.type_into("#password", PASSWORD)
    me.type_into("#password_confirm", PASSWORD)
    me.press_enter()
    assert me.page.url.startswith(me.origin + "/sign-in")


def _sign_in(me: Visitor, username: str) -> None:
    assert me.page.locator("#username").input_value() == username
    me.check("sign-in-welcome")
    me.type_into("#password", PASSWORD)
    me.press_enter()
    assert me.page.url == me.origin + "/"


def _create(me: Visitor, title: str, minutes: str) -> None:
    me.type_into("#title", title)
    me.type_into("#duration", minutes)
    me.press_enter()


def _follow(me: Visitor, link: str) -> None:
    me.tab_to(link)
    me.press_enter()


@pytest.mark.slow
@pytest.mark.parametrize("javascript", [True, False], ids=["javascript", "no-javascript"])
def test_a_person_works_with_tasks_from_the_keyboard(
    chromium: Browser, server: LiveServer, javascript: bool
) -> None:
    username = "keyboard-js" if javascript else "keyboard-nojs"
    with guarded(chromium, server.url, javascript=javascript) as me:
        _sign_up(me, username)
        _sign_in(me, username)
        me.check("tasks-empty")
        for number in range(1, 6):
            _create(me, f"Task {number}", str(number * 10))
        assert _titles(me) == ["Task 5", "Task 4", "Task 3", "Task 2", "Task 1"]
        me.check("tasks")
        # Only a refused field is drawn in the error colour; the sort menu was refused nothing.
        assert (
            me.page.locator("#ordering").evaluate("e => getComputedStyle(e).borderTopWidth")
            == "1px"
        )

        _create(me, "   ", "ten")
        assert me.page.locator("#title-error").inner_text() == "Title is required."
        assert me.page.locator("#duration").input_value() == "ten"
        me.check("tasks-refused")

        _follow(me, 'a[href$="/rename"]:has-text("Task 3")')
        me.check("rename")
        me.type_into("#title", "Task 3, renamed")
        me.press_enter()
        assert _titles(me) == ["Task 5", "Task 4", "Task 3, renamed", "Task 2", "Task 1"]

        _follow(me, 'a[href$="/delete"]:has-text("Task 4")')
        me.check("delete")
        _follow(me, "button.danger")
        assert _titles(me) == ["Task 5", "Task 3, renamed", "Task 2", "Task 1"]

        me.open("/tasks/999999/rename")
        me.check("not-found")
        me.open("/")
        old_cookie = me.session_cookie()
        assert old_cookie["httpOnly"] is True
        assert old_cookie["sameSite"] == "Lax"
        _follow(me, "button.quiet")  # sign out
        assert me.page.url.startswith(me.origin + "/sign-in")
        assert [c for c in me.context.cookies() if c["name"] == "selteq_session"] == []

        me.context.add_cookies([old_cookie])
        me.open("/")
        assert me.page.url.startswith(me.origin + "/sign-in")


@pytest.mark.slow
def test_page_scripts_cannot_read_the_session(chromium: Browser, server: LiveServer) -> None:
    with guarded(chromium, server.url) as me:
        me.open("/sign-up")
        me.type_into("#username", "scripted")
        me.type_into("#password", PASSWORD)
        me.type_into("#password_confirm", PASSWORD)
        me.press_enter()
        me.type_into("#password", PASSWORD)
        me.press_enter()
        assert me.session_cookie()["value"]
        assert me.page.evaluate("document.cookie") == ""
