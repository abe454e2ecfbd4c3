"""The OpenAPI document as a contract a generator can rely on: valid OpenAPI 3.1, names a
person would choose (never built from the route's path), every limit as a schema
keyword, and examples that their own schemas accept."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
from openapi_spec_validator import validate

from .conftest import PASSWORD, Api, bearer

README = Path(__file__).parents[3] / "README.md"

OPERATIONS = {
    ("post", "/api/tasks/"): "createTask",
    ("get", "/api/tasks/"): "listTasks",
    ("get", "/api/tasks/{task_id}/"): "getTask",
    ("put", "/api/tasks/{task_id}/"): "renameTask",
    ("patch", "/api/tasks/{task_id}/"): "patchTask",
    ("delete", "/api/tasks/{task_id}/"): "deleteTask",
    ("post", "/api/token/"): "obtainToken",
    ("post", "/api/token/refresh/"): "refreshToken",
    ("post", "/api/token/revoke/"): "revokeToken",
    ("post", "/api/users/"): "signUp",
}


def document(api: Api) -> dict[str, Any]:
    answer: dict[str, Any] = api.client.get("/schema/openapi.json").json()
    return answer


def operations(doc: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in doc["paths"].items():
        for method, operation in item.items():
            yield method, path, operation


def path_words(path: str) -> str:
    """``/api/tasks/{task_id}`` -> ``apitaskstaskid``: what a name built from it holds."""
    return re.sub(r"[^a-z]", "", path.lower())


def test_the_document_is_valid_openapi(api: Api) -> None:
    validate(document(api))


def test_operation_ids_and_component_names_are_chosen_not_derived(api: Api) -> None:
    doc = document(api)
    found = {(method, path): op["operationId"] for method, path, op in operations(doc)}
    assert OPERATIONS.items() <= found.items()
    words = {path_words(path) for path in doc["paths"] if len(path_words(path)) > 3}
    names = [*found.values(), *doc["components"]["schemas"]]
    for name in names:
        assert not any(word in name.lower() for word in words), name
        assert "RequestBody" not in name
        assert "ResponseBody" not in name
    assert {"Task", "TaskCreate", "TaskRename", "TokenPair", "Problem"} <= set(names)


def test_every_limit_is_a_schema_keyword(api: Api) -> None:
    schemas = document(api)["components"]["schemas"]
    for name in ("TaskCreate", "TaskRename"):
        title = schemas[name]["properties"]["title"]
        assert (title["minLength"], title["maxLength"], title["pattern"]) == (1, 200, r"\S")
    duration = schemas["TaskCreate"]["properties"]["duration"]
    assert (duration["minimum"], duration["maximum"]) == (1, 2_147_483_647)
    username = schemas["SignUp"]["properties"]["username"]
    assert (username["minLength"], username["maxLength"]) == (1, 150)
    password = schemas["SignUp"]["properties"]["password"]
    assert (password["minLength"], password["maxLength"]) == (8, 256)


def test_task_bodies_document_json_and_name_the_forms_the_route_also_reads(api: Api) -> None:
    doc = document(api)
    for method, path in (("post", "/api/tasks/"), ("put", "/api/tasks/{task_id}/")):
        body = doc["paths"][path][method]["requestBody"]
        assert set(body["content"]) == {"application/json"}  # decision 0305
        assert "application/x-www-form-urlencoded" in body["description"]
        assert "multipart/form-data" in body["description"]
    headers = api.user("alice")
    form = api.client.post("/api/tasks/", data={"title": "form", "duration": "5"}, headers=headers)
    multipart = api.client.post(
        "/api/tasks/",
        files={"title": (None, "multipart"), "duration": (None, "5")},
        headers=headers,
    )
    assert (form.status_code, multipart.status_code) == (201, 201), (form.text, multipart.text)


def test_every_example_is_accepted_by_its_own_schema(api: Api) -> None:
    schemas = document(api)["components"]["schemas"]
    checked = 0
    for name, schema in schemas.items():
        for field, property_schema in schema.get("properties", {}).items():
            for example in property_schema.get("examples", []):
                jsonschema.validate(example, property_schema)
                checked += 1
            assert property_schema.get("type") != "integer" or all(
                isinstance(e, int) for e in property_schema.get("examples", [])
            ), (name, field)
    assert checked >= 4


def test_a_task_route_documents_only_what_it_answers(api: Api) -> None:
    paths = document(api)["paths"]
    assert set(paths["/api/tasks/"]["get"]["responses"]) == {
        "200",
        "400",
        "401",
        "503",
    }  # 400: a bad limit or before
    assert set(paths["/api/tasks/{task_id}/"]["delete"]["responses"]) == {
        "204",
        "400",
        "401",
        "404",
        "412",
        "503",
    }
    created = paths["/api/tasks/"]["post"]["responses"]["201"]
    assert {"Location", "ETag"} <= set(created["headers"])


def readme_paths() -> set[str]:
    """Every path the README's route table writes, ``…/x`` expanded from the path before
    it, queries dropped, and each ``{name}`` as ``{}`` (the README says ``{id}``)."""
    text = README.read_text()
    table = text[text.index("<!-- api:begin -->") : text.index("<!-- api:end -->")]
    found: set[str] = set()
    base = ""
    for line in table.splitlines():
        cells = line.split("|")
        if not line.startswith("| ") or len(cells) < 4:
            continue
        for spelled in re.findall(r"`([^`]+)`", cells[2]):
            path = spelled.split("?")[0]
            if path.startswith("…/"):
                path = base + path[1:]
            elif path.startswith("/"):
                base = path.rstrip("/")
            else:
                continue
            found.add(placeholders(path))
    return found


def placeholders(path: str) -> str:
    return re.sub(r"\{[^}]*\}", "{}", path)


def test_the_documents_paths_are_the_readmes(api: Api) -> None:
    documented = {placeholders(path) for path in document(api)["paths"]}
    assert documented == readme_paths()
    assert {"/api/tasks/", "/api/tasks/{}/", "/api/token/", "/health/live"} <= documented


def test_every_documented_path_answers_as_spelled(api: Api) -> None:
    """Each operation, in this order, at its path exactly as documented: its success."""
    api.container.register_user("root", PASSWORD, staff=True)
    root = bearer(api.login("root")["access_token"])
    api.sign_up("alice")
    carol_id = api.sign_up("carol")
    alice = bearer(api.login("alice")["access_token"])
    refresh, revoke = (api.login("alice")["refresh_token"] for _ in range(2))
    task = api.create(alice)["id"]
    other = api.create(alice)["id"]
    new_password = {"new_password": "another good password"}
    steps: dict[str, tuple[dict[str, str], dict[str, Any] | None, int]] = {
        "listEndpoints": ({}, None, 200),
        "live": ({}, None, 200),
        "ready": ({}, None, 200),
        "signUp": ({}, {"username": "bob", "password": PASSWORD}, 201),
        "obtainToken": ({}, {"username": "alice", "password": PASSWORD}, 200),
        "refreshToken": ({}, {"refresh_token": refresh}, 200),
        "revokeToken": ({}, {"refresh": revoke}, 204),
        "createTask": (alice, {"title": "spelled", "duration": 5}, 201),
        "listTasks": (alice, None, 200),
        "getTask": (alice, None, 200),
        "renameTask": (alice, {"title": "renamed"}, 200),
        "patchTask": (alice, {"title": "patched"}, 200),
        "deleteTask": (alice, None, 204),
        "changePassword": (alice, {"current_password": PASSWORD, **new_password}, 204),
        "listUsers": (root, None, 200),
        "listAllTasks": (root, None, 200),
        "deactivateUser": (root, None, 204),
        "activateUser": (root, None, 204),
        "resetPassword": (root, new_password, 204),
        "makeStaff": (root, None, 204),
        "unmakeStaff": (root, None, 204),
        "auditLog": (root, None, 200),
        "deleteAnyTask": (root, None, 204),
        "deleteUser": (root, None, 204),
        "listSchedules": (root, None, 200),
        "createSchedule": (root, {"job": "purge_idempotency_keys", "every_seconds": 60}, 201),
        "getSchedule": (root, None, 200),
        "editSchedule": (root, {"job": "purge_idempotency_keys", "every_seconds": 120}, 200),
        "pauseSchedule": (root, None, 200),
        "resumeSchedule": (root, None, 200),
        "runScheduleNow": (root, None, 200),
        "listRuns": (root, None, 200),
        "listDeadLetters": (root, None, 200),
        "replayDeadLetter": (root, None, 404),  # no Redis, so no dead letters
        "discardDeadLetter": (root, None, 404),
        "replayAllDeadLetters": (root, None, 200),
        "discardAllDeadLetters": (root, None, 200),
        "deleteSchedule": (root, None, 204),
    }
    found = {op["operationId"]: (method, path) for method, path, op in operations(document(api))}
    assert found.keys() == steps.keys()
    values = {"task_id": task, "target": carol_id, "schedule_id": 1, "letter_id": "gone"}
    for operation_id, (headers, body, status) in steps.items():
        method, path = found[operation_id]
        url = path.format(**values)
        if operation_id == "deleteAnyTask":  # the caller's own task is deleted by then
            url = path.format(task_id=other)
        answer = api.client.request(method.upper(), url, json=body, headers=headers)
        assert answer.status_code == status, (operation_id, url, answer.text)
