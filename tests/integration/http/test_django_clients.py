"""What a client written against the Django (simplejwt + DRF) version of this API relies on."""

from __future__ import annotations

import pytest

from .conftest import PASSWORD, Api, invalid_names, problem


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


def test_login_answers_the_access_token_as_token_too(api: Api) -> None:
    api.sign_up("alice")
    body = api.login("alice")
    assert body["token"] == body["access_token"]
    response = api.client.get("/api/tasks/", headers={"Authorization": f"Bearer {body['token']}"})
    assert response.status_code == 200


def test_a_failed_login_carries_the_seeds_error_member(api: Api) -> None:
    api.sign_up("alice")
    for username in ("alice", "nobody"):
        response = api.client.post(
            "/api/token/", json={"username": username, "password": "wrong password"}
        )
        body = problem(response, 401)
        assert body["error"] == "Invalid credentials"
        assert body["type"] == "urn:selteq:problem:authentication-failed"


def test_a_bad_token_on_a_task_route_has_no_login_error_member(api: Api) -> None:
    body = problem(api.client.get("/api/tasks/", headers={"Authorization": "Bearer x"}), 401)
    assert "error" not in body


def test_patch_renames_as_put_does(api: Api) -> None:
    headers = api.user("alice")
    task = api.create(headers, title="Old", duration=30)
    response = api.client.patch(
        f"/api/tasks/{task['id']}/", json={"title": "New", "duration": 99}, headers=headers
    )
    assert response.status_code == 200, response.text
    assert (response.json()["title"], response.json()["duration"]) == ("New", 30)
    problem(api.client.patch(f"/api/tasks/{task['id']}/", json={}, headers=headers), 400)
    bob = api.user("bob")
    problem(api.client.patch(f"/api/tasks/{task['id']}/", json={"title": "x"}, headers=bob), 404)
    assert api.client.get(f"/api/tasks/{task['id']}/", headers=headers).json()["title"] == "New"


def test_tasks_are_created_from_forms_and_multipart(api: Api) -> None:
    headers = api.user("alice")
    form = api.client.post("/api/tasks/", data={"title": "Form", "duration": "30"}, headers=headers)
    assert form.status_code == 201, form.text
    assert (form.json()["title"], form.json()["duration"]) == ("Form", 30)
    parts = api.client.post(
        "/api/tasks/",
        files={"title": (None, "Multipart"), "duration": (None, "45")},
        headers=headers,
    )
    assert parts.status_code == 201, parts.text
    assert (parts.json()["title"], parts.json()["duration"]) == ("Multipart", 45)
    renamed = api.client.put(
        f"/api/tasks/{form.json()['id']}/", data={"title": "Renamed"}, headers=headers
    )
    assert renamed.json()["title"] == "Renamed"


@pytest.mark.parametrize("duration", ["30.0", "+30", "-1", "0", " 30", "1e3", "thirty", ""])
def test_a_forms_duration_must_be_the_text_of_a_whole_number_in_range(
    api: Api, duration: str
) -> None:
    headers = api.user("alice")
    before = api.snapshot()
    for send in (
        {"data": {"title": "x", "duration": duration}},
        {"files": {"title": (None, "x"), "duration": (None, duration)}},
    ):
        response = api.client.post("/api/tasks/", headers=headers, **send)  # type: ignore[arg-type]
        assert invalid_names(problem(response, 400)) == {"duration"}, (duration, send)
    assert api.snapshot() == before


def test_a_file_for_a_title_is_refused_by_name(api: Api) -> None:
    headers = api.user("alice")
    response = api.client.post(
        "/api/tasks/",
        files={"title": ("title.txt", b"x", "text/plain"), "duration": (None, "5")},
        headers=headers,
    )
    assert invalid_names(problem(response, 400)) == {"title"}


def test_the_api_root_lists_the_endpoints_as_drfs_router_does(api: Api) -> None:
    for path in ("/api/", "/api"):
        response = api.client.get(path)
        assert response.status_code == 200
        endpoints = response.json()
        assert endpoints["tasks"] == "http://testserver.local/api/tasks/"
        assert endpoints["token"] == "http://testserver.local/api/token/"
