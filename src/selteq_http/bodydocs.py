"""How the OpenAPI document shows bodies that Litestar cannot describe on its own: one
route, several encodings (Litestar documents one per route)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import msgspec
from litestar.openapi.spec import (
    OpenAPIMediaType,
    OpenAPIType,
    Operation,
    Parameter,
    Reference,
    RequestBody,
    Schema,
)

from .bodies import FORM, JSON, MULTIPART


@dataclass
class AnyEncoding(Operation):
    """An operation whose JSON request body is also documented as both form encodings,
    and whose optional headers are strings: Litestar documents ``str | None`` as "a string
    or null", and a header is never JSON's null (a client would send the text "null")."""

    def __post_init__(self) -> None:
        body = self.request_body
        if isinstance(body, RequestBody) and JSON in body.content:
            media = body.content[JSON]
            body.content = {JSON: media, FORM: media, MULTIPART: media}
        for parameter in self.parameters or []:
            if isinstance(parameter, Parameter) and parameter.param_in == "header":
                parameter.schema = _without_null(parameter.schema)


def _without_null(schema: Schema | Reference | None) -> Schema | Reference | None:
    if not isinstance(schema, Schema) or not schema.one_of:
        return schema
    kept = [option for option in schema.one_of if getattr(option, "type", None) != "null"]
    if len(kept) != 1 or not isinstance(kept[0], Schema):
        return schema
    only = kept[0]
    only.description = only.description or schema.description
    return only


def json_or_form_body(
    into: type[msgspec.Struct],
    fields: Mapping[str, Schema] | None = None,
    any_of: list[list[str]] | None = None,
) -> type[Operation]:
    """An operation class declaring a body of string fields in JSON or form encoding.

    ``fields`` gives a field a schema of its own (its limits); ``any_of`` lists sets of
    fields of which the body must hold at least one."""
    declared = msgspec.structs.fields(into)
    given = fields or {}
    schema = Schema(
        type=OpenAPIType.OBJECT,
        title=into.__name__,
        properties={f.name: given.get(f.name, Schema(type=OpenAPIType.STRING)) for f in declared},
        required=[f.name for f in declared if f.required] or None,
        any_of=[Schema(required=names) for names in any_of] if any_of else None,
    )
    body = RequestBody(
        required=True,
        content={JSON: OpenAPIMediaType(schema=schema), FORM: OpenAPIMediaType(schema=schema)},
    )

    @dataclass
    class JsonOrFormOperation(Operation):
        def __post_init__(self) -> None:
            self.request_body = body

    return JsonOrFormOperation
