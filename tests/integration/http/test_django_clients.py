"""What a client written against the Django (simplejwt + DRF) version of this API relies on."""

from __future__ import annotations

from .conftest import PASSWORD, Api, problem


def test_login_also_answers_access_and_refresh(api: Api) -> None:
    api.sign_up("alice")
    body = api.client.post("/api/token/", json={"username": "alice", "password": PASSWORD}).json()
    assert body["access"] == body["access_token"]
    assert body["refresh"] == body["refresh_token"]


def test_put_with_duration_renames_and_keeps_the_duration(api: Api) -> None:
    headers = api.user("alice")
    task = api.create(headers, title="Old", duration=30)
    response = api.client.put(
        f"/api/tasks/{task['id']}/", json={"title": "x", "duration": 60}, headers=headers
    )
    assert response.status_code == 200
    assert (response.json()["title"], response.json()["duration"]) == ("x", 30)
    assert api.client.get(f"/api/tasks/{task['id']}/", headers=headers).json()["duration"] == 30


def test_the_list_is_the_four_newest_newest_first(api: Api) -> None:
    headers = api.user("alice")
    created = []
    for n in range(6):
        created.append(api.create(headers, title=f"task {n}"))
        api.clock.advance(1)
    listed = api.client.get("/api/tasks/", headers=headers).json()
    assert [t["id"] for t in listed] == [t["id"] for t in reversed(created[2:])]


def test_deleting_another_users_task_is_404_and_deletes_nothing(api: Api) -> None:
    alice = api.user("alice")
    bob = api.user("bob")
    task = api.create(alice)
    before = api.snapshot()
    problem(api.client.delete(f"/api/tasks/{task['id']}/", headers=bob), 404)
    assert api.snapshot() == before
    assert api.client.get(f"/api/tasks/{task['id']}/", headers=alice).status_code == 200


def test_no_token_is_401(api: Api) -> None:
    response = api.client.get("/api/tasks/")
    problem(response, 401)
    assert response.headers["www-authenticate"].startswith("Bearer")
