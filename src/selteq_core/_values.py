"""Value objects: validated on creation, so an invalid one cannot exist."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import attrs

from ._errors import InvalidField

TITLE_MAX = 200
DURATION_MAX = 2_147_483_647
USERNAME_MAX = 150
PASSWORD_MIN_BYTES = 8
PASSWORD_MAX_BYTES = 1024
IDEMPOTENCY_KEY_MAX = 255


def _positive_int(field: str, value: Any, maximum: int) -> int:
    # bool is an int subclass; a JSON `true` must not become a duration of 1.
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidField(field, "must be a whole number")
    if not 1 <= value <= maximum:
        raise InvalidField(field, f"must be between 1 and {maximum}")
    return value


def _strip(value: object) -> object:
    return value.strip() if isinstance(value, str) else value


@attrs.frozen(slots=True)
class Title:
    """A task title: 1 to 200 characters once surrounding whitespace is trimmed."""

    value: str = attrs.field(converter=_strip)

    @value.validator
    def _check(self, _: attrs.Attribute[str], value: object) -> None:
        if not isinstance(value, str):
            raise InvalidField("title", "must be a string")
        if not value:
            raise InvalidField("title", "must not be blank")
        if len(value) > TITLE_MAX:
            raise InvalidField("title", f"must be at most {TITLE_MAX} characters")
        if "\x00" in value:
            raise InvalidField("title", "must not contain NUL characters")

    def __str__(self) -> str:
        return self.value


@attrs.frozen(slots=True)
class IdempotencyKey:
    """A client's key for one create it may retry: 1 to 255 printable ASCII characters
    (a UUID fits; so does anything a header can carry without escaping)."""

    value: str

    def __attrs_post_init__(self) -> None:
        value = self.value
        if not isinstance(value, str) or not value:
            raise InvalidField("idempotency_key", "must be a non-empty string")
        if len(value) > IDEMPOTENCY_KEY_MAX:
            raise InvalidField(
                "idempotency_key", f"must be at most {IDEMPOTENCY_KEY_MAX} characters"
            )
        if not (value.isascii() and value.isprintable()):
            raise InvalidField("idempotency_key", "must be printable ASCII")


@attrs.frozen(slots=True)
class Duration:
    """A duration in whole minutes, 1 to 2,147,483,647 (never a bool or a float)."""

    minutes: int

    def __attrs_post_init__(self) -> None:
        _positive_int("duration", self.minutes, DURATION_MAX)


@attrs.frozen(slots=True, order=True)
class TaskId:
    """A task's identity, as the database assigned it."""

    value: int

    def __attrs_post_init__(self) -> None:
        _positive_int("id", self.value, 2**63 - 1)


@attrs.frozen(slots=True, order=True)
class UserId:
    """A user's identity, as the database assigned it."""

    value: int

    def __attrs_post_init__(self) -> None:
        _positive_int("user_id", self.value, 2**63 - 1)

    def __str__(self) -> str:
        return str(self.value)


@attrs.frozen(slots=True)
class Username:
    """A login name: 1 to 150 characters of letters, digits and @.+-_ (as Django allows)."""

    value: str

    def __attrs_post_init__(self) -> None:
        value = self.value
        if not isinstance(value, str):
            raise InvalidField("username", "must be a string")
        if not 1 <= len(value) <= USERNAME_MAX:
            raise InvalidField("username", f"must be 1 to {USERNAME_MAX} characters")
        if not all(ch.isalnum() or ch in "@.+-_" for ch in value):
            raise InvalidField("username", "may hold only letters, digits and @.+-_")

    def __str__(self) -> str:
        return self.value


@attrs.frozen(slots=True, repr=False)
class Password:
    """A clear-text password, 8 to 1024 bytes in UTF-8. Its repr never shows it."""

    value: str

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.value, str):
            raise InvalidField("password", "must be a string")
        size = len(self.value.encode("utf-8", "surrogatepass"))
        if not PASSWORD_MIN_BYTES <= size <= PASSWORD_MAX_BYTES:
            raise InvalidField(
                "password", f"must be {PASSWORD_MIN_BYTES} to {PASSWORD_MAX_BYTES} bytes long"
            )

    def __repr__(self) -> str:
        return "Password('********')"


def require_utc(moment: datetime) -> datetime:
    """Times in the core are aware and in UTC; a naive time is a programming error."""
    if moment.tzinfo is UTC:  # the clock's and the stores' own: nothing to convert
        return moment
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("naive datetime: the core keeps time in aware UTC")
    return moment.astimezone(UTC)
