"""Parse several fields at once so one response can name every bad field."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ._errors import InvalidField


def parse_all(**parsers: Callable[[], Any]) -> dict[str, Any]:
    """Run each parser; raise one InvalidField naming every field that failed."""
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for name, parse in parsers.items():
        try:
            values[name] = parse()
        except InvalidField as error:
            errors.update(error.fields)
    if errors:
        raise InvalidField.of(errors)
    return values
