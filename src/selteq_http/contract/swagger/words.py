"""How the documentation page says a schema's type and a security scheme in words."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import attrs

REF_PREFIX = "#/components/schemas/"


@attrs.frozen
class Word:
    """One word of a type as written: ``ref`` names the schema it links to, if any."""

    text: str
    ref: str = ""


def kind_of(schema: Mapping[str, Any]) -> tuple[Word, ...]:
    """A schema's type in words: ``Task``, ``array of Task``, ``integer or null``,
    ``string (date-time)``, ``string, one of: a, b``."""
    if "$ref" in schema:
        name = str(schema["$ref"]).removeprefix(REF_PREFIX)
        return (Word(name, name if schema["$ref"].startswith(REF_PREFIX) else ""),)
    for key in ("oneOf", "anyOf"):
        if key in schema:
            return _joined((kind_of(shape) for shape in schema[key]), " or ")
    kind = schema.get("type")
    if isinstance(kind, list):
        return _joined(((Word(str(name)),) for name in kind), " or ")
    if kind == "array":
        items = schema.get("items")
        return (Word("array of "), *kind_of(items)) if items else (Word("array"),)
    text = str(kind) if kind else ("object" if "properties" in schema else "any")
    if "format" in schema:
        text += f" ({schema['format']})"
    if "enum" in schema:
        text += ", one of: " + ", ".join(str(value) for value in schema["enum"])
    return (Word(text),)


def _joined(parts: Iterable[tuple[Word, ...]], separator: str) -> tuple[Word, ...]:
    words: list[Word] = []
    for part in parts:
        if words:
            words.append(Word(separator))
        words.extend(part)
    return tuple(words)


def scheme_detail(scheme: Mapping[str, Any]) -> str:
    """How a security scheme is used, in words (backticks mark code)."""
    kind = scheme.get("type", "")
    if kind == "http" and scheme.get("scheme", "").lower() == "bearer":
        detail = "the header `Authorization: Bearer <token>`"
        if "bearerFormat" in scheme:
            detail += f" (a {scheme['bearerFormat']})"
    elif kind == "http":
        detail = f"HTTP {scheme.get('scheme', '')} authentication"
    elif kind == "oauth2":
        detail = "; ".join(
            f"OAuth 2.0 {flow} flow"
            + (f", token URL `{spec['tokenUrl']}`" if "tokenUrl" in spec else "")
            for flow, spec in scheme.get("flows", {}).items()
        )
    elif kind == "apiKey":
        detail = f"an API key in the {scheme.get('in', '')} `{scheme.get('name', '')}`"
    else:
        detail = kind
    return detail
