"""Every 401 reads the same: the response never says which check failed."""

from __future__ import annotations

from tests.integration.http.conftest import Api, bearer, problem


def test_expired_wrong_kind_bad_password_and_replay_all_read_alike(api: Api) -> None:
    api.sign_up("alice")
    first = api.login("alice")
    renewed = api.client.post("/api/token/refresh/", json={"refresh_token": first["refresh_token"]})
    assert renewed.status_code == 200
    answers = [
        api.client.post("/api/token/", json={"username": "alice", "password": "wrong password"}),
        api.client.post("/api/token/", json={"username": "nobody", "password": "wrong password"}),
        api.client.get("/api/tasks/", headers=bearer(first["refresh_token"])),  # wrong kind
        api.client.post("/api/token/refresh/", json={"refresh_token": first["refresh_token"]}),
    ]
    api.clock.advance(301)
    answers.append(api.client.get("/api/tasks/", headers=bearer(renewed.json()["access_token"])))
    details = {problem(answer, 401)["detail"] for answer in answers}
    assert details == {"The credentials or the token were not accepted."}
