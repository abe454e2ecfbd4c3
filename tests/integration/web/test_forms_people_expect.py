"""Forms as people expect them: one pass, plain words, refusals that survive Back, new
passwords typed twice, usernames trimmed, deactivation told as such."""

from __future__ import annotations

import re

from tests.integration.http.conftest import PASSWORD

from .conftest import Browser, Web

NEW = "a much newer secret"


def _field_error(html: str, name: str) -> str:
    found = re.search(rf'<p class="error" id="{name}-error">([^<]*)</p>', html)
    assert found, f"no message beside {name}"
    return found[1]


def test_a_refused_sign_in_is_a_redirect_to_a_page_shown_once(web: Web, browser: Browser) -> None:
    web.api.sign_up("alice")
    browser.get("/sign-in")
    wrong = {"username": "alice", "password": "not the password"}
    posted = browser.client.post(
        "/sign-in", data={**wrong, "_csrf_token": browser.token}, follow_redirects=False
    )
    assert posted.status_code == 303
    assert posted.headers["location"] == "/sign-in"
    shown = browser.get("/sign-in", status=401)
    assert "do not match an account" in shown.text
    assert 'value="alice"' in shown.text
    again = browser.get("/sign-in")  # a reload, or Back to it later: the plain form
    assert "do not match" not in again.text


def test_blank_fields_are_required_in_one_answer(web: Web, browser: Browser) -> None:
    browser.get("/sign-in")
    page = browser.post("/sign-in", {"username": "  ", "password": ""}, status=400).text
    assert _field_error(page, "username") == "Username is required."
    assert _field_error(page, "password") == "Password is required."
    browser.person("alice")
    page = browser.post("/tasks", {"title": " ", "duration": "0"}, status=400).text
    assert _field_error(page, "title") == "Title is required."
    assert _field_error(page, "duration") == "Duration must be 1 or more (at most 2,147,483,647)."


def test_usernames_are_trimmed_and_typed_as_names(web: Web, browser: Browser) -> None:
    page = browser.get("/sign-up").text
    assert 'autocapitalize="none"' in page
    assert 'spellcheck="false"' in page
    browser.post(
        "/sign-up", {"username": " alice ", "password": PASSWORD, "password_confirm": PASSWORD}
    )
    assert 'autocapitalize="none"' in browser.get("/sign-in").text
    response = browser.post("/sign-in", {"username": "alice  ", "password": PASSWORD})
    assert response.headers["location"] == "/"


def test_a_new_password_is_typed_twice_and_must_be_strong(web: Web, browser: Browser) -> None:
    browser.get("/sign-up")
    mismatch = {"username": "bob", "password": PASSWORD, "password_confirm": PASSWORD + "x"}
    page = browser.post("/sign-up", mismatch, status=400).text
    assert "does not match" in _field_error(page, "password_confirm")
    weak = {"username": "bob", "password": "password", "password_confirm": "password"}
    page = browser.post("/sign-up", weak, status=400).text
    assert "too easy to guess" in _field_error(page, "password")
    same = {"username": "bobbybobby", "password": "bobbybobby1", "password_confirm": "bobbybobby1"}
    page = browser.post("/sign-up", same, status=400).text
    assert "Password" in _field_error(page, "password")
    assert web.snapshot()["users"] == []


def test_a_new_password_equal_to_the_current_one_is_refused(browser: Browser) -> None:
    browser.person("alice")
    browser.get("/account/password")
    typed = {
        "current_password": PASSWORD,
        "new_password": PASSWORD,
        "new_password_confirm": PASSWORD,
    }
    page = browser.post("/account/password", typed, status=400).text
    assert "different from the current password" in _field_error(page, "new_password")
    mismatch = {"current_password": PASSWORD, "new_password": NEW, "new_password_confirm": "other"}
    page = browser.post("/account/password", mismatch, status=400).text
    assert "does not match" in _field_error(page, "new_password_confirm")
    assert 'action="/sign-out"' in page  # still signed in: the refusal handed the cookie back
    browser.get("/")
