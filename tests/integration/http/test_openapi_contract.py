"""The OpenAPI document as a contract a generator can rely on: valid OpenAPI 3.1, names a
person would choose (never built from the route's path), every limit as a schema
keyword, and examples that their own schemas accept."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import jsonschema
from openapi_spec_validator import validate

from .conftest import Api

OPERATIONS = {
    ("post", "/api/tasks"): "createTask",
    ("get", "/api/tasks"): "listTasks",
    ("get", "/api/tasks/{task_id}"): "getTask",
    ("put", "/api/tasks/{task_id}"): "renameTask",
    ("patch", "/api/tasks/{task_id}"): "patchTask",
    ("delete", "/api/tasks/{task_id}"): "deleteTask",
    ("post", "/api/token"): "obtainToken",
    ("post", "/api/token/refresh"): "refreshToken",
    ("post", "/api/token/revoke"): "revokeToken",
    ("post", "/api/users"): "signUp",
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


def test_task_bodies_offer_every_encoding_the_route_reads(api: Api) -> None:
    doc = document(api)
    for method, path in (("post", "/api/tasks"), ("put", "/api/tasks/{task_id}")):
        content = doc["paths"][path][method]["requestBody"]["content"]
        assert set(content) == {
            "application/json",
            "application/x-www-form-urlencoded",
            "multipart/form-data",
        }


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
    assert set(paths["/api/tasks"]["get"]["responses"]) == {
        "200",
        "400",
        "401",
        "503",
    }  # 400: a bad limit or before
    assert set(paths["/api/tasks/{task_id}"]["delete"]["responses"]) == {
        "204",
        "400",
        "401",
        "404",
        "412",
        "503",
    }
    created = paths["/api/tasks"]["post"]["responses"]["201"]
    assert {"Location", "ETag"} <= set(created["headers"])
