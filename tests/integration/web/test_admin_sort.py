"""The admin tables sorted by column: header links with ``aria-sort``, the sort kept by
the next page, the search and every action; the staff's task delete behind a confirmation
page; a reset password typed twice; refusals answered post/redirect/get."""

from __future__ import annotations

import html
import re

from tests.integration.http.conftest import PASSWORD

from .conftest import Web
from .test_admin_pages import _names, _next, _root


def _sorted_header(page: str) -> list[tuple[str, str]]:
    """Each header that says it is sorted: its ``aria-sort`` and its link."""
    found = re.findall(r'<th scope="col" aria-sort="(\w+)"><a class="sort" href="([^"]+)"', page)
    return [(sort, html.unescape(link)) for sort, link in found]


def _header_link(page: str, label: str) -> str:
    [link] = re.findall(rf'<a class="sort" href="([^"]+)">{label}<', page)
    return html.unescape(link)


def test_users_sorted_by_a_column_each_way_kept_by_the_next_page(web: Web) -> None:
    root = _root(web)
    for name in ["dan", "abe", "cal", "bea"] + [f"zz{n:02}" for n in range(18)]:
        web.api.container.register_user(name, PASSWORD)  # past the sign-up rate limit
    first = root.get("/admin/users").text
    assert _sorted_header(first) == []  # by id: no column claims the order
    by_name = _header_link(first, "Username")
    assert by_name == "/admin/users?ordering=username"
    page = root.get(by_name).text
    assert _names(page)[:4] == ["abe", "bea", "cal", "dan"]
    assert _sorted_header(page) == [("ascending", "/admin/users?ordering=-username")]
    following = _next(page)
    assert "ordering=username" in following
    rest = root.get(following).text
    assert _names(rest) == ["zz15", "zz16", "zz17"]
    backwards = root.get("/admin/users?ordering=-username").text
    assert _names(backwards)[:2] == ["zz17", "zz16"]
    assert _sorted_header(backwards)[0][0] == "descending"


def test_users_sorted_by_task_count_and_search_keeps_the_sort(web: Web) -> None:
    root = _root(web)
    made = web.api.container
    for name, titles in [("ann", ["one"]), ("amy", ["one", "two"])]:
        ident = made.register_user(name, PASSWORD).id.value
        for title in titles:
            made.create_task(ident, title, 5)
    page = root.get("/admin/users?search=a&ordering=-task_count").text
    assert _names(page) == ["amy", "ann"]
    assert '<input type="hidden" name="ordering" value="-task_count">' in page
    assert _sorted_header(page) == [
        ("descending", "/admin/users?search=a&ordering=task_count"),
    ]
    unknown = root.get("/admin/users?ordering=password_hash")
    assert _names(unknown.text)[0] == "root"  # an unknown sort is ignored, not refused


def test_an_action_keeps_the_sort_and_the_page(web: Web) -> None:
    root = _root(web)
    alice = web.api.sign_up("alice")
    root.get("/admin/users?ordering=-username")
    state = {"search": "", "after": "", "ordering": "-username"}
    made = root.post(f"/admin/users/{alice}/staff", state)
    assert made.headers["location"] == ("/admin/users?ordering=-username&notice=staffed&who=alice")
    page = root.get(made.headers["location"]).text
    assert '<input type="hidden" name="ordering" value="-username">' in page
    assert f'href="/admin/users/{alice}/delete?ordering=-username"' in page


def test_a_refused_action_is_post_redirect_get(web: Web) -> None:
    root = _root(web)
    root_id = web.user_id("root")
    before = web.accounts_and_tasks()
    root.get("/admin/users?ordering=username")
    state = {"search": "ro", "ordering": "username"}
    refused = root.post(f"/admin/users/{root_id}/unstaff", state, status=303)
    location = refused.headers["location"]
    assert location == "/admin/users?search=ro&ordering=username"
    page = root.get(location, status=409).text
    assert "cannot be made an ordinary user. Nothing was changed." in page
    assert "Nothing was changed." not in root.get(location).text  # shown once
    assert web.accounts_and_tasks() == before


