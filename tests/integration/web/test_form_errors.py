"""Every refusal the API would give, shown beside its field with what was typed kept."""

from __future__ import annotations

import html

import attrs
import pytest

from selteq_adapters.container import Overrides
from selteq_adapters.settings import Rate, Settings
from selteq_core.memory import ManualClock
from tests.integration.http.conftest import PASSWORD, running

from .conftest import Browser, Web


def _field_error(page: str, field: str) -> str:
    marker = f'<p class="error" id="{field}-error">'
    assert marker in page, f"no error beside {field}"
    return html.unescape(page.split(marker, 1)[1].split("</p>", 1)[0])


@pytest.mark.parametrize(
    ("title", "duration", "field", "words"),
    [
        ("   ", "30", "title", "Title is required."),
        ("x" * 201, "30", "title", "Title must be at most 200 characters. This one has 201."),
        ("Fine", "ten", "duration", "Duration must be a whole number of minutes, 1 or more."),
        ("Fine", "0", "duration", "Duration must be 1 or more (at most 2,147,483,647)."),
        ("Fine", "2147483648", "duration", "Duration must be 1 or more (at most 2,147,483,647)."),
    ],
)
def test_a_bad_task_is_refused_beside_its_field_with_the_input_kept(
    web: Web, browser: Browser, title: str, duration: str, field: str, words: str
) -> None:
    browser.person("alice")
    page = browser.post("/tasks", {"title": title, "duration": duration}, status=400).text
    assert _field_error(page, field) == words
    assert 'aria-invalid="true"' in page
    assert f'value="{html.escape(title)}"' in page
    assert f'value="{html.escape(duration)}"' in page
    assert web.task_ids() == []


def test_both_fields_wrong_are_both_named(browser: Browser) -> None:
    browser.person("alice")
    page = browser.post("/tasks", {"title": "", "duration": "-3"}, status=400).text
    assert _field_error(page, "title") == "Title is required."
    assert (
        _field_error(page, "duration") == "Duration must be a whole number of minutes, 1 or more."
    )


def test_a_bad_rename_keeps_the_typed_title(web: Web, browser: Browser) -> None:
    browser.person("alice")
    browser.create("Kept")
    (task_id,) = web.task_ids()
    browser.get(f"/tasks/{task_id}/rename")
    long_title = "y" * 250
    page = browser.post(f"/tasks/{task_id}/rename", {"title": long_title}, status=400).text
    assert _field_error(page, "title") == "Title must be at most 200 characters. This one has 250."
    assert f'value="{long_title}"' in page
    assert "Kept" in browser.get("/").text


def test_a_taken_username_and_a_short_password(browser: Browser) -> None:
    browser.sign_up("alice")
    browser.get("/sign-up")
    page = browser.post(
        "/sign-up",
        {"username": "alice", "password": PASSWORD, "password_confirm": PASSWORD},
        status=409,
    ).text
    assert _field_error(page, "username") == "That username is taken; choose another."
    assert 'value="alice"' in page
    page = browser.post(
        "/sign-up",
        {"username": "bob!", "password": "short", "password_confirm": "short"},
        status=400,
    ).text
    assert "may hold only letters" in _field_error(page, "username")
    assert "at least 8 characters" in _field_error(page, "password")
    assert 'value="bob!"' in page
    assert "short" not in page.split("<main>", 1)[1]  # a password is never sent back


def test_a_wrong_password_says_so_and_keeps_the_username(browser: Browser) -> None:
    browser.sign_up("alice")
    browser.get("/sign-in")
    page = browser.post(
        "/sign-in", {"username": "alice", "password": "not the password"}, status=401
    ).text
    assert "do not match an account" in page
    assert 'value="alice"' in page
    assert "not the password" not in page
    assert browser.session == ""


def test_the_login_throttle_counts_the_form_and_the_api_together(
    settings: Settings, clock: ManualClock
) -> None:
    limited = attrs.evolve(settings, login_rate=Rate(2, 60))
    with running(limited, clock, Overrides()) as api:
        api.sign_up("alice")
        browser = Browser(api.client)
        browser.get("/sign-in")
        wrong = {"username": "alice", "password": "not the password"}
        browser.post("/sign-in", wrong, status=401)
        assert api.client.post("/api/token/", json=wrong).status_code == 401
        response = browser.post("/sign-in", {"username": "alice", "password": PASSWORD}, status=429)
        wait = int(response.headers["retry-after"])
        assert 1 <= wait <= 60
        assert f"Too many attempts. Try again in {wait} seconds." in response.text
        assert 'value="alice"' in response.text
        api_answer = api.client.post(
            "/api/token/", json={"username": "alice", "password": PASSWORD}
        )
        assert api_answer.status_code == 429
