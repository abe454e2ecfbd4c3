"""GET /api/tasks/ pages: the seed's bare array of the 4 newest, `limit`, `before` and the
next page in a Link header (RFC 8288)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from .conftest import Api, invalid_names, problem

LINK = re.compile(r'^<(?P<target>/api/tasks/\?[^>]+)>; rel="next"$')


def made(api: Api, headers: dict[str, str], count: int) -> list[dict[str, Any]]:
    tasks = []
    for n in range(count):
        tasks.append(api.create(headers, title=f"t{n}", duration=n + 1))
        api.clock.advance(1)
    return tasks


def next_target(response: Any) -> str | None:
    link = response.headers.get("link")
    if link is None:
        return None
    match = LINK.match(link)
    assert match, link
    return match["target"]


def test_the_plain_list_is_unchanged_and_links_to_older_tasks(api: Api) -> None:
    headers = api.user("alice")
    tasks = made(api, headers, 6)
    first = api.client.get("/api/tasks/", headers=headers)
    assert first.status_code == 200
    assert first.json() == tasks[:1:-1][:4] == [tasks[5], tasks[4], tasks[3], tasks[2]]
    target = next_target(first)
    assert target is not None
    second = api.client.get(target, headers=headers)
    assert second.json() == [tasks[1], tasks[0]]
    assert next_target(second) is None


def test_four_tasks_or_fewer_have_no_next_page(api: Api) -> None:
    headers = api.user("alice")
    made(api, headers, 4)
    assert "link" not in api.client.get("/api/tasks/", headers=headers).headers
    assert api.client.get("/api/tasks/?limit=100", headers=headers).headers.get("link") is None


def test_limit_pages_keep_their_limit_and_reach_every_task(api: Api) -> None:
    headers = api.user("alice")
    tasks = made(api, headers, 7)
    seen: list[dict[str, Any]] = []
    target: str | None = "/api/tasks/?limit=3"
    while target is not None:
        assert "limit=3" in target
        response = api.client.get(target, headers=headers)
        assert response.status_code == 200
        assert len(response.json()) <= 3
        seen += response.json()
        target = next_target(response)
    assert seen == tasks[::-1]


def test_pages_are_the_callers_own(api: Api) -> None:
    alice, bob = api.user("alice"), api.user("bob")
    made(api, alice, 6)
    target = next_target(api.client.get("/api/tasks/", headers=alice))
    assert target is not None
    assert api.client.get(target, headers=bob).json() == []


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ("limit=0", "limit"),
        ("limit=101", "limit"),
        ("limit=four", "limit"),
        ("before=not-a-cursor", "before"),
        ("before=" + "A" * 101, "before"),
    ],
)
def test_a_bad_limit_or_before_is_a_400_naming_it(api: Api, query: str, name: str) -> None:
    headers = api.user("alice")
    body = problem(api.client.get(f"/api/tasks/?{query}", headers=headers), 400)
    assert invalid_names(body) == {name}
