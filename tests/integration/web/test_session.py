"""The browser's session: its cookie's flags, and everything that ends it."""

from __future__ import annotations

from http.cookies import SimpleCookie
from typing import Any

import attrs
from litestar.testing import TestClient

from selteq_adapters.container import BROWSER_REUSE_WINDOW
from selteq_adapters.settings import Settings
from selteq_core.memory import ManualClock
from tests.integration.http.conftest import PASSWORD, running

from .conftest import SESSION, Browser, Web


def _set_cookies(response: Any) -> dict[str, str]:
    """Each Set-Cookie header of the answer, by cookie name (the whole header line)."""
    return {
        SimpleCookie(line).popitem()[0]: line.lower()
        for line in response.headers.get_list("set-cookie")
    }


def test_the_session_cookie_flags(web: Web) -> None:
    web.api.sign_up("alice")
    browser = web.browser()
    page = browser.get("/sign-in")
    csrf = _set_cookies(page)["selteq_csrf"]
    response = browser.post("/sign-in", {"username": "alice", "password": PASSWORD})
    cookie = _set_cookies(response)[SESSION]
    for flag in ("httponly", "samesite=lax", "path=/", "max-age=172800"):
        assert flag in cookie  # a day past the token, so an ended session is told so
        assert flag in csrf or flag == "max-age=172800"
    assert "secure" not in cookie  # a development server on plain http
    assert "domain=" not in cookie


def test_the_cookies_are_secure_in_production(settings: Settings, clock: ManualClock) -> None:
    with running(attrs.evolve(settings, env="production"), clock) as api:
        api.sign_up("alice")
        browser = Browser(TestClient(api.client.app, base_url="https://testserver.local"))
        page = browser.get("/sign-in")
        assert "secure" in _set_cookies(page)["selteq_csrf"]
        response = browser.post("/sign-in", {"username": "alice", "password": PASSWORD})
        assert "secure" in _set_cookies(response)[SESSION]
        browser.get("/")


def test_no_token_reaches_the_page(web: Web, browser: Browser) -> None:
    browser.person("alice")
    page = browser.get("/")
    assert browser.session not in page.text
    assert "eyJ" not in page.text  # the start of every JWT


def test_every_request_trades_the_cookie_and_a_replay_after_the_window_ends_the_session(
    browser: Browser, clock: ManualClock
) -> None:
    browser.person("alice")
    stolen = browser.session
    browser.get("/")
    assert browser.session != stolen
    clock.advance(BROWSER_REUSE_WINDOW + 1)
    thief = Browser(TestClient(browser.client.app))
    thief.client.cookies.set(SESSION, stolen)
    assert thief.get("/", status=303).headers["location"] == "/sign-in?why=ended"
    # The replay revoked the family: the owner is signed out as well, and told so.
    assert browser.get("/", status=303).headers["location"] == "/sign-in?why=ended"


def test_requests_sent_together_with_one_cookie_all_succeed(browser: Browser) -> None:
    """Tabs opened or restored together: each trade of the same cookie gets a sibling."""
    browser.person("alice")
    shared = browser.session
    tabs = [Browser(TestClient(browser.client.app)) for _ in range(5)]
    for tab in tabs:
        tab.client.cookies.set(SESSION, shared)
        tab.get("/")
    browser.get("/")
    browser.get("/")


def test_sign_out_revokes_the_family_and_the_old_cookie_stops_working(browser: Browser) -> None:
    browser.person("alice")
    old = browser.session
    browser.get("/")
    response = browser.post("/sign-out", {})
    assert response.headers["location"].startswith("/sign-in")
    assert "max-age=0" in _set_cookies(response)[SESSION]
    assert browser.session == ""
    browser.client.cookies.set(SESSION, old)
    assert browser.get("/", status=303).headers["location"].startswith("/sign-in")


def test_a_revoke_through_the_api_ends_the_browser_session(web: Web, browser: Browser) -> None:
    browser.person("alice")
    revoked = web.api.client.post("/api/token/revoke/", json={"refresh_token": browser.session})
    assert revoked.status_code == 204
    assert browser.get("/", status=303).headers["location"].startswith("/sign-in")


def test_a_deactivated_user_is_signed_out_at_the_next_request(web: Web, browser: Browser) -> None:
    browser.person("alice")
    web.deactivate("alice")
    assert browser.get("/", status=303).headers["location"].startswith("/sign-in")
    browser.get("/sign-in")
    browser.post("/sign-in", {"username": "alice", "password": PASSWORD}, status=401)
