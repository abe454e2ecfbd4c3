"""Parse several fields at once so one response can name every bad field."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar, overload

from ._errors import InvalidField

A = TypeVar("A")
B = TypeVar("B")


@overload
def parse_all(first: Callable[[], A], /) -> tuple[A]: ...


@overload
def parse_all(first: Callable[[], A], second: Callable[[], B], /) -> tuple[A, B]: ...


def parse_all(*parsers: Callable[[], object]) -> tuple[object, ...]:
    """Run each parser (each raises an InvalidField naming its own field); raise one
    InvalidField naming every field that failed, else return the values in order."""
    values: list[object] = []
    errors: dict[str, str] = {}
    for parse in parsers:
        try:
            values.append(parse())
        except InvalidField as error:
            errors.update(error.fields)
    if errors:
        raise InvalidField.of(errors)
    return tuple(values)
