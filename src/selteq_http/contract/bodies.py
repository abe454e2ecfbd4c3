"""Request bodies, decoded strictly: ``"60"`` is not a number, ``1.0`` is not a whole one,
and bytes that are not UTF-8 or JSON nested deeper than ``MAX_DEPTH`` are a 400.

A body is first decoded as it is (JSON by msgspec, a form as ``formdata`` does), then each
field the route reads is converted on its own, so a 400 names every bad field
(``InvalidField``) without reading any library's error messages. JSON-only routes go
through ``StrictJson`` (a DTO), the task routes, which also take forms as Django REST
framework does, through ``StrictBody`` (documented by ``bodydocs``), and the token routes,
which take OAuth2 forms, through ``read_json_or_form``.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar

import msgspec
from litestar import Request
from litestar.dto import MsgspecDTO
from litestar.exceptions import ClientException
from litestar.openapi.spec import Reference, Schema
from litestar.typing import FieldDefinition

from selteq_core import InvalidField
from selteq_http.contract.formdata import form_document, multipart_document

if TYPE_CHECKING:
    from litestar._openapi.schema_generation import SchemaCreator

S = TypeVar("S", bound=msgspec.Struct)
JSON = "application/json"
FORM = "application/x-www-form-urlencoded"
MULTIPART = "multipart/form-data"
MAX_DEPTH = 32
"""No request of this API nests; a deep document only costs the decoder's stack."""

