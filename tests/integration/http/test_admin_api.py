"""The staff API and PUT /api/users/me/password through the real app: staff act, anyone
else gets 403 with nothing changed, sessions end at once."""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import PASSWORD, Api, bearer, invalid_names, problem
from .test_admin_jobs_api import JOB_ROUTES

NEW = "a brand new password"


def staff(api: Api) -> dict[str, str]:
    api.container.register_user("root", PASSWORD, staff=True)
    return bearer(api.login("root")["access_token"])


def test_staff_list_and_search_users_by_page(api: Api) -> None:
    root = staff(api)
    for name in ("alice", "Alicia", "bob"):
        api.sign_up(name)
    first = api.client.get("/api/admin/users/?limit=2", headers=root)
    assert first.status_code == 200
    assert [u["username"] for u in first.json()] == ["root", "alice"]
    assert set(first.json()[0]) == {
        "id",
        "username",
        "is_active",
        "is_staff",
        "created_at",
        "updated_at",
    }
    assert first.json()[0]["is_staff"] is True
    link = first.headers["link"]
    assert link.startswith("</api/admin/users/?")
    assert link.endswith('>; rel="next"')
    rest = api.client.get(link[1 : link.index(">")], headers=root)
    assert [u["username"] for u in rest.json()] == ["Alicia", "bob"]
    assert "link" not in rest.headers
    found = api.client.get("/api/admin/users/?search=ALI", headers=root).json()
    assert [u["username"] for u in found] == ["alice", "Alicia"]


def test_deactivation_stops_the_token_and_the_refresh_at_once(api: Api) -> None:
    root = staff(api)
    alice_id = api.sign_up("alice")
    tokens = api.login("alice")
    alice = bearer(tokens["access_token"])
    assert api.client.get("/api/tasks/", headers=alice).status_code == 200
    answer = api.client.post(f"/api/admin/users/{alice_id}/deactivate", headers=root)
    assert answer.status_code == 204
    problem(api.client.get("/api/tasks/", headers=alice), 401)
    problem(api.client.post("/api/token/refresh/", json={"refresh": tokens["refresh"]}), 401)
    problem(api.client.post("/api/token/", json={"username": "alice", "password": PASSWORD}), 401)
    assert api.client.post(f"/api/admin/users/{alice_id}/activate", headers=root).status_code == 204
    assert (
        api.client.get(
            "/api/tasks/", headers=bearer(api.login("alice")["access_token"])
        ).status_code
        == 200
    )


def test_reset_password_and_delete(api: Api) -> None:
    root = staff(api)
    alice_id = api.sign_up("alice")
    api.create(bearer(api.login("alice")["access_token"]))
    reset = api.client.put(
        f"/api/admin/users/{alice_id}/password", json={"new_password": NEW}, headers=root
    )
    assert reset.status_code == 204
    api.login("alice", NEW)
    short = api.client.put(
        f"/api/admin/users/{alice_id}/password", json={"new_password": "short"}, headers=root
    )
    assert invalid_names(problem(short, 400)) == {"new_password"}
    assert api.client.get("/api/admin/tasks/", headers=root).json() != []
    assert api.client.delete(f"/api/admin/users/{alice_id}/", headers=root).status_code == 204
    assert api.client.get("/api/admin/tasks/", headers=root).json() == []
    problem(api.client.delete(f"/api/admin/users/{alice_id}/", headers=root), 404)


def test_the_last_staff_account_stays(api: Api) -> None:
    root = staff(api)
    me = api.client.get("/api/admin/users/", headers=root).json()[0]["id"]
    problem(api.client.post(f"/api/admin/users/{me}/deactivate", headers=root), 409)
    problem(api.client.delete(f"/api/admin/users/{me}", headers=root), 409)


def test_staff_filter_every_task(api: Api) -> None:
    root = staff(api)
    alice_id = api.sign_up("alice")
    alice = bearer(api.login("alice")["access_token"])
    bob = api.user("bob")
    for n in range(3):
        api.create(alice, title=f"alice report {n}")
        api.create(bob, title=f"bob note {n}")
        api.clock.advance(1)
    every = api.client.get("/api/admin/tasks/?limit=4", headers=root)
    assert len(every.json()) == 4
    assert set(every.json()[0]) == {
        "id",
        "owner_id",
        "owner_username",
        "title",
        "duration",
        "created_at",
        "updated_at",
    }
    assert 'rel="next"' in every.headers["link"]
    mine = api.client.get(f"/api/admin/tasks/?owner={alice_id}&search=REPORT", headers=root)
    assert [t["title"] for t in mine.json()] == [f"alice report {n}" for n in (2, 1, 0)]
    today = api.clock.now().date().isoformat()
    window = api.client.get(
        f"/api/admin/tasks/?created_from={today}&created_to={today}", headers=root
    )
    assert len(window.json()) == 6
    bad = api.client.get(
        "/api/admin/tasks/?created_from=2026-03-05&created_to=2026-03-01", headers=root
    )
    assert invalid_names(problem(bad, 400)) == {"created_to"}
    assert invalid_names(
        problem(api.client.get("/api/admin/tasks/?created_from=soon", headers=root), 400)
    ) == {"created_from"}


