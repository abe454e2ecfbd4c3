"""Form bodies, decoded strictly: ``application/x-www-form-urlencoded`` and
``multipart/form-data``, each byte and escape in strict UTF-8 (or a part's own charset).

Both are decoded from the body already read (its size bounded by the app's body limit),
so decoding is CPU work on bytes in memory, never a wait. A field given twice keeps all
its values, so the reader can refuse it by name; a file part's value stays bytes, which
no text field accepts.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from urllib.parse import parse_qsl

import multipart  # type: ignore[import-untyped]  # the parser Litestar itself uses

from selteq_core import InvalidField

MAX_FORM_FIELDS = 64


def not_a_form() -> InvalidField:
    return InvalidField("body", "must be a form in UTF-8")


def grouped(pairs: Iterable[tuple[str, object]]) -> dict[str, object]:
    collected: dict[str, list[object]] = {}
    for name, value in pairs:
        collected.setdefault(name, []).append(value)
    return {name: values[0] if len(values) == 1 else values for name, values in collected.items()}


def form_document(body: bytes) -> dict[str, object]:
    """An ``application/x-www-form-urlencoded`` body."""
    try:
        pairs = parse_qsl(
            body.decode(),
            keep_blank_values=True,
            errors="strict",
            max_num_fields=MAX_FORM_FIELDS,
        )
    except (UnicodeDecodeError, ValueError):  # ValueError: more than MAX_FORM_FIELDS
        raise not_a_form() from None
    return grouped(pairs)


def multipart_document(body: bytes, content_type: str) -> dict[str, object]:
    """A ``multipart/form-data`` body; its boundary comes from ``content_type``."""
    _, options = multipart.parse_options_header(content_type)
    boundary = options.get("boundary")
    if not boundary:
        raise InvalidField("body", "must be multipart with a boundary")
    in_memory = len(body) + 1
    parser = multipart.MultipartParser(
        io.BytesIO(body),
        boundary,
        content_length=len(body),
        part_limit=MAX_FORM_FIELDS,
        spool_limit=in_memory,
        memory_limit=in_memory,
        disk_limit=0,
    )
    try:
        return grouped(
            (part.name, part.raw if part.filename is not None else part.value) for part in parser
        )
    except (multipart.MultipartError, UnicodeDecodeError, LookupError):  # LookupError: charset
        raise not_a_form() from None
