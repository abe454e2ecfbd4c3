"""The header names the signed-in person on every page, isolated like any text a person
typed: a long name wraps, a right-to-left name cannot reorder the words around it."""

from __future__ import annotations

import re

import pytest

from .conftest import Browser, Web

LONG = "a" * 150
RTL = "\u05e9\u05e8\u05d4_\u0645\u0631\u064a\u0645"
WHO = re.compile(
    r'<span class="who">Signed in as <bdi class="text" dir="auto">'
    r"<strong>([^<]*)</strong></bdi></span>"
)


def _named(html: str) -> list[str]:
    return WHO.findall(html)


@pytest.mark.parametrize("username", [LONG, RTL], ids=["150 characters", "right to left"])
def test_every_signed_in_page_names_the_person(web: Web, browser: Browser, username: str) -> None:
    browser.person(username)
    browser.create("First")
    (task_id,) = web.task_ids()
    pages = [
        "/",
        "/?search=First",
        f"/tasks/{task_id}/rename",
        f"/tasks/{task_id}/delete",
        "/account/password",
        "/tasks/999999/rename",
    ]
    for path in pages:
        status = 404 if "999999" in path else 200
        assert _named(browser.get(path, status=status).text) == [username], path


def test_a_staff_persons_name_and_link_come_from_the_same_read(web: Web) -> None:
    """Made staff while signed in: the next page shows the Admin link (the trade reads the
    row each time), and the name all along."""
    browser = web.browser().person("grace")
    assert 'href="/admin/users"' not in browser.get("/").text
    web.staff("root")
    root = web.browser()
    root.sign_in("root")
    root.get("/admin/users")
    root.post(f"/admin/users/{web.user_id('grace')}/staff", {})
    page = browser.get("/").text
    assert 'href="/admin/users"' in page
    assert _named(page) == ["grace"]


def test_no_name_for_a_stranger(browser: Browser) -> None:
    assert _named(browser.get("/sign-in").text) == []
    assert 'class="who"' not in browser.get("/no-such-page", status=404).text