ADMIN_ROUTES: list[tuple[str, str, dict[str, Any] | None]] = [
    ("GET", "/api/admin/users/", None),
    ("POST", "/api/admin/users/{id}/deactivate", None),
    ("POST", "/api/admin/users/{id}/activate", None),
    ("PUT", "/api/admin/users/{id}/password", {"new_password": NEW}),
    ("DELETE", "/api/admin/users/{id}", None),
    ("GET", "/api/admin/tasks/", None),
    ("PUT", "/api/admin/users/{id}/staff", None),
    ("DELETE", "/api/admin/users/{id}/staff", None),
    ("DELETE", "/api/admin/tasks/{id}", None),
    ("GET", "/api/admin/audit/", None),
]


@pytest.mark.parametrize(("method", "path", "body"), ADMIN_ROUTES)
def test_non_staff_get_403_and_nothing_changes(
    api: Api, method: str, path: str, body: dict[str, Any] | None
) -> None:
    staff(api)
    alice = api.user("alice")
    bob_id = api.sign_up("bob")
    api.create(bearer(api.login("bob")["access_token"]))
    before = api.snapshot()
    for target in (bob_id, 1, 987654):
        answer = api.client.request(method, path.format(id=target), json=body, headers=alice)
        assert problem(answer, 403)["type"] == "urn:selteq:problem:forbidden"
    assert api.snapshot() == before
    problem(api.client.request(method, path.format(id=bob_id), json=body), 401)


def test_every_admin_route_is_in_the_openapi_document(api: Api) -> None:
    paths = api.client.get("/schema/openapi.json").json()["paths"]
    operations = {
        (method.upper(), path)
        for path, item in paths.items()
        if path.startswith("/api/admin")
        for method in item
    }
    assert len(operations) == len(ADMIN_ROUTES) + len(JOB_ROUTES)
    assert all(
        paths[path][method.lower()].get("security")
        and "403" in paths[path][method.lower()]["responses"]
        for method, path in operations
    )
    assert "/api/users/me/password" in paths


def change(api: Api, headers: dict[str, str], current: str, new: str) -> Any:
    body = {"current_password": current, "new_password": new}
    return api.client.put("/api/users/me/password", json=body, headers=headers)


def test_change_my_password_keeps_this_session_and_ends_the_others(api: Api) -> None:
    api.sign_up("alice")
    mine, other = api.login("alice"), api.login("alice")
    assert change(api, bearer(mine["access_token"]), PASSWORD, NEW).status_code == 204
    problem(api.client.post("/api/token/refresh/", json={"refresh": other["refresh"]}), 401)
    assert (
        api.client.post("/api/token/refresh/", json={"refresh": mine["refresh"]}).status_code == 200
    )
    problem(api.client.post("/api/token/", json={"username": "alice", "password": PASSWORD}), 401)
    api.login("alice", NEW)


@pytest.mark.parametrize(
    ("current", "new", "field"),
    [("wrong password", NEW, "current_password"), (PASSWORD, "short", "new_password")],
)
def test_a_wrong_current_or_a_bad_new_password_is_a_400_and_nothing_changes(
    api: Api, current: str, new: str, field: str
) -> None:
    headers = api.user("alice")
    before = api.snapshot()
    assert invalid_names(problem(change(api, headers, current, new), 400)) == {field}
    assert api.snapshot() == before


def test_changing_a_password_needs_a_token(api: Api) -> None:
    api.sign_up("alice")
    problem(
        api.client.put(
            "/api/users/me/password", json={"current_password": PASSWORD, "new_password": NEW}
        ),
        401,
    )


def test_staff_lists_take_an_ordering_and_keep_it_in_the_next_link(api: Api) -> None:
    root = staff(api)
    for name in ("dan", "abe", "cal"):
        api.container.register_user(name, PASSWORD)
    first = api.client.get("/api/admin/users/?ordering=-username&limit=2", headers=root)
    assert first.status_code == 200
    assert [u["username"] for u in first.json()] == ["root", "dan"]
    link = first.headers["link"]
    assert "ordering=-username" in link
    rest = api.client.get(link[1 : link.index(">")], headers=root)
    assert [u["username"] for u in rest.json()] == ["cal", "abe"]
    refused = api.client.get("/api/admin/users/?ordering=password_hash", headers=root)
    assert refused.status_code == 400
    owner = api.container.register_user("ann", PASSWORD).id.value
    for title, minutes in (("pear", 5), ("apple", 50), ("fig", 20)):
        api.container.create_task(owner, title, minutes)
    tasks = api.client.get("/api/admin/tasks/?ordering=title&limit=2", headers=root)
    assert [t["title"] for t in tasks.json()] == ["apple", "fig"]
    after = tasks.headers["link"]
    more = api.client.get(after[1 : after.index(">")], headers=root)
    assert [t["title"] for t in more.json()] == ["pear"]
    stale = api.client.get(
        f"/api/admin/tasks/?ordering=-duration&before={tasks.headers['link'].split('before=')[1].split('>')[0]}",
        headers=root,
    )
    assert stale.status_code == 400  # a cursor of another order
    schema = api.client.get("/schema/openapi.json").json()
    params = {p["name"]: p for p in schema["paths"]["/api/admin/tasks/"]["get"]["parameters"]}
    assert "-duration" in str(params["ordering"]["schema"])