_FORM_DIGITS = 30
"""Longer decimal text in a form is not read as a number (and is out of range anyway)."""
_KINDS: dict[type[msgspec.inspect.Type], tuple[type, str]] = {
    msgspec.inspect.IntType: (int, "must be a whole number"),
    msgspec.inspect.StrType: (str, "must be a string"),
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


def json_document(body: bytes) -> object:
    """The body as JSON values, or InvalidField("body") when it is not JSON in UTF-8 or
    nests deeper than MAX_DEPTH."""
    try:
        document = msgspec.json.decode(body)
    except msgspec.ValidationError:  # 1e400, or an integer of thousands of digits
        raise InvalidField("body", "must not hold numbers out of range") from None
    except (msgspec.DecodeError, UnicodeDecodeError, RecursionError):
        raise InvalidField("body", "must be JSON in UTF-8") from None
    # Fewer brackets than the limit cannot nest deeper than it: most bodies stop here.
    if body.count(b"[") + body.count(b"{") > MAX_DEPTH and _depth(document) > MAX_DEPTH:
        raise InvalidField("body", f"must not nest deeper than {MAX_DEPTH} levels")
    return document


def _depth(document: object) -> int:
    deepest, stack = 0, [(document, 1)]
    while stack:
        value, level = stack.pop()
        if isinstance(value, dict):
            children: Iterable[object] = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        deepest = max(deepest, level)
        stack.extend((child, level + 1) for child in children)
    return deepest


class _Refused(Exception):
    """One value's reason for refusal, named by the caller that knows the field."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def struct_of(document: object, into: type[S], *, form: bool = False) -> S:
    """The fields ``into`` declares, each converted on its own (strictly; a form's text
    for a whole number must be its plain decimal); every bad field is named at once.
    Other members of the document are ignored, as Django REST framework ignores
    read-only fields."""
    if not isinstance(document, Mapping):
        raise InvalidField("body", "must be a JSON object")
    values: dict[str, object] = {}
    errors: dict[str, str] = {}
    for field in _fields(into):
        if field.encode_name not in document:
            if field.required:
                errors[field.name] = "is required"
            continue
        try:
            values[field.name] = _converted(document[field.encode_name], field.type, form)
        except _Refused as refused:
            errors[field.name] = refused.reason
    if errors:
        raise InvalidField.of(errors)
    return into(**values)


@functools.cache
def _fields(into: type[msgspec.Struct]) -> tuple[msgspec.structs.FieldInfo, ...]:
    # Reading a struct's fields resolves its annotations: once a type, not once a body.
    return msgspec.structs.fields(into)


@functools.cache
def _kinds_of(annotation: Any) -> list[tuple[type, str]]:
    return _kinds(msgspec.inspect.type_info(annotation))


def _converted(value: object, annotation: Any, form: bool) -> object:
    if isinstance(value, list) and form:
        raise _Refused("must be given once")
    kinds = _kinds_of(annotation)
    if form and isinstance(value, str) and any(kind is int for kind, _ in kinds):
        decimal = value.isascii() and value.isdigit() and len(value) <= _FORM_DIGITS
        value = int(value) if decimal else value
    try:
        return msgspec.convert(value, annotation, strict=True)
    except msgspec.ValidationError as error:
        if kinds and not any(_is(value, kind) for kind, _ in kinds):
            raise _Refused(kinds[0][1]) from None
        reason = _bound_broken(msgspec.inspect.type_info(annotation), value)
        # The right type out of the declared bounds: msgspec's sentence as a last resort.
        raise _Refused(reason or str(error).replace("`", "")) from None


def _bound_broken(info: msgspec.inspect.Type, value: object) -> str | None:
    """Which declared bound (the schema keywords the OpenAPI document shows) the value
    breaks, in the words the core uses for the same rule."""
    extra = info.extra or {} if isinstance(info, msgspec.inspect.Metadata) else {}
    inner = info.type if isinstance(info, msgspec.inspect.Metadata) else info
    if isinstance(inner, msgspec.inspect.StrType) and isinstance(value, str):
        if inner.min_length is not None and len(value) < inner.min_length:
            return (
                "must not be empty"
                if inner.min_length == 1
                else (f"must be at least {inner.min_length} characters")
            )
        if inner.max_length is not None and len(value) > inner.max_length:
            return f"must be at most {inner.max_length} characters"
        if inner.pattern is not None:
            return str(extra.get("pattern", f"must match {inner.pattern}"))
    if isinstance(inner, msgspec.inspect.IntType) and inner.ge is not None:
        return f"must be between {inner.ge} and {inner.le}" if inner.le else None
    return None


def _kinds(info: msgspec.inspect.Type) -> list[tuple[type, str]]:
    """The Python types a field takes, with the reason given when a value is none of them."""
    if isinstance(info, msgspec.inspect.Metadata):
        return _kinds(info.type)
    if isinstance(info, msgspec.inspect.UnionType):
        return [kind for option in info.types for kind in _kinds(option)]
    return [_KINDS[type(info)]] if type(info) in _KINDS else []


def _is(value: object, kind: type) -> bool:
    return isinstance(value, kind) and not isinstance(value, bool)


def decoded(content_type: str | None, body: bytes, into: type[S], *, forms: bool) -> S:
    """The body as ``into``: JSON, or (with ``forms``) a urlencoded or multipart form;
    any other media type is a 415."""
    kind = media_type(content_type)
    if is_json(kind):
        return struct_of(json_document(body), into)
    if forms and kind == FORM:
        return struct_of(form_document(body), into, form=True)
    if forms and kind == MULTIPART:
        return struct_of(multipart_document(body, content_type or ""), into, form=True)
    raise unsupported_media_type(f"{JSON}, {FORM} or {MULTIPART}" if forms else JSON)


class StrictJson(MsgspecDTO[S], Generic[S]):
    """A DTO that only accepts JSON and decodes it as ``struct_of`` does. The OpenAPI
    document shows the model under its own name (``TaskCreate``), not the name Litestar
    gives a DTO's generated type."""

    forms: ClassVar[bool] = False

    def decode_bytes(self, value: bytes) -> Any:
        content_type = self.asgi_connection.headers.get("content-type")
        return decoded(content_type, value, self.model_type, forms=self.forms)

    @classmethod
    def create_openapi_schema(
        cls, field_definition: FieldDefinition, handler_id: str, schema_creator: SchemaCreator
    ) -> Reference | Schema:
        return schema_creator.for_field_definition(FieldDefinition.from_annotation(cls.model_type))


class StrictBody(StrictJson[S], Generic[S]):
    """``StrictJson`` that also takes the body as a urlencoded or multipart form, as
    Django REST framework's parsers do (document it with ``bodydocs.AnyEncoding``)."""

    forms: ClassVar[bool] = True


async def read_json_or_form(request: Request[Any, Any, Any], into: type[S]) -> S:
    """A JSON object or a form (as OAuth2 clients and Swagger UI's Authorize send)."""
    return decoded(request.headers.get("content-type"), await request.body(), into, forms=True)
