"""Every state-changing form is refused without its CSRF token or with another browser's,
and nothing changes: not a row of any table, not the session."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.integration.http.conftest import PASSWORD

from .conftest import Browser, Web

# Each form: (a set-up that leaves the browser on the page holding the form, path, fields).
Form = tuple[Callable[[Web, Browser], None], Callable[[Web], str], dict[str, str]]


def _signed_in_with_a_task(web: Web, browser: Browser) -> None:
    browser.person("alice")
    browser.create("Untouched", "10")
    browser.get("/")


def _task_path(action: str) -> Callable[[Web], str]:
    return lambda web: f"/tasks/{web.task_ids()[0]}/{action}"


def _on_the_password_page(web: Web, browser: Browser) -> None:
    browser.person("alice")
    browser.get("/account/password")


def _staff_with_alice(web: Web, browser: Browser) -> None:
    web.staff("root")
    web.api.sign_up("alice")
    browser.sign_in("root")
    browser.get("/admin/users")


def _staff_with_alice_inactive(web: Web, browser: Browser) -> None:
    _staff_with_alice(web, browser)
    web.deactivate("alice")


def _alice_path(action: str) -> Callable[[Web], str]:
    return lambda web: f"/admin/users/{web.user_id('alice')}/{action}"


def _stranger(web: Web, browser: Browser) -> None:
    web.api.sign_up("alice")
    browser.get("/sign-in")


FORMS: dict[str, Form] = {
    "sign-in": (_stranger, lambda _: "/sign-in", {"username": "alice", "password": PASSWORD}),
    "sign-up": (
        _stranger,
        lambda _: "/sign-up",
        {"username": "carol", "password": PASSWORD, "password_confirm": PASSWORD},
    ),
    "sign-out": (_signed_in_with_a_task, lambda _: "/sign-out", {}),
    "create": (_signed_in_with_a_task, lambda _: "/tasks", {"title": "Forged", "duration": "5"}),
    "rename": (_signed_in_with_a_task, _task_path("rename"), {"title": "Forged"}),
    "delete": (_signed_in_with_a_task, _task_path("delete"), {}),
    "change-password": (
        _on_the_password_page,
        lambda _: "/account/password",
        {
            "current_password": PASSWORD,
            "new_password": "another password",
            "new_password_confirm": "another password",
        },
    ),
    "deactivate-user": (_staff_with_alice, _alice_path("deactivate"), {"search": ""}),
    "activate-user": (_staff_with_alice_inactive, _alice_path("activate"), {"search": ""}),
    "reset-password": (
        _staff_with_alice,
        _alice_path("password"),
        {"new_password": "another password"},
    ),
    "delete-user": (_staff_with_alice, _alice_path("delete"), {}),
}


def _other_browsers_token(web: Web) -> str:
    other = web.browser()
    other.get("/sign-in")
    assert other.token
    return other.token


@pytest.mark.parametrize("form", sorted(FORMS))
@pytest.mark.parametrize("token", ["missing", "another browser's", "garbage"])
def test_a_form_without_its_own_token_changes_nothing(
    web: Web, browser: Browser, form: str, token: str
) -> None:
    set_up, path_of, data = FORMS[form]
    set_up(web, browser)
    path = path_of(web)
    sent = {
        "missing": None,
        "another browser's": _other_browsers_token(web),
        "garbage": "0" * 128,
    }[token]
    assert sent != browser.token
    before, session = web.snapshot(), browser.session

    response = browser.post(path, data, status=403, token=sent)

    assert "did not come from this site" in response.text
    assert "selteq_session" not in response.headers.get("set-cookie", "")
    assert web.snapshot() == before
    assert browser.session == session
    if session:
        browser.get("/")  # the refused post did not spend the session's token


@pytest.mark.parametrize("form", sorted(FORMS))
def test_the_same_form_with_its_token_is_accepted(web: Web, browser: Browser, form: str) -> None:
    """The refusals above are about the token: with it, each form does its work."""
    set_up, path_of, data = FORMS[form]
    set_up(web, browser)
    before = web.snapshot()
    browser.post(path_of(web), data, status=303)
    assert web.snapshot() != before


def test_the_json_api_is_outside_the_check(browser: Browser) -> None:
    """The JSON API is outside the CSRF check: bearer tokens, no cookie."""
    response = browser.client.post("/api/users/", json={"username": "dave", "password": PASSWORD})
    assert response.status_code == 201


@pytest.mark.parametrize("refused", ["forged form", "unknown address"])
def test_a_page_the_check_did_not_pass_still_gives_working_forms(
    web: Web, browser: Browser, refused: str
) -> None:
    """The page of a refused form (or of an address no route has) holds the sign-out form
    in its header: its token is the browser's own, so the next form posted from it works."""
    browser.person("ada")
    kept = browser.token
    if refused == "forged form":
        browser.post("/tasks", {"title": "Forged", "duration": "5"}, status=403, token=None)
    else:
        browser.get("/no-such-page", status=404)
    assert browser.token == kept
    browser.post("/tasks", {"title": "Mine", "duration": "5"})
    assert [row[2] for row in web.snapshot()["tasks"]] == ["Mine"]
    browser.post("/sign-out", {})
    assert browser.session == ""


def test_a_session_without_a_token_cookie_gets_one_with_the_error_page(browser: Browser) -> None:
    browser.person("ada")
    browser.client.cookies.delete("selteq_csrf")
    response = browser.get("/no-such-page", status=404)
    assert "selteq_csrf=" in response.headers.get("set-cookie", "")
    browser.post("/sign-out", {})
    assert browser.session == ""
