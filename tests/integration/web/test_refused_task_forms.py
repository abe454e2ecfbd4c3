"""A refused task form (add, rename, delete) answers 303 to the form's own page, which shows
the refusal and what was typed once: Back and reload never post the form again. An
over-long title is refused in words, with the whole text kept, never cut to fit."""

from __future__ import annotations

import re
from urllib.parse import quote

from selteq_core import TITLE_MAX

from .conftest import Browser, Web

TOO_LONG = "z" * 5_000


def _post(browser: Browser, path: str, data: dict[str, str]) -> str:
    """The refusal's 303, its location returned (not followed)."""
    response = browser.client.post(
        path, data={**data, "_csrf_token": browser.token}, follow_redirects=False
    )
    assert response.status_code == 303, response.text
    assert "selteq_flash=" in response.headers["set-cookie"]
    return str(response.headers["location"])


def _title_error(html: str) -> str:
    found = re.search(r'<p class="error" id="title-error">([^<]*)</p>', html)
    return found[1] if found else ""


def test_a_refused_add_shows_once_on_the_list_it_came_from(web: Web, browser: Browser) -> None:
    browser.person("alice")
    for n in range(3):
        browser.create(f"Task {n}")
    browser.get("/?search=Task&ordering=duration")
    before = web.accounts_and_tasks()
    back = "search=Task&ordering=duration"
    location = _post(browser, "/tasks", {"title": "Typed", "duration": "-5", "back": back})
    assert location == f"/?{back}"

    shown = browser.get(location, status=400).text
    assert "Duration must be a whole number of minutes, 1 or more." in shown
    assert 'value="Typed"' in shown
    assert 'value="-5"' in shown
    assert "titles holding" in shown  # the list's search is kept
    again = browser.get(location).text
    assert "Duration must be" not in again
    assert 'value="Typed"' not in again
    assert web.accounts_and_tasks() == before


def test_an_over_long_title_is_refused_whole_and_kept(web: Web, browser: Browser) -> None:
    browser.person("alice")
    page = browser.get("/").text
    assert "maxlength" not in page.split('id="title"', 1)[1].split(">", 1)[0]
    before = web.accounts_and_tasks()
    shown = browser.post("/tasks", {"title": TOO_LONG, "duration": "5"}, status=400).text
    assert _title_error(shown) == (
        f"Title must be at most {TITLE_MAX} characters. This one has 5,000."
    )
    assert f'value="{TOO_LONG}"' in shown
    assert web.accounts_and_tasks() == before


def test_a_refused_rename_shows_once_on_its_page(web: Web, browser: Browser) -> None:
    browser.person("alice")
    browser.create("Kept")
    (task_id,) = web.task_ids()
    browser.get(f"/tasks/{task_id}/rename?back={quote('ordering=duration')}")
    before = web.accounts_and_tasks()
    location = _post(
        browser, f"/tasks/{task_id}/rename", {"title": TOO_LONG, "back": "ordering=duration"}
    )
    assert location == f"/tasks/{task_id}/rename?back={quote('ordering=duration', safe='')}"
    shown = browser.get(location, status=400).text
    assert _title_error(shown).startswith(f"Title must be at most {TITLE_MAX} characters.")
    assert f'value="{TOO_LONG}"' in shown
    assert 'name="back" value="ordering=duration"' in shown
    again = browser.get(location).text
    assert 'value="Kept"' in again
    assert _title_error(again) == ""
    assert web.accounts_and_tasks() == before


def test_a_refused_delete_goes_to_a_page_too(web: Web, browser: Browser) -> None:
    """Someone else's task is not found: the 303 leads to the page, which says so."""
    alice = web.browser().person("alice")
    alice.create("Hers")
    (task_id,) = web.task_ids()
    browser.person("bob")
    location = _post(browser, f"/tasks/{task_id}/delete", {})
    assert location == f"/tasks/{task_id}/delete"
    assert "There is no such task" in browser.get(location, status=404).text
    assert web.task_ids() == [task_id]


def test_a_paste_too_big_for_the_cookie_is_answered_directly_and_kept(
    web: Web, browser: Browser
) -> None:
    """Text that cannot be carried through a redirect is never cut: the form answers itself."""
    browser.person("alice")
    browser.get("/")
    noise = "".join(chr(0x4E00 + (n * 7919) % 20_000) for n in range(3_000))
    response = browser.client.post(
        "/tasks",
        data={"title": noise, "duration": "5", "_csrf_token": browser.token},
        follow_redirects=False,
    )
    assert response.status_code == 400
    assert f'value="{noise}"' in response.text
    assert web.task_ids() == []
