"""No field cuts what a person pastes: no input carries ``maxlength``, and text longer than a
rule allows is refused in words (sign-up) or searched as it was typed (the lists)."""

from __future__ import annotations

from selteq_core import USERNAME_MAX

from .conftest import PASSWORD, Browser, Web

LONG = "ab" * 160  # 320 characters: longer than any username, title or search allows


def test_no_page_cuts_what_is_typed(web: Web, browser: Browser) -> None:
    web.staff("root")
    pages = ["/sign-in", "/sign-up"]
    for page in pages:
        assert "maxlength" not in browser.get(page).text, page
    browser.sign_in("root")
    for page in ["/", "/admin/users", "/admin/tasks", "/admin/schedules/new"]:
        assert "maxlength" not in browser.get(page).text, page


def test_an_over_long_username_is_refused_in_words_and_kept(web: Web, browser: Browser) -> None:
    before = web.accounts_and_tasks()
    browser.get("/sign-up")
    shown = browser.post(
        "/sign-up",
        {"username": LONG, "password": PASSWORD, "password_confirm": PASSWORD},
        status=400,
    ).text
    assert f"Username must be {USERNAME_MAX} characters or fewer." in shown
    assert f'value="{LONG}"' in shown  # kept whole, to be shortened by the person
    assert web.accounts_and_tasks() == before


def test_an_over_long_search_is_refused_in_words_and_kept(web: Web, browser: Browser) -> None:
    browser.person("alice")
    browser.create("short title")
    shown = browser.get(f"/?search={LONG}", status=400).text
    assert f'value="{LONG}"' in shown
    assert "Search must be at most 200 characters" in shown, shown
