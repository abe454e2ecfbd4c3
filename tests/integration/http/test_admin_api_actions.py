"""The staff API's newer actions: users filtered by flags, make and unmake staff (never
the last active staff), tasks by owner name with the owner's username, delete any task,
and the audit log, each in the OpenAPI document."""

from __future__ import annotations

from .conftest import Api, bearer, invalid_names, problem
from .test_admin_api import staff


def test_users_filtered_by_active_and_staff(api: Api) -> None:
    root = staff(api)
    api.sign_up("alice")
    bob = api.sign_up("bob")
    assert api.client.post(f"/api/admin/users/{bob}/deactivate", headers=root).status_code == 204
    names = lambda query: [  # noqa: E731
        u["username"] for u in api.client.get(f"/api/admin/users/?{query}", headers=root).json()
    ]
    assert names("active=false") == ["bob"]
    assert names("active=true") == ["root", "alice"]
    assert names("staff=true") == ["root"]
    assert names("staff=false&active=true") == ["alice"]
    bad = api.client.get("/api/admin/users/?staff=maybe", headers=root)
    assert invalid_names(problem(bad, 400)) == {"staff"}


def test_make_and_unmake_staff_but_never_the_last(api: Api) -> None:
    root = staff(api)
    alice = api.sign_up("alice")
    assert api.client.put(f"/api/admin/users/{alice}/staff", headers=root).status_code == 204
    users = api.client.get("/api/admin/users/?staff=true", headers=root).json()
    assert [u["username"] for u in users] == ["root", "alice"]
    assert api.client.delete(f"/api/admin/users/{alice}/staff", headers=root).status_code == 204
    root_id = api.client.get("/api/admin/users/", headers=root).json()[0]["id"]
    refused = problem(api.client.delete(f"/api/admin/users/{root_id}/staff", headers=root), 409)
    assert "last active staff" in refused["detail"]
    problem(api.client.put("/api/admin/users/98765/staff", headers=root), 404)


def test_tasks_by_owner_name_name_their_owner_and_any_can_be_deleted(api: Api) -> None:
    root = staff(api)
    alice = api.user("alice")
    api.create(api.user("bob"), title="bob's")
    task = api.create(alice, title="alice's")
    found = api.client.get("/api/admin/tasks/?owner_name=alice", headers=root).json()
    assert [(t["title"], t["owner_username"]) for t in found] == [("alice's", "alice")]
    assert api.client.get("/api/admin/tasks/?owner_name=nobody", headers=root).json() == []
    gone = api.client.delete(f"/api/admin/tasks/{task['id']}", headers=root)
    assert gone.status_code == 204
    assert api.client.get("/api/tasks/", headers=alice).json() == []
    problem(api.client.delete(f"/api/admin/tasks/{task['id']}", headers=root), 404)


def test_the_audit_log_pages_newest_first(api: Api) -> None:
    root = staff(api)
    alice = api.sign_up("alice")
    api.client.put(f"/api/admin/users/{alice}/staff", headers=root)
    api.client.post(f"/api/admin/users/{alice}/deactivate", headers=root)
    task = api.create(api.user("bob"), title="bob's")
    api.client.delete(f"/api/admin/tasks/{task['id']}", headers=root)
    first = api.client.get("/api/admin/audit/?limit=2", headers=root)
    assert first.status_code == 200
    entries = first.json()
    assert [(e["actor"], e["action"], e["target"]) for e in entries] == [
        ("root", "delete_task", "bob's"),
        ("root", "deactivate_user", "alice"),
    ]
    assert entries[0]["target_kind"] == "task"
    link = first.headers["link"]
    rest = api.client.get(link[1 : link.index(">")], headers=root).json()
    assert [e["action"] for e in rest] == ["make_staff"]
    alice_token = bearer(api.login("bob")["access_token"])
    problem(api.client.get("/api/admin/audit/", headers=alice_token), 403)


def test_the_document_offers_the_filters(api: Api) -> None:
    paths = api.client.get("/schema/openapi.json").json()["paths"]
    users = {p["name"] for p in paths["/api/admin/users/"]["get"]["parameters"]}
    assert {"active", "staff", "search"} <= users
    tasks = {p["name"] for p in paths["/api/admin/tasks/"]["get"]["parameters"]}
    assert "owner_name" in tasks
    assert "/api/admin/audit/" in paths
