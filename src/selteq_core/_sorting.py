"""The orders staff may sort their tables in, named as Django REST framework's
``?ordering=`` names them (a field, descending when it starts with ``-``), and the keyset
cursor of a sorted page.

An order is one of a fixed list: what a request names is looked up here, never passed on
as SQL. Ties are broken by id in the same direction, so every order is total and a keyset
page never repeats or skips a row.
"""

from __future__ import annotations

import base64
import binascii
import enum
from datetime import UTC, datetime
from typing import TypeVar

import attrs

from ._errors import InvalidField

_E = TypeVar("_E", bound=enum.Enum)


class UserOrder(enum.Enum):
    """A sort of the users table; by id (the order they joined in) unless told."""

    ID = "id"
    ID_DESC = "-id"
    USERNAME = "username"
    USERNAME_DESC = "-username"
    JOINED = "date_joined"
    JOINED_DESC = "-date_joined"
    TASKS = "task_count"
    TASKS_DESC = "-task_count"

    @property
    def field(self) -> str:
        return self.value.removeprefix("-")

    @property
    def descending(self) -> bool:
        return self.value.startswith("-")


class StaffTaskOrder(enum.Enum):
    """A sort of every task, for staff; newest first unless told."""

    NEWEST = "-created_at"
    OLDEST = "created_at"
    TITLE = "title"
    TITLE_DESC = "-title"
    SHORTEST = "duration"
    LONGEST = "-duration"
    OWNER = "owner"
    OWNER_DESC = "-owner"

    @property
    def field(self) -> str:
        return self.value.removeprefix("-")

    @property
    def descending(self) -> bool:
        return self.value.startswith("-")


USER_ORDERINGS = tuple(order.value for order in UserOrder)
"""Every ``ordering`` the users list accepts, the default first."""
STAFF_TASK_ORDERINGS = tuple(order.value for order in StaffTaskOrder)
"""Every ``ordering`` the staff's task list accepts, the default first."""


def user_order(ordering: object) -> UserOrder:
    """The order an ``ordering`` value names; None or empty means by id."""
    return _named(UserOrder, ordering, UserOrder.ID)


def staff_task_order(ordering: object) -> StaffTaskOrder:
    """The order an ``ordering`` value names; None or empty means newest first."""
    return _named(StaffTaskOrder, ordering, StaffTaskOrder.NEWEST)


def _named(kind: type[_E], ordering: object, default: _E) -> _E:
    if ordering is None or ordering == "":
        return default
    if isinstance(ordering, kind):
        return ordering
    if isinstance(ordering, str):
        for order in kind:
            if order.value == ordering.strip():
                return order
    choices = ", ".join(str(order.value) for order in kind)
    raise InvalidField("ordering", f"must be one of {choices}")


SortValue = str | int | datetime
"""What a row is sorted by: a name or title, a count or duration, or a time (UTC)."""
_KINDS = {"s": str, "i": int, "d": datetime}


@attrs.frozen(slots=True)
class SortKey:
    """Where a sorted page stops: the next page holds the rows strictly after (``value``,
    ``id``) in ``ordering``. Clients see it only as an opaque token that names its
    ordering, so a token of one order is refused by another."""

    ordering: str
    value: SortValue
    id: int

    def token(self) -> str:
        """URL-safe base64, without padding, of ``<ordering>|<kind>|<id>|<value>``."""
        if isinstance(self.value, datetime):
            kind, text = "d", self.value.astimezone(UTC).isoformat()
        elif isinstance(self.value, int):
            kind, text = "i", str(self.value)
        else:
            kind, text = "s", self.value
        raw = f"{self.ordering}|{kind}|{self.id}|{text}"
        return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")

    @classmethod
    def parse(cls, token: object, field: str, ordering: str) -> SortKey:
        """The key a ``token()`` made for a page in ``ordering``; InvalidField naming
        ``field`` for anything else, a token of another order included."""
        try:
            key = cls._read(token)
        except (ValueError, UnicodeError, binascii.Error):
            raise InvalidField(field, "is not a page cursor this service gave out") from None
        if key.ordering != ordering:
            raise InvalidField(
                field, "belongs to a list in another order; start again from the first page"
            )
        return key

    @classmethod
    def _read(cls, token: object) -> SortKey:
        if not isinstance(token, str) or not token.isascii() or len(token) > 1200:
            raise ValueError("not a token")
        padded = token + "=" * (-len(token) % 4)
        ordering, kind, ident, text = (
            base64.urlsafe_b64decode(padded.encode()).decode().split("|", 3)
        )
        if kind not in _KINDS or not ident.isdigit():
            raise ValueError("not a key")
        value: SortValue = text
        if kind == "i":
            value = int(text)
        elif kind == "d":
            moment = datetime.fromisoformat(text)
            if moment.tzinfo is None:
                raise ValueError("no time zone")
            value = moment.astimezone(UTC)
        return cls(ordering, value, int(ident))


@attrs.frozen(slots=True)
class UserQuery:
    """Which users a page may hold, in ``order``: those whose username holds ``search``
    (case-insensitive, wildcards matching only themselves; empty: every user), with the
    active and staff flags given (None: either), strictly after ``after`` in ``order``."""

    search: str = ""
    active: bool | None = None
    staff: bool | None = None
    order: UserOrder = UserOrder.ID
    after: SortKey | None = None
