"""Sessions that survive ordinary use, and never losing typed work, in Chromium against the
real ``selteq-api`` process (docs/decisions/0430)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser

from .accounts import PASSWORD, api_call
from .browser import Visitor, guarded
from .server import LiveServer

TABS = 10


def _person(server: LiveServer, me: Visitor, username: str) -> None:
    status, _ = api_call(
        server, "POST", "/api/users/", body={"username": username, "password": PASSWORD}
    )
    assert status == 201
    me.open("/sign-in")
    me.page.fill("#username", f"  {username} ")  # trimmed, as a phone's keyboard leaves it
    me.page.fill("#password", PASSWORD)
    with me.page.expect_navigation():
        me.page.click("button[type=submit]")
    assert me.page.url == me.origin + "/"


@pytest.mark.slow
def test_ten_tabs_and_ten_fetches_with_one_cookie_keep_the_session(
    chromium: Browser, server: LiveServer
) -> None:
    with guarded(chromium, server.url) as me:
        _person(server, me, "tabby")
        tabs = [me.context.new_page() for _ in range(TABS)]
        for tab in tabs:
            tab.goto(me.origin + "/static/icon.svg")
        for tab in tabs:  # every tab starts its page view before any answer comes back
            tab.evaluate("() => { setTimeout(() => location.assign('/'), 0) }")
        for tab in tabs:
            tab.wait_for_url(me.origin + "/")
            tab.wait_for_load_state()
            assert tab.locator("h1").inner_text() != "Sign in"
        statuses = me.page.evaluate(
            """n => Promise.all([...Array(n)].map(
                () => fetch('/', {redirect: 'manual'}).then(r => r.status)))""",
            TABS,
        )
        assert statuses == [200] * TABS
        me.page.reload()
        assert me.page.url == me.origin + "/"
        assert me.page.locator('form[action="/sign-out"]').count() == 1


@pytest.mark.slow
def test_a_cookie_copied_before_sign_out_is_refused_after_it(
    chromium: Browser, server: LiveServer
) -> None:
    with guarded(chromium, server.url, javascript=False) as me:
        _person(server, me, "copied")
        copied = me.session_cookie()
        with me.page.expect_navigation():
            me.page.click('form[action="/sign-out"] button')
        assert me.page.url.startswith(me.origin + "/sign-in")
    with guarded(chromium, server.url, javascript=False) as thief:
        thief.context.add_cookies([copied])  # type: ignore[list-item]
        thief.open("/")
        assert thief.page.url.startswith(thief.origin + "/sign-in")
        assert thief.page.locator("h1").inner_text() == "Sign in"


@pytest.mark.slow
def test_an_ended_sessions_draft_is_offered_back_after_sign_in(
    chromium: Browser, server: LiveServer
) -> None:
    with guarded(chromium, server.url) as me:
        _person(server, me, "drafty")
        token = me.session_cookie()["value"]
        status, _ = api_call(server, "POST", "/api/token/revoke/", body={"refresh_token": token})
        assert status == 204
        me.page.fill("#title", "Typed before the session ended")
        me.page.fill("#duration", "25")
        with me.page.expect_navigation():
            me.page.click('form[action="/tasks"] button[type=submit]')
        assert me.page.url.startswith(me.origin + "/sign-in")
        assert "Your session ended" in me.page.locator("main").inner_text()
        assert "is kept" in me.page.locator("main").inner_text()
        me.check("sign-in-session-ended")
        me.page.fill("#username", "drafty")
        me.page.fill("#password", PASSWORD)
        with me.page.expect_navigation():
            me.page.click("button[type=submit]")
        assert me.page.url == me.origin + "/draft"
        assert me.page.locator("#title").input_value() == "Typed before the session ended"
        assert me.page.locator("#duration").input_value() == "25"
        me.check("draft")
        with me.page.expect_navigation():
            me.page.click("main button[type=submit]")
        # The list, with the message naming the task just added.
        assert me.page.url.split("?")[0] == me.origin + "/"
        assert "Typed before the session ended" in me.page.locator("main").inner_text()


@pytest.mark.slow
def test_back_after_a_refused_sign_in_asks_for_no_resubmission(
    chromium: Browser, server: LiveServer
) -> None:
    api_call(server, "POST", "/api/users/", body={"username": "backer", "password": PASSWORD})
    with guarded(chromium, server.url) as me:
        me.open("/sign-in")
        me.page.fill("#username", "backer")
        me.page.fill("#password", "not the password at all")
        with me.page.expect_navigation():
            me.page.click("button[type=submit]")
        assert "do not match" in me.page.locator("#form-alert").inner_text()
        me.check("sign-in-refused")
        me.page.fill("#password", PASSWORD)
        with me.page.expect_navigation():
            me.page.click("button[type=submit]")
        assert me.page.url == me.origin + "/"
        me.page.go_back()
        assert me.page.locator("h1").inner_text() == "Sign in"
        me.open("/nope")
        assert me.page.locator("h1").inner_text() == "Not Found"
        me.check("not-found")


@pytest.mark.slow
def test_back_after_a_refused_add_asks_for_no_resubmission_and_keeps_a_long_paste(
    chromium: Browser, server: LiveServer
) -> None:
    """A 5,000-character paste is not cut by the field: the server refuses it in words and
    the page after the redirect holds all of it; Back after the corrected add is a GET."""
    paste = "p" * 5_000
    with guarded(chromium, server.url) as me:
        _person(server, me, "paster")
        me.page.fill("#title", paste)
        me.page.fill("#duration", "0")
        assert len(me.page.input_value("#title")) == 5_000
        with me.page.expect_navigation():
            me.page.click("form[action='/tasks'] button[type=submit]")
        assert me.page.url == me.origin + "/"
        assert "This one has 5,000" in me.page.locator("#title-error").inner_text()
        assert "1 or more" in me.page.locator("#duration-error").inner_text()
        assert me.page.input_value("#title") == paste
        assert me.page.input_value("#duration") == "0"
        me.check("add-refused")
        me.page.fill("#title", "Short enough")
        me.page.fill("#duration", "5")
        with me.page.expect_navigation():
            me.page.click("form[action='/tasks'] button[type=submit]")
        assert "Added" in me.page.locator("main").inner_text()
        me.page.go_back()
        assert me.page.locator("h1").inner_text() == "My tasks"
        assert me.page.locator("#title-error").count() == 0
