"""ETag, If-Match and If-None-Match on the task routes: a stale tag changes nothing (412),
a current one passes, and a read the client already has is a 304."""

from __future__ import annotations

import pytest

from .conftest import Api, invalid_names, problem


def test_every_task_answer_carries_its_etag(api: Api) -> None:
    headers = api.user("alice")
    created = api.client.post("/api/tasks/", json={"title": "a", "duration": 1}, headers=headers)
    url = created.headers["location"]
    read = api.client.get(url, headers=headers)
    assert created.headers["etag"] == read.headers["etag"]
    assert read.headers["etag"].startswith('"')
    assert read.headers["etag"].endswith('"')
    api.clock.advance(1)
    renamed = api.client.put(url, json={"title": "b"}, headers=headers)
    assert renamed.headers["etag"] != read.headers["etag"]
    assert api.client.get(url, headers=headers).headers["etag"] == renamed.headers["etag"]


@pytest.mark.parametrize("method", ["PUT", "PATCH", "DELETE"])
def test_a_stale_if_match_is_a_412_that_changes_nothing(api: Api, method: str) -> None:
    headers = api.user("alice")
    task = api.create(headers)
    url = f"/api/tasks/{task['id']}/"
    stale = api.client.get(url, headers=headers).headers["etag"]
    api.clock.advance(1)
    api.client.put(url, json={"title": "moved on"}, headers=headers)
    before = api.snapshot()
    body = None if method == "DELETE" else {"title": "mine"}
    for tag in (stale, f"W/{stale}", f'"other", {stale}'):
        response = api.client.request(method, url, json=body, headers={**headers, "If-Match": tag})
        assert problem(response, 412)["type"] == "urn:selteq:problem:precondition-failed"
    assert api.snapshot() == before


def test_a_current_if_match_or_a_star_passes(api: Api) -> None:
    headers = api.user("alice")
    task = api.create(headers)
    url = f"/api/tasks/{task['id']}/"
    current = api.client.get(url, headers=headers).headers["etag"]
    api.clock.advance(1)
    patched = api.client.patch(
        url, json={"title": "x"}, headers={**headers, "If-Match": f'"other", {current}'}
    )
    assert patched.status_code == 200, patched.text
    api.clock.advance(1)
    starred = api.client.put(url, json={"title": "y"}, headers={**headers, "If-Match": "*"})
    assert starred.status_code == 200
    deleted = api.client.delete(url, headers={**headers, "If-Match": starred.headers["etag"]})
    assert deleted.status_code == 204


def test_if_none_match_with_the_current_tag_is_a_304(api: Api) -> None:
    headers = api.user("alice")
    task = api.create(headers)
    url = f"/api/tasks/{task['id']}/"
    tag = api.client.get(url, headers=headers).headers["etag"]
    for sent in (tag, f"W/{tag}", f'"other", {tag}', "*"):
        response = api.client.get(url, headers={**headers, "If-None-Match": sent})
        assert response.status_code == 304, sent
        assert response.content == b""
        assert response.headers["etag"] == tag
    other = api.client.get(url, headers={**headers, "If-None-Match": '"other"'})
    assert other.status_code == 200
    assert other.json()["id"] == task["id"]


def test_a_malformed_tag_list_is_a_400_and_another_users_task_a_404(api: Api) -> None:
    alice, bob = api.user("alice"), api.user("bob")
    task = api.create(alice)
    url = f"/api/tasks/{task['id']}/"
    bad = api.client.put(url, json={"title": "x"}, headers={**alice, "If-Match": "unquoted"})
    assert invalid_names(problem(bad, 400)) == {"if_match"}
    tag = api.client.get(url, headers=alice).headers["etag"]
    problem(api.client.delete(url, headers={**bob, "If-Match": tag}), 404)
    problem(api.client.get(url, headers={**bob, "If-None-Match": tag}), 404)
