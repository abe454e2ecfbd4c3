"""Change my password: this browser stays signed in, every other session of mine ends,
and each refusal is shown beside its field with nothing changed."""

from __future__ import annotations

import html

from tests.integration.http.conftest import PASSWORD, bearer

from .conftest import Browser, Web

NEW = "a brand new password"


def _field_error(page: str, field: str) -> str:
    marker = f'<p class="error" id="{field}-error">'
    assert marker in page, f"no error beside {field}"
    return html.unescape(page.split(marker, 1)[1].split("</p>", 1)[0])


def test_the_page_and_the_links_everyone_signed_in_gets(browser: Browser) -> None:
    assert browser.get("/account/password", status=303).headers["location"].startswith("/sign-in")
    browser.person("alice")
    tasks = browser.get("/").text
    assert '<a href="/account/password">Change password</a>' in tasks
    assert 'href="/admin' not in tasks  # not staff: no admin link
    page = browser.get("/account/password")
    assert page.headers["content-security-policy"].startswith("default-src 'self'")
    assert "<h1>Change my password</h1>" in page.text
    assert '<label for="current_password">Current password</label>' in page.text
    assert '<label for="new_password">New password</label>' in page.text
    assert 'autocomplete="current-password"' in page.text


def test_a_change_keeps_this_browser_and_ends_my_other_sessions(web: Web) -> None:
    here = web.browser().person("alice")
    elsewhere = web.browser()
    elsewhere.sign_in("alice")
    elsewhere.get("/")
    api_session = web.api.login("alice")

    here.get("/account/password")
    response = here.post(
        "/account/password",
        {"current_password": PASSWORD, "new_password": NEW, "new_password_confirm": NEW},
    )
    assert response.headers["location"] == "/account/password?changed=true"
    done = here.get("/account/password?changed=true").text
    assert "Your password was changed." in done
    assert "<h1>My tasks</h1>" in here.get("/").text  # this browser is still signed in

    assert elsewhere.get("/", status=303).headers["location"].startswith("/sign-in")
    refresh = web.api.client.post("/api/token/refresh/", json={"refresh": api_session["refresh"]})
    assert refresh.status_code == 401
    old = web.api.client.post("/api/token/", json={"username": "alice", "password": PASSWORD})
    assert old.status_code == 401
    tokens = web.api.login("alice", NEW)
    assert web.api.client.get("/api/tasks/", headers=bearer(tokens["access"])).status_code == 200


def test_a_wrong_current_password_changes_nothing(web: Web, browser: Browser) -> None:
    browser.person("alice")
    other = web.api.login("alice")
    before = web.accounts_and_tasks()
    browser.get("/account/password")
    page = browser.post(
        "/account/password",
        {"current_password": "not my password", "new_password": NEW, "new_password_confirm": NEW},
        status=400,
    ).text
    assert _field_error(page, "current_password") == (
        "That is not your current password. Nothing was changed."
    )
    assert 'aria-invalid="true"' in page
    assert "not my password" not in page
    assert NEW not in page
    assert web.accounts_and_tasks() == before
    refresh = web.api.client.post("/api/token/refresh/", json={"refresh": other["refresh"]})
    assert refresh.status_code == 200  # my other session did not end
    browser.get("/")


def test_a_short_new_password_is_named(web: Web, browser: Browser) -> None:
    browser.person("alice")
    before = web.accounts_and_tasks()
    browser.get("/account/password")
    page = browser.post(
        "/account/password",
        {"current_password": PASSWORD, "new_password": "short", "new_password_confirm": "short"},
        status=400,
    ).text
    assert "at least 8 characters" in _field_error(page, "new_password")
    assert web.accounts_and_tasks() == before
    web.api.login("alice", PASSWORD)


def test_signed_out_the_form_goes_to_sign_in(web: Web, browser: Browser) -> None:
    web.api.sign_up("alice")
    browser.get("/sign-in")
    response = browser.post(
        "/account/password",
        {"current_password": PASSWORD, "new_password": NEW, "new_password_confirm": NEW},
        status=303,
    )
    assert response.headers["location"].startswith("/sign-in")
    web.api.login("alice", PASSWORD)
