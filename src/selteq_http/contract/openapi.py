"""The OpenAPI document as clients read it, finished after Litestar builds it.

Litestar drops a trailing slash from every route (it answers both forms) and has no place
for response links, so the served document is finished here, once, from the built one:
paths keep the slash the README and the Django project's clients write; creating a task
and logging in link to what a client does next (OpenAPI links: what schemathesis' stateful
tests and generated clients follow); and inline request bodies become named components.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

from litestar.openapi import OpenAPIConfig
from litestar.openapi.spec import OpenAPI

# Django REST framework's router writes its routes with a slash (`/api/tasks/`,
# `/api/tasks/{id}/`), and so does every route that followed it; actions on one resource
# and the probes have none.
SLASHED = frozenset(
    {
        "/api",
        "/api/users",
        "/api/token",
        "/api/token/refresh",
        "/api/token/revoke",
        "/api/tasks",
        "/api/tasks/{task_id}",
        "/api/admin/users",
        "/api/admin/users/{target}",
        "/api/admin/tasks",
        "/api/admin/schedules",
        "/api/admin/schedules/{schedule_id}",
        "/api/admin/runs",
        "/api/admin/dead-letters",
        "/api/admin/dead-letters/{letter_id}",
        "/api/admin/tasks/{task_id}",
        "/api/admin/audit",
    }
)

TASK_ID = {"task_id": "$response.body#/id"}
REFRESH = {"refresh_token": "$response.body#/refresh_token"}
# operationId -> status -> link name -> the link (OpenAPI 3.1 §4.8.20).
LINKS: dict[str, dict[str, dict[str, dict[str, Any]]]] = {
    "signUp": {
        "201": {
            "logIn": {
                "operationId": "obtainToken",
                "requestBody": {
                    "username": "$request.body#/username",
                    "password": "$request.body#/password",
                },
                "description": "The new account's username and password log in",
            }
        }
    },
    "createTask": {
        "201": {
            name: {"operationId": target, "parameters": TASK_ID, "description": what}
            for name, target, what in (
                ("get", "getTask", "The task just created"),
                ("rename", "renameTask", "Rename the task just created"),
                ("patch", "patchTask", "Rename the task just created"),
                ("delete", "deleteTask", "Delete the task just created"),
            )
        }
    },
    # A pair's refresh token is traded (refresh) or ended (revoke), whichever call gave it.
    **{
        operation: {
            "200": {
                name: {"operationId": target, "requestBody": REFRESH, "description": what}
                for name, target, what in (
                    ("refresh", "refreshToken", "Trade the refresh token for a new pair"),
                    ("revoke", "revokeToken", "Log out"),
                )
            }
        }
        for operation in ("obtainToken", "refreshToken")
    },
}


def spelled(path: str) -> str:
    """A route's path as the README writes it."""
    return f"{path}/" if path in SLASHED else path


def finish(document: dict[str, Any]) -> dict[str, Any]:
    """The built document with its paths spelled, its links and named bodies; ``document``
    itself is left as it was."""
    components = dict(document.get("components", {}))
    schemas = dict(components.get("schemas", {}))
    paths: dict[str, Any] = {}
    for path, item in document.get("paths", {}).items():
        paths[spelled(path)] = {
            method: _operation(operation, schemas) if isinstance(operation, dict) else operation
            for method, operation in item.items()
        }
    components["schemas"] = dict(sorted(schemas.items()))
    return {**document, "paths": paths, "components": components}


def _operation(operation: dict[str, Any], schemas: dict[str, Any]) -> dict[str, Any]:
    operation = dict(operation)
    if "requestBody" in operation:
        operation["requestBody"] = _named_body(operation["requestBody"], schemas)
    links = LINKS.get(operation.get("operationId", ""), {})
    if links:
        responses = dict(operation["responses"])
        for status, named in links.items():
            responses[status] = {**responses[status], "links": named}
        operation["responses"] = responses
    return operation


def _named_body(body: dict[str, Any], schemas: dict[str, Any]) -> dict[str, Any]:
    """Inline body schemas with a title (the body's own, or each of its ``anyOf`` shapes)
    move to the components under that title, so a generated client names its models as
    the API does (``PasswordGrant``), not after the route."""
    content = dict(body.get("content", {}))
    for media_type, media in content.items():
        schema = _named(media.get("schema", {}), schemas)
        if "anyOf" in schema:
            schema = {**schema, "anyOf": [_named(shape, schemas) for shape in schema["anyOf"]]}
        content[media_type] = {**media, "schema": schema}
    return {**body, "content": content}


def _named(schema: dict[str, Any], schemas: dict[str, Any]) -> dict[str, Any]:
    title = schema.get("title")
    if not title or "$ref" in schema:
        return schema
    if schemas.setdefault(title, schema) != schema:
        raise ValueError(f"two request bodies are both named {title}")
    return {"$ref": f"#/components/schemas/{title}"}


@dataclass
class _Document(OpenAPI):
    def to_schema(self) -> dict[str, Any]:
        return finish(super().to_schema())


@dataclass
class SelteqOpenAPIConfig(OpenAPIConfig):
    """Litestar's OpenAPI config whose document is finished by :func:`finish` when it is
    first served (Litestar builds and caches it then)."""

    def to_openapi_schema(self) -> OpenAPI:
        built = super().to_openapi_schema()
        return _Document(**{field.name: getattr(built, field.name) for field in fields(built)})
