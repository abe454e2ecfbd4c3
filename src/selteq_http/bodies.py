"""Request bodies, decoded strictly: ``"60"`` is not a number and ``1.0`` is not a whole one.

Litestar converts bodies leniently, so JSON bodies go through ``StrictJson`` (a DTO whose
decoding is msgspec's strict mode) and the token routes, which also take HTML/OAuth2 forms,
through ``read_json_or_form``. Type errors become the core's ``InvalidField`` so every 400
names its fields the same way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import msgspec
from litestar import Request
from litestar.dto import MsgspecDTO
from litestar.exceptions import ClientException
from litestar.openapi.spec import OpenAPIMediaType, OpenAPIType, Operation, RequestBody, Schema

from selteq_core import InvalidField

S = TypeVar("S", bound=msgspec.Struct)
JSON = "application/json"
FORM = "application/x-www-form-urlencoded"
MULTIPART = "multipart/form-data"

_AT = re.compile(r"^(?P<message>.*?)(?: - at `\$\.?(?P<path>[^`]*)`)?$", re.DOTALL)
_MISSING = re.compile(r"^Object missing required field `(?P<field>[^`]+)`")
_EXPECTED = re.compile(r"^Expected `(?P<want>[^`|]+)")
_REASONS = {
    "int": "must be a whole number",
    "str": "must be a string",
    "object": "must be an object",
}


def media_type(content_type: str | None) -> str:
    """``application/json; charset=utf-8`` -> ``application/json``."""
    return (content_type or "").partition(";")[0].strip().lower()


def is_json(media_type: str) -> bool:
    return media_type == JSON or (
        media_type.startswith("application/") and media_type.endswith("+json")
    )


def unsupported_media_type(accepted: str) -> ClientException:
    return ClientException(status_code=415, detail=f"Content-Type must be {accepted}.")


def invalid_from(error: msgspec.ValidationError) -> InvalidField:
    """msgspec's message ("Expected `int`, got `str` - at `$.duration`") as a named field."""
    match = _AT.match(str(error))
    message = match["message"] if match else str(error)
    path = match["path"] if match and match["path"] else ""
    if missing := _MISSING.match(message):
        return InvalidField(
            f"{path}.{missing['field']}" if path else missing["field"], "is required"
        )
    expected = _EXPECTED.match(message)
    reason = _REASONS.get(expected["want"], message) if expected else message
    return InvalidField(path or "body", reason.replace("`", ""))


def decode_json(body: bytes, into: type[S]) -> S:
    try:
        return msgspec.json.decode(body, type=into, strict=True)
    except msgspec.ValidationError as error:
        raise invalid_from(error) from None
    except msgspec.DecodeError:
        raise ClientException("The body is not valid JSON.") from None


class StrictJson(MsgspecDTO[S], Generic[S]):
    """A DTO that only accepts JSON and decodes it in msgspec's strict mode."""

    def decode_bytes(self, value: bytes) -> Any:
        if not is_json(media_type(self.asgi_connection.headers.get("content-type"))):
            raise unsupported_media_type(JSON)
        return decode_json(value, self.model_type)


async def read_json_or_form(request: Request[Any, Any, Any], into: type[S]) -> S:
    """A JSON object or a form (as OAuth2 clients and Swagger UI's Authorize send)."""
    kind = media_type(request.headers.get("content-type"))
    if is_json(kind):
        return decode_json(await request.body(), into)
    if kind in {FORM, MULTIPART}:
        form = await request.form()
        try:
            return msgspec.convert({key: form.get(key) for key in form}, into, strict=True)
        except msgspec.ValidationError as error:
            raise invalid_from(error) from None
    raise unsupported_media_type(f"{JSON} or {FORM}")


def json_or_form_body(into: type[msgspec.Struct]) -> type[Operation]:
    """An OpenAPI operation class declaring a body of string fields in JSON or form encoding
    (Litestar documents only one encoding per route on its own)."""
    fields = msgspec.structs.fields(into)
    schema = Schema(
        type=OpenAPIType.OBJECT,
        title=into.__name__,
        properties={field.name: Schema(type=OpenAPIType.STRING) for field in fields},
        required=[field.name for field in fields if field.required] or None,
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
