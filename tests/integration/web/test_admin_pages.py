"""The staff pages: users (search, pages, deactivate, activate, reset, delete) and every
task (pages, filters); the last staff account stays; the signed-out go to sign in."""

from __future__ import annotations

import html
import re
from datetime import timedelta

from tests.integration.http.conftest import PASSWORD, bearer

from .conftest import Browser, Web

NEW = "a password reset by staff"
LAST_STAFF = "The last active staff account cannot be {}. Nothing was changed."


def _names(page: str) -> list[str]:
    return re.findall(r'<bdi class="task-title text" dir="auto">([^< ]+)', page)


def _next(page: str) -> str:
    [link] = re.findall(r'<a rel="next" href="([^"]+)">', page)
    return html.unescape(link)


def _root(web: Web) -> Browser:
    web.staff("root")
    root = web.browser()
    root.sign_in("root")
    return root


def test_staff_get_the_admin_link_and_pages(web: Web) -> None:
    root = _root(web)
    alice = web.api.sign_up("alice")
    assert '<a href="/admin/users">Admin</a>' in root.get("/").text
    for path, heading in (
        ("/admin/users", "Users"),
        ("/admin/tasks", "Every task"),
        (f"/admin/users/{alice}/password", "Reset a password"),
        (f"/admin/users/{alice}/delete", "Delete a user?"),
    ):
        response = root.get(path)
        assert f"<h1>{heading}</h1>" in response.text
        assert response.headers["cache-control"] == "no-store"
        assert "unsafe-inline" not in response.headers["content-security-policy"]
        assert not re.search(r"<script(?![^>]*src=\"/assets/)", response.text)
    confirm = root.get(f"/admin/users/{alice}/delete").text
    assert '<strong><bdi class="text" dir="auto">alice</bdi></strong> and no tasks' in confirm
    root.get("/admin/users/999999/delete", status=404)


def test_users_by_page_and_by_search(web: Web) -> None:
    root = _root(web)
    for number in range(1, 23):
        web.api.container.register_user(f"user{number:02d}", PASSWORD)
    first = root.get("/admin/users").text
    assert _names(first)[:3] == ["root", "user01", "user02"]
    assert len(_names(first)) == 20
    second = root.get(_next(first)).text
    assert _names(second) == ["user20", "user21", "user22"]
    assert 'rel="next"' not in second
    found = root.get("/admin/users?search=USER1").text
    assert _names(found) == [f"user{n}" for n in range(10, 20)]
    assert 'value="USER1"' in found
    refused = root.get("/admin/users?search=" + "x" * 201, status=400).text
    assert 'id="search-error"' in refused


def test_deactivate_ends_every_session_then_reset_and_activate(web: Web) -> None:
    root = _root(web)
    alice = web.browser().person("alice")
    alice_id = web.user_id("alice")
    token = bearer(web.api.login("alice")["access"])
    assert web.api.client.get("/api/tasks/", headers=token).status_code == 200

    root.get("/admin/users?search=ali")
    response = root.post(
        f"/admin/users/{alice_id}/deactivate", {"search": "ali", "after": ""}, status=303
    )
    assert response.headers["location"] == "/admin/users?search=ali&notice=deactivated&who=alice"
    listing = root.get(response.headers["location"]).text
    assert '<strong><bdi class="text">alice</bdi></strong> was deactivated' in listing
    assert '<span class="badge off">inactive</span>' in listing
    assert alice.get("/", status=303).headers["location"].startswith("/sign-in")
    assert web.api.client.get("/api/tasks/", headers=token).status_code == 401

    root.get(f"/admin/users/{alice_id}/password")
    root.post(
        f"/admin/users/{alice_id}/password", {"new_password": NEW, "new_password_confirm": NEW}
    )
    root.get("/admin/users")
    root.post(f"/admin/users/{alice_id}/activate", {"search": "", "after": ""})
    listing = root.get("/admin/users?notice=activated").text
    assert "they can sign in again" in listing
    alice.sign_in("alice", NEW)
    assert "<h1>My tasks</h1>" in alice.get("/").text


def test_a_short_reset_password_is_named(web: Web) -> None:
    root = _root(web)
    alice_id = web.api.sign_up("alice")
    before = web.accounts_and_tasks()
    root.get(f"/admin/users/{alice_id}/password")
    short = {"new_password": "short", "new_password_confirm": "short"}
    page = root.post(f"/admin/users/{alice_id}/password", short, status=400)
    assert 'id="new_password-error"' in page.text
    assert '<strong><bdi class="text" dir="auto">alice</bdi></strong>' in page.text
    assert 'value="short"' not in page.text
    assert web.accounts_and_tasks() == before


