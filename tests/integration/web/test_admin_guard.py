"""Only staff reach the staff pages: anyone else signed in gets the 403 page on every page
and every form, with nothing changed; the signed-out are sent to sign in."""

from __future__ import annotations

import pytest

from tests.integration.http.conftest import PASSWORD

from .conftest import Browser, Web

PAGES = [
    "/admin/users",
    "/admin/users?search=alice",
    "/admin/users?search=" + "x" * 201,
    "/admin/tasks",
    "/admin/tasks?owner=1&created_from=2026-01-01&created_to=2026-12-31&search=a",
    "/admin/tasks?owner=abc",
    "/admin/users/{victim}/password",
    "/admin/users/{victim}/delete",
]
POSTS = {
    "/admin/users/{victim}/deactivate": {"search": "", "after": ""},
    "/admin/users/{victim}/activate": {"search": "", "after": ""},
    "/admin/users/{victim}/password": {"new_password": "hijacked password"},
    "/admin/users/{victim}/delete": {},
}


def _victim(web: Web) -> int:
    """A user with a task and a live session, who must come through untouched."""
    victim = web.browser().person("victim")
    victim.create("Victim's task")
    return web.user_id("victim")


@pytest.fixture
def bob(web: Web) -> Browser:
    web.staff("root")
    return web.browser().person("bob")


def test_no_admin_link_for_someone_not_staff(bob: Browser) -> None:
    page = bob.get("/").text
    assert 'href="/admin' not in page
    assert 'href="/account/password"' in page


@pytest.mark.parametrize("path", PAGES)
def test_every_staff_page_is_403_for_someone_else(web: Web, bob: Browser, path: str) -> None:
    victim = _victim(web)
    before = web.accounts_and_tasks()
    response = bob.get(path.format(victim=victim), status=403)
    assert "This is for staff only. Nothing was changed." in response.text
    assert response.headers["content-type"].startswith("text/html")
    assert "victim" not in response.text.split("<main>", 1)[1]
    assert web.accounts_and_tasks() == before
    bob.get("/")  # the 403 page handed bob's traded cookie back


@pytest.mark.parametrize("path", sorted(POSTS))
def test_every_staff_form_is_403_for_someone_else(web: Web, bob: Browser, path: str) -> None:
    victim = _victim(web)
    victims_session = None
    if path.endswith("/activate"):
        web.deactivate("victim")  # so that activating would change something
    else:
        victims_session = web.api.login("victim")
    before = web.accounts_and_tasks()
    bob.get("/")
    response = bob.post(path.format(victim=victim), POSTS[path], status=403)
    assert "This is for staff only. Nothing was changed." in response.text
    assert web.accounts_and_tasks() == before
    if victims_session is not None:  # their sessions were not ended either
        refresh = web.api.client.post(
            "/api/token/refresh/", json={"refresh": victims_session["refresh"]}
        )
        assert refresh.status_code == 200
    bob.get("/")


def test_the_signed_out_are_sent_to_sign_in(web: Web, browser: Browser) -> None:
    victim = _victim(web)
    browser.get("/sign-in")
    before = web.accounts_and_tasks()
    for path in PAGES:
        response = browser.get(path.format(victim=victim), status=303)
        assert response.headers["location"].startswith("/sign-in")
    for path, data in POSTS.items():
        response = browser.post(path.format(victim=victim), data, status=303)
        assert response.headers["location"].startswith("/sign-in")
    assert web.accounts_and_tasks() == before


def test_a_staff_account_deactivated_loses_the_pages_at_once(web: Web) -> None:
    web.staff("root")
    web.staff("second")
    second = web.browser()
    second.sign_in("second", PASSWORD)
    assert "Admin</a>" in second.get("/").text
    root = web.browser()
    root.sign_in("root", PASSWORD)
    root.get("/admin/users")
    root.post(f"/admin/users/{web.user_id('second')}/deactivate", {"search": "", "after": ""})
    assert second.get("/admin/users", status=303).headers["location"].startswith("/sign-in")