def test_tasks_sorted_by_a_column_kept_by_paging_and_the_delete(web: Web) -> None:
    root = _root(web)
    alice = web.api.container.register_user("alice", PASSWORD).id.value
    for n in range(22):
        web.api.container.create_task(alice, f"t{n:02}", 100 - n)
    first = root.get("/admin/tasks").text
    assert _sorted_header(first) == [("descending", "/admin/tasks?ordering=created_at")]
    longest = _header_link(first, "Duration")
    assert longest == "/admin/tasks?ordering=-duration"
    page = root.get("/admin/tasks?search=t&ordering=duration").text
    assert _names(page)[:2] == ["t21", "t20"]
    assert _sorted_header(page) == [
        ("ascending", "/admin/tasks?search=t&ordering=-duration"),
    ]
    following = _next(page)
    assert "ordering=duration" in following
    assert "search=t" in following
    rest = root.get(following).text
    assert _names(rest) == ["t01", "t00"]
    cursor = re.search(r"before=([^&\"]+)", following)
    assert cursor is not None
    link = re.findall(r'href="(/admin/tasks/\d+/delete\?[^"]+)">Delete', rest)[0]
    link = html.unescape(link)
    assert "ordering=duration" in link
    assert "before=" in link
    confirm = root.get(link).text
    assert "<h1>Delete this task?</h1>" in confirm
    assert '<bdi class="text" dir="auto">alice</bdi>' in confirm
    assert '<input type="hidden" name="ordering" value="duration">' in confirm
    assert len(web.task_ids()) == 22  # the confirmation page changes nothing
    task_id = int(link.split("/")[3])
    form = {"search": "t", "ordering": "duration", "before": html.unescape(cursor.group(1))}
    done = root.post(f"/admin/tasks/{task_id}/delete", form)
    location = done.headers["location"]
    assert location.startswith("/admin/tasks?search=t&ordering=duration&before=")
    assert "notice=task_deleted&who=t01" in location
    assert task_id not in web.task_ids()
    assert "The task <strong><bdi" in root.get(location).text


def test_a_task_delete_confirmation_for_a_missing_task_is_404(web: Web) -> None:
    root = _root(web)
    root.get("/admin/tasks/987654/delete", status=404)


def test_a_reset_password_typed_twice_differently_is_refused(web: Web) -> None:
    root = _root(web)
    alice = web.api.sign_up("alice")
    before = web.accounts_and_tasks()
    root.get(f"/admin/users/{alice}/password?search=al&ordering=-username")
    typed = {
        "new_password": "a brand new passphrase",
        "new_password_confirm": "a brand new passphrasf",
        "search": "al",
        "ordering": "-username",
    }
    response = root.post(f"/admin/users/{alice}/password", typed, status=303)
    location = response.headers["location"]
    assert location == f"/admin/users/{alice}/password?search=al&ordering=-username"
    page = root.get(location, status=400).text
    assert 'id="new_password_confirm-error"' in page
    assert "does not match" in page
    assert "brand new" not in page  # a password is never echoed
    assert '<input type="hidden" name="ordering" value="-username">' in page
    assert web.accounts_and_tasks() == before
    same = {**typed, "new_password_confirm": typed["new_password"]}
    done = root.post(f"/admin/users/{alice}/password", same)
    assert done.headers["location"] == (
        "/admin/users?search=al&ordering=-username&notice=reset&who=alice"
    )


def test_the_admin_navigation_reaches_the_job_pages(web: Web) -> None:
    root = _root(web)
    for path in ("/admin/users", "/admin/tasks", "/admin/runs"):
        page = root.get(path).text
        for target in ("/admin/schedules", "/admin/runs", "/admin/dead-letters", "/admin/audit"):
            assert f'href="{target}"' in page
