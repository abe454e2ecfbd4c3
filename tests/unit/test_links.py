"""The next page's Link header: its query is written exactly as ``urlencode`` writes it."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest

from selteq_http.contract.paging import link_to

QUERIES = [
    [],
    [("search", "a b&c/é=?#")],
    [("search", "ж~x_y.z-"), ("ordering", "-created_at")],
    [("search", "+%20")],
]


@pytest.mark.parametrize("query", QUERIES)
@pytest.mark.parametrize("token", ["MjAyNi0xMi0wN1QxOTo0Njo_MDkrMDA6MDB8MTI-", "a b", "42"])
def test_the_link_is_urlencoded(query: list[tuple[str, str]], token: str) -> None:
    expected = urlencode([*query, ("before", token)])
    assert link_to("/api/tasks", list(query), "before", token) == (
        f'</api/tasks/?{expected}>; rel="next"'
    )
    assert link_to("/api/tasks/", list(query), "before", token).startswith("</api/tasks/?")
