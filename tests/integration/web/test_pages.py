"""Each page renders, with the page headers, and the task forms do what they say."""

from __future__ import annotations

import re

import attrs

from selteq_adapters.settings import Settings
from selteq_core.memory import ManualClock
from tests.integration.http.conftest import running

from .conftest import Browser, Web

CSP = re.compile(r"default-src 'self'.*frame-ancestors 'none'")


def span(first: int, last: int, total: int) -> str:
    """The position line as the page writes it, with its en dash."""
    return f"{first}\u2013{last} of {total}"


def _headers_of_a_page(response: object) -> None:
    headers = response.headers  # type: ignore[attr-defined]
    assert CSP.search(headers["content-security-policy"])
    assert "unsafe-inline" not in headers["content-security-policy"]
    assert headers["content-type"].startswith("text/html")
    assert headers["cache-control"] == "no-store"
    assert headers["x-frame-options"] == "DENY"


def test_a_stranger_is_sent_to_sign_in(browser: Browser) -> None:
    for path in ("/", "/tasks/1/rename", "/tasks/1/delete"):
        assert browser.get(path, status=303).headers["location"].startswith("/sign-in")


def test_the_sign_in_and_sign_up_pages(browser: Browser) -> None:
    for path, heading in (("/sign-in", "Sign in"), ("/sign-up", "Create an account")):
        response = browser.get(path)
        _headers_of_a_page(response)
        assert f"<h1>{heading}</h1>" in response.text
        assert 'name="_csrf_token"' in response.text
        assert not re.search(r"<script(?![^>]*src=\"/assets/)", response.text)
        assert "http://" not in response.text
        assert "https://" not in response.text


ASSET_TYPES = {".css": "text/css", ".js": "text/javascript", ".svg": "image/svg+xml"}


def test_the_assets_are_served_by_the_app_with_their_types(browser: Browser) -> None:
    """A browser draws no image it is sent as application/octet-stream (the header's icon)."""
    page = browser.get("/sign-in").text
    assets = set(re.findall(r'(?:href|src)="(/assets/[^"]+)"', page))
    assert {asset.rsplit(".", 1)[1] for asset in assets} == {"css", "js", "svg"}
    for asset in assets:
        response = browser.client.get(asset)
        assert response.status_code == 200, asset
        kind = ASSET_TYPES[asset[asset.rindex(".") :]]
        text = kind.startswith("text/")
        assert response.headers["content-type"] == (f"{kind}; charset=utf-8" if text else kind)
        assert "selteq_csrf" not in response.headers.get("set-cookie", "")


def test_sign_up_then_sign_in_lands_on_my_tasks(browser: Browser) -> None:
    browser.sign_up("alice")
    response = browser.get("/sign-in?username=alice")
    assert 'value="alice"' in response.text
    assert "Your account is ready" in response.text
    browser.sign_in("alice")
    response = browser.get("/")
    _headers_of_a_page(response)
    assert "<h1>My tasks</h1>" in response.text
    assert "No tasks yet." in response.text


def test_my_tasks_newest_first_with_their_count(browser: Browser) -> None:
    browser.person("alice")
    for number in range(1, 6):
        browser.create(f"task {number}", str(number))
    first = browser.get("/").text
    titles = re.findall(r'<bdi class="task-title text" dir="auto">([^<]+)</bdi>', first)
    assert titles == ["task 5", "task 4", "task 3", "task 2", "task 1"]
    assert span(1, 5, 5) in first
    assert 'rel="next"' not in first  # one page holds them all
    stale = browser.get("/?before=not-a-cursor").text  # an old link: the first page again
    assert "That page link no longer works" in stale


def test_rename_and_delete_with_their_pages(web: Web, browser: Browser) -> None:
    browser.person("alice")
    browser.create("Old name", "15")
    (task_id,) = web.task_ids()
    form = browser.get(f"/tasks/{task_id}/rename").text
    assert 'value="Old name"' in form
    browser.post(f"/tasks/{task_id}/rename", {"title": "New name"})
    assert "New name" in browser.get("/").text

    confirm = browser.get(f"/tasks/{task_id}/delete").text
    assert '<strong><bdi class="text" dir="auto">New name</bdi></strong>' in confirm
    assert web.task_ids() == [task_id]  # the confirmation page itself changes nothing
    browser.post(f"/tasks/{task_id}/delete", {})
    assert web.task_ids() == []
    assert "No tasks yet." in browser.get("/").text


def test_someone_elses_task_is_not_found(web: Web, browser: Browser) -> None:
    browser.person("alice")
    browser.create("Alice's")
    (task_id,) = web.task_ids()
    bob = web.browser().person("bob")
    before = web.snapshot()
    for path in (f"/tasks/{task_id}/rename", f"/tasks/{task_id}/delete"):
        response = bob.get(path, status=404)
        assert "There is no such task" in response.text
        assert response.headers["content-type"].startswith("text/html")
    bob.post(f"/tasks/{task_id}/rename", {"title": "Bob's now"}, status=404)
    bob.post(f"/tasks/{task_id}/delete", {}, status=404)
    assert web.snapshot()["tasks"] == before["tasks"]
    bob.get("/")  # the error pages handed back bob's traded cookie: still signed in


def test_sign_up_switched_off_is_not_found(settings: Settings, clock: ManualClock) -> None:
    with running(attrs.evolve(settings, signup=False), clock) as api:
        assert api.client.get("/sign-up").status_code == 404
        assert api.client.post("/sign-up", data={}).status_code in {403, 404, 405}
        page = api.client.get("/sign-in")
        assert page.status_code == 200
        assert "/sign-up" not in page.text
