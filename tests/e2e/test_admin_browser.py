"""The whole story in Chromium, from the keyboard alone, JavaScript on and off, against a
real ``selteq-api`` process with every other origin cut off: a person works with tasks
and changes their password; staff deactivate them (their open page and their API token
stop at once), reset their password and let them back; someone else is refused."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from .accounts import PASSWORD, access_token, api_call, staff_by_cli
from .browser import Visitor, guarded
from .server import LiveServer, live_server

CHANGED = "a changed password"
RESET = "a password staff chose"


@pytest.fixture
def server(tmp_path: Path) -> Iterator[LiveServer]:
    """A server of its own: the staff account made here is the only one."""
    with live_server(tmp_path, SELTEQ_SIGNUP_RATE="1000/minute") as running:
        yield running


def _titles(me: Visitor) -> list[str]:
    return me.page.locator(".task-title").all_inner_texts()


def _follow(me: Visitor, selector: str) -> None:
    me.tab_to(selector)
    me.press_enter()


def _sign_in(me: Visitor, username: str, password: str) -> None:
    me.open("/sign-in")
    me.type_into("#username", username)
    me.type_into("#password", password)
    me.press_enter()


def _person_works_with_tasks(me: Visitor, username: str) -> None:
    me.open("/sign-up")
    me.type_into("#username", username)
    me.type_into("#password", PASSWORD)
    me.type_into("#password_confirm", PASSWORD)
    me.press_enter()
    me.type_into("#password", PASSWORD)  # the sign-in page, the username filled in
    me.press_enter()
    assert me.page.url == me.origin + "/"
    for number in range(1, 6):
        me.type_into("#title", f"Task {number}")
        me.type_into("#duration", str(number * 10))
        me.press_enter()
    assert _titles(me) == ["Task 5", "Task 4", "Task 3", "Task 2", "Task 1"]  # one page
    _follow(me, 'a[href$="/rename"]:has-text("Task 3")')
    me.type_into("#title", "Task 3, renamed")
    me.press_enter()
    _follow(me, 'a[href$="/delete"]:has-text("Task 4")')
    _follow(me, "button.danger")
    assert _titles(me) == ["Task 5", "Task 3, renamed", "Task 2", "Task 1"]


def _changes_password(me: Visitor) -> None:
    _follow(me, 'a[href="/account/password"]')
    me.check("password")
    me.type_into("#current_password", "not my password")
    me.type_into("#new_password", CHANGED)
    me.type_into("#new_password_confirm", CHANGED)
    me.press_enter()
    assert "not your current password" in me.page.locator("#current_password-error").inner_text()
    me.check("password-refused")
    me.type_into("#current_password", PASSWORD)
    me.type_into("#new_password", CHANGED)
    me.type_into("#new_password_confirm", CHANGED)
    me.press_enter()
    assert "Your password was changed" in me.page.locator(".notice").inner_text()
    me.check("password-changed")


def _signs_out_and_back_in(me: Visitor, username: str) -> None:
    _follow(me, "button.quiet")
    assert me.page.url.startswith(me.origin + "/sign-in")
    _sign_in(me, username, PASSWORD)
    assert "do not match an account" in me.page.locator("#form-alert").inner_text()
    _sign_in(me, username, CHANGED)
    assert me.page.url == me.origin + "/"


def _refused_everywhere(server: LiveServer, other: Visitor, person_id: int, token: str) -> None:
    """Someone signed in who is not staff: the 403 page on every staff page and form."""
    pages = ["/admin/users", "/admin/tasks", f"/admin/users/{person_id}/password"]
    pages.append(f"/admin/users/{person_id}/delete")
    for path in pages:
        other.open(path)
        assert other.page.locator("h1").inner_text() == "Forbidden"
    other.check("admin-forbidden")
    forms = {"deactivate": {}, "activate": {}, "password": {"new_password": "hijacked!!zebra"}}
    for action, data in {**forms, "delete": {}}.items():
        other.open("/")
        csrf = other.page.locator('input[name="_csrf_token"]').first.input_value()
        answer = other.context.request.post(
            f"{other.origin}/admin/users/{person_id}/{action}",
            form={**data, "_csrf_token": csrf},
            max_redirects=0,
        )
        assert answer.status == 403, action
    for method, path in (
        ("GET", "/api/admin/users"),
        ("GET", "/api/admin/tasks"),
        ("POST", f"/api/admin/users/{person_id}/deactivate"),
        ("POST", f"/api/admin/users/{person_id}/activate"),
        ("PUT", f"/api/admin/users/{person_id}/password"),
        ("DELETE", f"/api/admin/users/{person_id}"),
    ):
        body = {"new_password": "hijacked!!zebra"} if method == "PUT" else None
        assert api_call(server, method, path, token, body)[0] == 403, path


@pytest.mark.slow
@pytest.mark.parametrize("javascript", [True, False], ids=["javascript", "no-javascript"])
def test_the_people_and_the_staff_from_the_keyboard(
    chromium: Browser, server: LiveServer, javascript: bool
) -> None:
    person, staff = "person", "staff"
    staff_by_cli(server, staff)
    api_call(server, "POST", "/api/users/", body={"username": "spare", "password": PASSWORD})
    with (
        guarded(chromium, server.url, javascript=javascript) as me,
        guarded(chromium, server.url, javascript=javascript) as root,
        guarded(chromium, server.url, javascript=javascript) as other,
    ):
        _person_works_with_tasks(me, person)
        _changes_password(me)
        _signs_out_and_back_in(me, person)
        token = access_token(server, person, CHANGED)
        assert api_call(server, "GET", "/api/tasks/", token)[0] == 200

        _sign_in(root, staff, PASSWORD)
        _follow(root, 'a[href="/admin/users"]')
        root.check("admin-users")
        root.type_into("#search", person)
        root.press_enter()
        root.check("admin-users-search")
        _follow(root, f'button:has-text("Deactivate {person}")')
        assert "every session of theirs ended" in root.page.locator(".notice").inner_text()
        root.check("admin-users-deactivated")

        me.open("/")
        assert me.page.url.startswith(me.origin + "/sign-in")
        assert api_call(server, "GET", "/api/tasks/", token)[0] == 401

        _follow(root, f'a[href*="/password"]:has-text("{person}")')
        root.check("admin-reset")
        root.type_into("#new_password", RESET)
        root.type_into("#new_password_confirm", RESET + "?")
        root.press_enter()  # refused, post/redirect/get: the form again, nothing typed shown
        assert "does not match" in root.page.locator("#new_password_confirm-error").inner_text()
        root.check("admin-reset-mismatch")
        root.type_into("#new_password", RESET)
        root.type_into("#new_password_confirm", RESET)
        root.press_enter()
        root.type_into("#search", person)
        root.press_enter()
        _follow(root, f'button:has-text("Activate {person}")')
        _sign_in(me, person, RESET)
        assert _titles(me) == ["Task 5", "Task 3, renamed", "Task 2", "Task 1"]

        _follow(root, f'a[href="/admin/tasks?owner_name={person}"]')
        root.check("admin-tasks")
        today = datetime.now(UTC).date()
        for field in ("#created_from", "#created_to"):
            root.tab_to(field)
            root.page.keyboard.type(today.strftime("%m%d%Y"))
        _follow(root, 'button:has-text("Filter")')
        assert f"created_from={today.isoformat()}" in root.page.url
        assert _titles(root) == ["Task 5", "Task 3, renamed", "Task 2", "Task 1"]
        root.check("admin-tasks-filtered")
        _follow(root, 'th a.sort:has-text("Duration")')
        assert "ordering=-duration" in root.page.url
        assert f"created_from={today.isoformat()}" in root.page.url
        assert root.page.locator('th[aria-sort="descending"]').inner_text().startswith("Duration")
        root.check("admin-tasks-sorted")
        _follow(root, 'a[href*="/delete"]:has-text("Task 2")')
        assert root.page.locator("h1").inner_text() == "Delete this task?"
        root.check("admin-task-delete")
        _follow(root, 'a:has-text("Keep it")')
        assert "ordering=-duration" in root.page.url

        _sign_in(other, "spare", PASSWORD)
        staff_token = access_token(server, staff, PASSWORD)
        _, found = api_call(server, "GET", f"/api/admin/users/?search={person}", staff_token)
        (person_id,) = [user["id"] for user in found if user["username"] == person]
        _refused_everywhere(server, other, person_id, access_token(server, "spare", PASSWORD))
        _sign_in(me, person, RESET)  # nothing changed for the person
        assert _titles(me) == ["Task 5", "Task 3, renamed", "Task 2", "Task 1"]

        root.open("/admin/users?search=spare")
        _follow(root, 'a[href*="/delete"]:has-text("spare")')
        root.check("admin-delete")
        _follow(root, "button.danger")
        assert "was deleted" in root.page.locator(".notice").inner_text()
        other.open("/")
        assert other.page.url.startswith(other.origin + "/sign-in")

        root.open(f"/admin/users?search={staff}")
        _follow(root, f'button:has-text("Deactivate {staff}")')
        alert = root.page.locator("#form-alert").inner_text()
        assert "The last active staff account cannot be deactivated" in alert
        root.check("admin-last-staff")
