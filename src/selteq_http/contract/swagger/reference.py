"""The API reference as the documentation page draws it, read from the served OpenAPI
document: each operation under its tag (method, path, summary, parameters, body,
responses, whether it needs a token), the security schemes and the named schemas.

Only what the page shows is kept, in the document's own order, so the page is the
document's words and nothing restated: a route added, renamed or described differently
shows here the next time the app starts.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import quote

import attrs

from .words import Word, kind_of, scheme_detail

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


@attrs.frozen
class Field:
    """A parameter (``where`` is query, path, header or cookie) or a schema's property."""

    name: str
    where: str
    required: bool
    kind: tuple[Word, ...]
    description: str


@attrs.frozen
class Body:
    kind: tuple[Word, ...]
    media_types: tuple[str, ...]
    required: bool
    description: str


@attrs.frozen
class Reply:
    status: str
    description: str
    kind: tuple[Word, ...]


@attrs.frozen
class Operation:
    method: str
    path: str
    operation_id: str
    summary: str
    description: str
    security: tuple[str, ...]
    parameters: tuple[Field, ...]
    body: Body | None
    replies: tuple[Reply, ...]
    deep_link: str
    """Swagger UI's address of the operation (``#/<tag>/<operationId>``), which opens the
    console on it; empty when the operation has no id."""


@attrs.frozen
class Group:
    tag: str
    description: str
    operations: tuple[Operation, ...]


@attrs.frozen
class Scheme:
    name: str
    description: str
    detail: str


@attrs.frozen
class Schema:
    name: str
    description: str
    fields: tuple[Field, ...]


@attrs.frozen
class Reference:
    title: str
    version: str
    description: str
    groups: tuple[Group, ...]
    schemes: tuple[Scheme, ...]
    schemas: tuple[Schema, ...]


def reference(document: Mapping[str, Any]) -> Reference:
    """The page's reading of ``document`` (an OpenAPI 3.1 document as served)."""
    info = document.get("info", {})
    components = document.get("components", {})
    default_security = _security(document.get("security", []))
    tags = {tag["name"]: tag.get("description", "") for tag in document.get("tags", [])}
    grouped: dict[str, list[Operation]] = {name: [] for name in tags}
    for path, item in document.get("paths", {}).items():
        shared = item.get("parameters", [])
        for method in METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            tag = (operation.get("tags") or ["default"])[0]
            grouped.setdefault(tag, []).append(
                _operation(method, path, tag, operation, shared, default_security)
            )
    return Reference(
        title=info.get("title", ""),
        version=info.get("version", ""),
        description=info.get("description", ""),
        groups=tuple(
            Group(tag, tags.get(tag, ""), tuple(ops)) for tag, ops in grouped.items() if ops
        ),
        schemes=tuple(
            Scheme(name, scheme.get("description", ""), scheme_detail(scheme))
            for name, scheme in components.get("securitySchemes", {}).items()
        ),
        schemas=tuple(
            Schema(name, schema.get("description", ""), _properties(schema))
            for name, schema in components.get("schemas", {}).items()
        ),
    )


def _operation(
    method: str,
    path: str,
    tag: str,
    operation: Mapping[str, Any],
    shared: Iterable[Mapping[str, Any]],
    default_security: tuple[str, ...],
) -> Operation:
    operation_id = operation.get("operationId", "")
    security = operation.get("security")
    return Operation(
        method=method.upper(),
        path=path,
        operation_id=operation_id,
        summary=operation.get("summary", ""),
        description=operation.get("description", ""),
        security=default_security if security is None else _security(security),
        parameters=tuple(
            Field(
                name=parameter["name"],
                where=parameter.get("in", ""),
                required=bool(parameter.get("required", False)),
                kind=kind_of(parameter.get("schema", {})),
                description=parameter.get("description", ""),
            )
            for parameter in (*shared, *operation.get("parameters", []))
            if "name" in parameter
        ),
        body=_body(operation.get("requestBody")),
        replies=tuple(
            Reply(status, reply.get("description", ""), _content_kind(reply.get("content", {})))
            for status, reply in operation.get("responses", {}).items()
        ),
        deep_link=f"#/{_deep(tag)}/{_deep(operation_id)}" if operation_id else "",
    )


def _deep(name: str) -> str:
    """A name as Swagger UI reads it from a deep link (percent-encoded)."""
    return quote(name, safe="")


def _security(requirements: Iterable[Mapping[str, Any]]) -> tuple[str, ...]:
    """The schemes that satisfy the requirement, any one of them enough."""
    return tuple(dict.fromkeys(name for requirement in requirements for name in requirement))


def _body(body: Mapping[str, Any] | None) -> Body | None:
    if body is None:
        return None
    content = body.get("content", {})
    return Body(
        kind=_content_kind(content),
        media_types=tuple(content),
        required=bool(body.get("required", False)),
        description=body.get("description", ""),
    )


def _content_kind(content: Mapping[str, Any]) -> tuple[Word, ...]:
    """The schema of the first media type that has one (empty when none does)."""
    for media in content.values():
        if "schema" in media:
            return kind_of(media["schema"])
    return ()


def _properties(schema: Mapping[str, Any]) -> tuple[Field, ...]:
    required = set(schema.get("required", []))
    return tuple(
        Field(
            name=name,
            where="",
            required=name in required,
            kind=kind_of(spec),
            description=spec.get("description", ""),
        )
        for name, spec in schema.get("properties", {}).items()
    )
