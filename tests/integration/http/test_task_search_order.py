"""GET /api/tasks/?search=&ordering=: the caller's tasks searched by title and sorted as
Django REST framework names the orders, the next page's link keeping both, and the
document stating the orders as an enum."""

from __future__ import annotations

from typing import Any, get_args

import pytest

from selteq_core import ORDERINGS
from selteq_http.contract.paging import OrderingName

from .conftest import Api, invalid_names, problem
from .test_task_pages import made, next_target


def walk(api: Api, headers: dict[str, str], target: str) -> list[dict[str, Any]]:
    seen: list[dict[str, Any]] = []
    next_: str | None = target
    while next_ is not None:
        response = api.client.get(next_, headers=headers)
        assert response.status_code == 200, response.text
        seen += response.json()
        next_ = next_target(response)
    return seen


def test_the_documented_orders_are_the_cores() -> None:
    assert get_args(OrderingName) == ORDERINGS


@pytest.mark.parametrize("ordering", ORDERINGS)
def test_every_order_pages_through_every_task_and_its_link_keeps_it(
    api: Api, ordering: str
) -> None:
    headers = api.user("alice")
    tasks = made(api, headers, 7)
    seen = walk(api, headers, f"/api/tasks/?ordering={ordering}&limit=3")
    field = ordering.lstrip("-")
    expected = sorted(tasks, key=lambda t: (t[field], t["id"]), reverse=ordering[0] == "-")
    assert seen == expected


def test_search_keeps_matching_titles_across_pages(api: Api) -> None:
    headers = api.user("alice")
    made(api, headers, 12)  # t0 … t11
    first = api.client.get("/api/tasks/?search=T1&ordering=created_at", headers=headers)
    assert [t["title"] for t in first.json()] == ["t1", "t10", "t11"]
    assert next_target(first) is None
    seen = walk(api, headers, "/api/tasks/?search=t1&limit=2")
    assert [t["title"] for t in seen] == ["t11", "t10", "t1"]


def test_the_link_keeps_search_and_ordering(api: Api) -> None:
    headers = api.user("alice")
    made(api, headers, 6)
    response = api.client.get("/api/tasks/?search=t&ordering=-duration", headers=headers)
    target = next_target(response)
    assert target is not None
    assert "search=t" in target
    assert "ordering=-duration" in target


def test_a_cursor_of_another_order_is_refused_naming_before(api: Api) -> None:
    headers = api.user("alice")
    made(api, headers, 6)
    target = next_target(api.client.get("/api/tasks/?ordering=duration", headers=headers))
    assert target is not None
    other = target.replace("ordering=duration", "ordering=-created_at")
    assert invalid_names(problem(api.client.get(other, headers=headers), 400)) == {"before"}


@pytest.mark.parametrize(
    ("query", "name"), [("ordering=title", "ordering"), ("search=" + "x" * 201, "search")]
)
def test_a_bad_search_or_ordering_is_a_400_naming_it(api: Api, query: str, name: str) -> None:
    headers = api.user("alice")
    body = problem(api.client.get(f"/api/tasks/?{query}", headers=headers), 400)
    assert invalid_names(body) == {name}


def test_the_document_offers_search_and_an_ordering_enum(api: Api) -> None:
    document = api.client.get("/schema/openapi.json").json()
    parameters = {p["name"]: p for p in document["paths"]["/api/tasks/"]["get"]["parameters"]}
    assert parameters["search"]["in"] == "query"
    schema = parameters["ordering"]["schema"]
    assert tuple(schema["enum"]) == ORDERINGS
    assert schema.get("default") == ORDERINGS[0]