def test_delete_after_a_confirmation_takes_their_tasks(web: Web) -> None:
    root = _root(web)
    alice = web.browser().person("alice")
    alice.create("Alice's task")
    alice_id = web.user_id("alice")
    before = web.accounts_and_tasks()
    root.get(f"/admin/users/{alice_id}/delete")
    assert web.accounts_and_tasks() == before  # the confirmation page changes nothing
    response = root.post(f"/admin/users/{alice_id}/delete", {})
    assert response.headers["location"] == "/admin/users?notice=deleted&who=alice"
    assert [row[1] for row in web.snapshot()["users"]] == ["root"]
    assert web.task_ids() == []
    assert alice.get("/", status=303).headers["location"].startswith("/sign-in")


def test_the_last_staff_account_stays_and_the_page_says_so(web: Web) -> None:
    root = _root(web)
    root_id = web.user_id("root")
    before = web.accounts_and_tasks()
    root.get("/admin/users")
    refused = root.post(f"/admin/users/{root_id}/deactivate", {"search": "ro", "after": ""})
    assert refused.headers["location"] == "/admin/users?search=ro"  # post/redirect/get
    page = root.get(refused.headers["location"], status=409).text
    assert LAST_STAFF.format("deactivated") in page
    assert 'value="ro"' in page  # the same search, shown again
    root.get(f"/admin/users/{root_id}/delete")
    page = root.post(f"/admin/users/{root_id}/delete", {}, status=409).text
    assert LAST_STAFF.format("deleted") in page
    assert '<strong><bdi class="text" dir="auto">root</bdi></strong>' in page
    assert web.accounts_and_tasks() == before
    root.get("/admin/users")  # still signed in, still staff


def test_every_task_by_page_owner_date_and_title(web: Web) -> None:
    clock = web.api.clock
    clock.current = clock.current.replace(hour=8, minute=0)  # the tasks below share a day
    root = _root(web)
    alice = bearer(web.api.login(_signed_up(web, "alice"))["access"])
    bob = bearer(web.api.login(_signed_up(web, "bob"))["access"])
    assert clock.now().hour == 8
    first_day = clock.now().date()
    for number in range(1, 22):
        web.api.create(alice if number % 2 else bob, f"job{number:02d}", number)
        clock.advance(10)  # well within the access tokens' life
    clock.advance(16 * 3600)  # the next day, within root's session
    web.api.create(bearer(web.api.login("bob")["access"]), "tomorrow", 5)

    page = root.get("/admin/tasks").text
    titles = _names(page)
    assert titles[:3] == ["tomorrow", "job21", "job20"]
    assert len(titles) == 20
    assert ">alice</bdi></a>" in page
    assert ">bob</bdi></a>" in page
    assert _names(root.get(_next(page)).text) == ["job02", "job01"]

    alice_id = web.user_id("alice")
    owned = _names(root.get(f"/admin/tasks?owner={alice_id}").text)
    assert owned == [f"job{n:02d}" for n in range(21, 0, -2)]
    day = first_day.isoformat()
    one_day = root.get(f"/admin/tasks?created_from={day}&created_to={day}&search=JOB2").text
    assert _names(one_day) == ["job21", "job20"]
    assert f'value="{day}"' in one_day
    tomorrow = (first_day + timedelta(days=1)).isoformat()
    assert _names(root.get(f"/admin/tasks?created_from={tomorrow}").text) == ["tomorrow"]


def test_a_filter_that_is_not_one_is_named(web: Web) -> None:
    root = _root(web)
    page = root.get("/admin/tasks?owner=abc&created_from=31/12/2025", status=400).text
    assert "must be a user id" in page.split('id="owner-error">', 1)[1]
    assert "YYYY-MM-DD" in page.split('id="created_from-error">', 1)[1]
    assert 'value="abc"' in page
    page = root.get("/admin/tasks?created_from=2026-02-02&created_to=2026-02-01", status=400).text
    assert "must be after" in page.split('id="created_to-error">', 1)[1]


def _signed_up(web: Web, username: str) -> str:
    web.api.sign_up(username)
    return username
