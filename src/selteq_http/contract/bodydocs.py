"""How the OpenAPI document shows bodies that Litestar cannot describe on its own.

A route that reads JSON, a form and multipart documents the JSON body and names the other
encodings in the body's description: code generators mishandle a body offered in several
encodings (openapi-python-client writes a union of one model three times, and a required
body of two encodings as a module that does not import), and the forms are for the
Django project's clients and Swagger UI's Authorize, which know them already
(docs/decisions/0305-one-documented-encoding-per-body.md)."""

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

from selteq_http.contract.bodies import FORM, JSON, MULTIPART

ALSO_FORMS = f"Also read as `{FORM}` or `{MULTIPART}`, with the same fields and rules."
ALSO_FORM = f"Also read as `{FORM}` (OAuth2's password grant), with the same fields."


@dataclass
class AnyEncoding(Operation):
    """An operation whose JSON request body says it may also come as either form encoding,
    and whose optional headers are strings: Litestar documents ``str | None`` as "a string
    or null", and a header is never JSON's null (a client would send the text "null")."""

    def __post_init__(self) -> None:
        body = self.request_body
        if isinstance(body, RequestBody) and JSON in body.content:
            body.description = ALSO_FORMS
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


def string_fields_body(
    into: type[msgspec.Struct],
    fields: Mapping[str, Schema] | None = None,
    alternatives: Mapping[str, list[str]] | None = None,
) -> type[Operation]:
    """An operation class declaring a JSON body of string fields, also read as a form.

    ``fields`` gives a field a schema of its own (its limits). ``alternatives`` names the
    shapes a body may take instead (each holds its listed fields): a body is one of them,
    and a generated client gets one model per shape."""
    declared = msgspec.structs.fields(into)
    given = fields or {}

    def shape(title: str, names: list[str], required: list[str]) -> Schema:
        return Schema(
            type=OpenAPIType.OBJECT,
            title=title,
            properties={name: given.get(name, Schema(type=OpenAPIType.STRING)) for name in names},
            required=required or None,
        )

    if alternatives:
        schema = Schema(
            any_of=[shape(title, names, names) for title, names in alternatives.items()]
        )
    else:
        names = [f.name for f in declared]
        schema = shape(into.__name__, names, [f.name for f in declared if f.required])
    body = RequestBody(
        required=True,
        description=ALSO_FORM,
        content={JSON: OpenAPIMediaType(schema=schema)},
    )

    @dataclass
    class JsonOrFormOperation(Operation):
        def __post_init__(self) -> None:
            self.request_body = body

    return JsonOrFormOperation
