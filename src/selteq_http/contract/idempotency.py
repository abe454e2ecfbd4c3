"""The ``Idempotency-Key`` request header (IETF httpapi draft) of ``POST /api/tasks/``."""

from __future__ import annotations

from typing import Annotated

from litestar.params import HeaderParameter

IdempotencyKey = Annotated[
    str | None,
    HeaderParameter(
        name="Idempotency-Key",
        pattern=r"^[!-~]{1,255}$",
        description=(
            "Retry-safe creation: the same key and body within 24 hours answers the first"
            " create again and creates nothing; the same key with another body is a 422."
            " A quoted key (a structured-field string) is the key without its quotes."
        ),
    ),
]


def key_of(header: str | None) -> str | None:
    """The key without the quotes of a structured-field string (Litestar has checked the
    pattern: a bad key is a 400 naming ``idempotency_key``, as the core names it)."""
    if header is not None and len(header) > 2 and header[0] == header[-1] == '"':
        return header[1:-1]
    return header
