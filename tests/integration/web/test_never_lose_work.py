"""An ended session says why, returns to where it was, and keeps a posted form's text; a
browser meets pages, never problem documents (docs/decisions/0430)."""

from __future__ import annotations

from litestar.testing import TestClient

from selteq_core.memory import ManualClock
from tests.integration.http.conftest import PASSWORD

from .conftest import SESSION, Browser, Web

NEW_PASSWORD = "a much newer secret"


def test_an_ended_session_names_its_reason_and_the_way_back(
    web: Web, browser: Browser, clock: ManualClock
) -> None:
    browser.person("alice")
    browser.get("/account/password")
    browser.post(
        "/account/password",
        {
            "current_password": PASSWORD,
            "new_password": NEW_PASSWORD,
            "new_password_confirm": NEW_PASSWORD,
        },
    )
    elsewhere = web.browser()
    elsewhere.sign_in("alice", NEW_PASSWORD)
    clock.advance(5)
    elsewhere.get("/account/password")
    elsewhere.post(
        "/account/password",
        {
            "current_password": NEW_PASSWORD,
            "new_password": PASSWORD,
            "new_password_confirm": PASSWORD,
        },
    )
    where = browser.get("/account/password", status=303).headers["location"]
    assert where == "/sign-in?next=%2Faccount%2Fpassword&why=password"
    page = browser.get(where).text
    assert "Your password was changed" in page
    response = browser.post(
        "/sign-in", {"username": "alice", "password": PASSWORD, "next": "/account/password"}
    )
    assert response.headers["location"] == "/account/password"


def test_next_is_only_ever_a_path_here(web: Web, browser: Browser) -> None:
    web.api.sign_up("alice")
    for outside in (
        "https://evil.example/",
        "//evil.example/x",
        "/\\evil.example",
        "javascript:alert(1)",
    ):
        browser.get("/sign-in")
        response = browser.post(
            "/sign-in", {"username": "alice", "password": PASSWORD, "next": outside}
        )
        assert response.headers["location"] == "/"


def test_a_deactivated_account_is_told_so(web: Web, browser: Browser) -> None:
    browser.person("alice")
    web.deactivate("alice")
    where = browser.get("/", status=303).headers["location"]
    assert where == "/sign-in?why=deactivated"
    assert "deactivated — ask an administrator" in browser.get(where).text
    refused = browser.post("/sign-in", {"username": "alice", "password": PASSWORD}, status=401)
    assert "deactivated" in refused.text
    wrong = browser.post("/sign-in", {"username": "alice", "password": "not it at all"}, status=401)
    assert "deactivated" not in wrong.text


def test_a_create_posted_after_the_session_ended_is_offered_back(
    web: Web, browser: Browser
) -> None:
    browser.person("alice")
    browser.get("/")
    web.api.client.post("/api/token/revoke/", json={"refresh_token": browser.session})
    refused = browser.post("/tasks", {"title": "Write the report", "duration": "45"})
    assert refused.headers["location"].startswith("/sign-in?why=ended")
    assert "is kept" in browser.get(refused.headers["location"]).text
    signed = browser.post("/sign-in", {"username": "alice", "password": PASSWORD})
    assert signed.headers["location"] == "/draft"
    draft = browser.get("/draft").text
    assert 'value="Write the report"' in draft
    assert 'value="45"' in draft
    assert 'action="/tasks"' in draft
    browser.post("/tasks", {"title": "Write the report", "duration": "45"})
    assert [row[2] for row in web.snapshot()["tasks"]] == ["Write the report"]
    assert browser.get("/draft", status=303).headers["location"] == "/"


def test_a_forged_draft_cookie_is_ignored(web: Web, browser: Browser) -> None:
    browser.person("alice")
    browser.client.cookies.set("selteq_draft", "eyJhY3Rpb24iOiAiL3Rhc2tzIn0=.00")
    assert browser.get("/draft", status=303).headers["location"] == "/"


def test_pages_answer_errors_as_pages_and_the_api_keeps_problems(
    web: Web, browser: Browser
) -> None:
    browser.person("alice")
    for path, status in (
        ("/nope", 404),
        ("/tasks/abc/rename", 404),
        ("/admin/users/abc/delete", 404),
    ):
        page = browser.get(path, status=status)
        assert page.headers["content-type"].startswith("text/html")
        assert 'action="/sign-out"' in page.text  # the navigation, signed in
    put = browser.client.put("/account/password")
    assert put.status_code == 405
    assert put.headers["content-type"].startswith("text/html")
    assert browser.get("/tasks", status=303).headers["location"] == "/"
    stranger = TestClient(browser.client.app)
    for path in ("/api/nope", "/health/nope", "/metrics/nope"):
        problem = stranger.get(path)
        assert problem.status_code == 404
        assert problem.headers["content-type"] == "application/problem+json", path


def test_a_cookie_copied_before_sign_out_never_works_after_it(web: Web, browser: Browser) -> None:
    browser.person("alice")
    copied = browser.session
    browser.post("/sign-out", {})
    thief = Browser(TestClient(browser.client.app))
    thief.client.cookies.set(SESSION, copied)
    assert thief.get("/", status=303).headers["location"].startswith("/sign-in")


def test_a_draft_is_offered_only_to_the_person_who_typed_it(web: Web, browser: Browser) -> None:
    web.api.sign_up("bob")
    browser.person("alice")
    browser.get("/")
    web.api.client.post("/api/token/revoke/", json={"refresh_token": browser.session})
    browser.post("/tasks", {"title": "Alice's secret plan", "duration": "5"})
    browser.get("/sign-in")
    signed = browser.post("/sign-in", {"username": "bob", "password": PASSWORD})
    assert signed.headers["location"] == "/"
    assert browser.get("/draft", status=303).headers["location"] == "/"
