"""The admin staff can use: tables with counts, users filtered by active and staff, tasks
by owner name with the heading naming them, make and unmake staff (never the last active
staff), delete any task, every action naming whom it was done to and keeping the page,
the task count on a user's delete confirmation, and the audit log."""

from __future__ import annotations

import html
import re

from .conftest import Browser, Web
from .test_admin_pages import _names, _root

LAST_STAFF = "The last active staff account cannot be {}. Nothing was changed."


def _users(web: Web, *names: str) -> dict[str, int]:
    return {name: web.api.sign_up(name) for name in names}


def test_users_filtered_by_flags_with_their_count(web: Web) -> None:
    root = _root(web)
    ids = _users(web, "alice", "bob", "carol")
    web.deactivate("bob")
    everyone = root.get("/admin/users").text
    assert '<span class="count">(4)</span>' in everyone
    assert _names(everyone) == ["root", "alice", "bob", "carol"]
    inactive = root.get("/admin/users?active=no").text
    assert _names(inactive) == ["bob"]
    assert ', inactive <span class="count">(1)</span>' in inactive
    assert '<option value="no" selected>' in inactive
    staff = root.get("/admin/users?staff=yes").text
    assert _names(staff) == ["root"]
    assert f"/admin/users/{ids['alice']}/staff" not in staff


def test_make_and_unmake_staff_naming_them_and_keeping_the_filters(web: Web) -> None:
    root = _root(web)
    alice = _users(web, "alice")["alice"]
    root.get("/admin/users?search=al&active=yes")
    state = {"search": "al", "active": "yes", "after": "", "staff": ""}
    made = root.post(f"/admin/users/{alice}/staff", state)
    assert made.headers["location"] == (
        "/admin/users?search=al&active=yes&notice=staffed&who=alice"
    )
    page = root.get(made.headers["location"]).text
    assert '<strong><bdi class="text">alice</bdi></strong> is staff now.' in page
    assert '<span class="badge">staff</span>' in page
    unmade = root.post(f"/admin/users/{alice}/unstaff", state)
    assert "notice=unstaffed&who=alice" in unmade.headers["location"]
    assert "is no longer staff" in root.get(unmade.headers["location"]).text


def test_the_last_active_staff_cannot_be_unmade(web: Web) -> None:
    root = _root(web)
    root_id = web.user_id("root")
    before = web.accounts_and_tasks()
    root.get("/admin/users")
    refused = root.post(f"/admin/users/{root_id}/unstaff", {"search": "ro", "after": ""})
    page = root.get(refused.headers["location"], status=409).text
    assert 'role="alert"' in page
    assert "Nothing was changed." in page
    assert 'value="ro"' in page
    assert web.accounts_and_tasks() == before


def test_delete_confirmation_counts_their_tasks(web: Web) -> None:
    root = _root(web)
    alice = web.browser().person("alice")
    for n in range(3):
        alice.create(f"task {n}")
    alice_id = web.user_id("alice")
    page = root.get(f"/admin/users/{alice_id}/delete?search=al").text
    assert "their 3 tasks" in page
    assert '<input type="hidden" name="search" value="al">' in page
    response = root.post(f"/admin/users/{alice_id}/delete", {"search": "al"})
    assert response.headers["location"] == "/admin/users?search=al&notice=deleted&who=alice"


def test_tasks_by_owner_name_with_the_heading_naming_them(web: Web) -> None:
    root = _root(web)
    alice = web.browser().person("alice")
    alice.create("Alice's task", "90")
    web.browser().person("bob").create("Bob's task")
    page = root.get("/admin/tasks?owner_name=alice").text
    assert '<h1>Tasks of <bdi class="text" dir="auto">alice</bdi></h1>' in page
    assert [html.unescape(n) for n in _names(page)] == ["Alice's"]
    assert "1 h 30 min" in page
    assert '<span class="count">(1 task)</span>' in page
    nobody = root.get("/admin/tasks?owner_name=nobody").text
    assert "No task matches." in nobody
    users = root.get("/admin/users").text
    assert 'href="/admin/tasks?owner_name=alice"' in users


def test_staff_delete_any_task_naming_it_and_keeping_the_filter(web: Web) -> None:
    root = _root(web)
    web.browser().person("alice").create("Alice's task")
    (task_id,) = web.task_ids()
    page = root.get("/admin/tasks?owner_name=alice").text
    assert f'href="/admin/tasks/{task_id}/delete?owner_name=alice"' in page
    form = {"owner_name": "alice"}
    response = root.post(f"/admin/tasks/{task_id}/delete", form)
    location = response.headers["location"]
    assert location.startswith("/admin/tasks?owner_name=alice&")
    assert web.task_ids() == []
    shown = root.get(location).text
    assert 'The task <strong><bdi class="text">Alice&#39;s task</bdi></strong> was deleted.' in (
        shown
    )


def test_a_user_who_is_not_staff_cannot_delete_a_task(web: Web) -> None:
    _root(web)
    alice = web.browser().person("alice")
    alice.create("Alice's task")
    (task_id,) = web.task_ids()
    alice.get("/")
    alice.post(f"/admin/tasks/{task_id}/delete", {}, status=403)
    assert web.task_ids() == [task_id]


def test_the_audit_log_says_who_did_what_to_whom_and_when(web: Web) -> None:
    root = _root(web)
    alice = _users(web, "alice")["alice"]
    root.get("/admin/users")
    root.post(f"/admin/users/{alice}/staff", {})
    root.post(f"/admin/users/{alice}/deactivate", {})
    page = root.get("/admin/audit").text
    assert "<h1>Audit log</h1>" in page
    rows = re.findall(r"<tr>(.*?)</tr>", page.split("<tbody>", 1)[1], re.S)
    assert len(rows) == 2
    assert "deactivated" in rows[0]
    assert "made staff" in rows[1]
    assert '<bdi class="text" dir="auto">root</bdi>' in rows[0]
    assert '<bdi class="text" dir="auto">alice</bdi>' in rows[0]
    assert "<time datetime=" in rows[0]
    assert 'aria-current="page">Audit log' in page


def test_only_staff_read_the_audit_log(web: Web, browser: Browser) -> None:
    browser.person("alice")
    browser.get("/admin/audit", status=403)
