"""Pages of tasks and users: keysets, their cursors, and the filters a read may take.

Pages are read by keyset, never by offset: a page starts strictly after the last row of
the one before, so it costs one index range however deep it is, and a row written
between two reads neither repeats nor hides a row of the next page.
"""

from __future__ import annotations

import base64
import binascii
from datetime import UTC, date, datetime, time, timedelta

import attrs

from ._entities import Task, User
from ._errors import InvalidField
from ._ordering import TaskOrder
from ._values import Duration, TaskId, UserId, Username, require_utc

PAGE_MAX = 100
"""The most rows one page holds."""
ADMIN_PAGE = 20
"""How many rows a staff list shows when the caller names no page size."""
SEARCH_MAX = 200
"""The longest search term (a title holds at most 200 characters)."""


def page_limit(limit: object) -> int:
    """A page size: a whole number from 1 to ``PAGE_MAX``."""
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= PAGE_MAX:
        raise InvalidField("limit", f"must be a whole number from 1 to {PAGE_MAX}")
    return limit


def search_term(search: object) -> str:
    """A search term, trimmed; empty means no search."""
    if search is None:
        return ""
    if not isinstance(search, str) or "\x00" in search:
        raise InvalidField("search", "must be text")
    term = search.strip()
    if len(term) > SEARCH_MAX:
        raise InvalidField("search", f"must be at most {SEARCH_MAX} characters")
    return term


@attrs.frozen(slots=True)
class TaskCursor:
    """Where a page of tasks stops, in the order it was read: the next page holds the tasks
    strictly after this (created_at or duration, then id) in ``order``; a ``backward``
    cursor points the other way, to the page before. Clients see it only as an opaque
    token, which names its order, so a cursor of one order is refused by another."""

    created_at: datetime
    id: TaskId
    order: TaskOrder = TaskOrder.NEWEST
    duration: int | None = None
    backward: bool = False

    @classmethod
    def of(
        cls, task: Task, order: TaskOrder = TaskOrder.NEWEST, backward: bool = False
    ) -> TaskCursor:
        duration = task.duration.minutes if order.by_duration else None
        return cls(task.created_at, task.id, order, duration, backward)

    def token(self) -> str:
        """URL-safe base64, without padding, of ``<created_at>|<id>`` for a newest-first
        page onwards (the form every earlier token had), else of
        ``<ordering>|<f or b>|<created_at>|<duration>|<id>``."""
        stamp = require_utc(self.created_at).isoformat()
        if self.order is TaskOrder.NEWEST and not self.backward:
            text = f"{stamp}|{self.id.value}"
        else:
            way = "b" if self.backward else "f"
            minutes = "" if self.duration is None else str(self.duration)
            text = f"{self.order.value}|{way}|{stamp}|{minutes}|{self.id.value}"
        return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")

    @classmethod
    def parse(
        cls, token: str, field: str = "before", order: TaskOrder = TaskOrder.NEWEST
    ) -> TaskCursor:
        """The cursor a ``token()`` made for a page in ``order``; InvalidField naming
        ``field`` for anything else, a token of another order included."""
        try:
            cursor = cls._read(token)
        except (ValueError, UnicodeError, binascii.Error, InvalidField):
            raise InvalidField(field, "is not a page cursor this service gave out") from None
        if cursor.order is not order:
            raise InvalidField(
                field, "belongs to a list in another order; start again from the first page"
            )
        return cursor

    @classmethod
    def _read(cls, token: str) -> TaskCursor:
        if not isinstance(token, str) or not token.isascii() or len(token) > 200:
            raise ValueError("not a token")
        padded = token + "=" * (-len(token) % 4)
        parts = base64.urlsafe_b64decode(padded.encode()).decode().split("|")
        if len(parts) == 2:
            order, way, minutes = TaskOrder.NEWEST, "f", ""
            stamp, ident = parts
        else:
            ordering, way, stamp, minutes, ident = parts
            order = TaskOrder(ordering)
            if way not in ("f", "b") or (order.by_duration != minutes.isdigit()):
                raise ValueError("not a cursor of its order")
        if not ident.isdigit() or (minutes and not minutes.isdigit()):
            raise ValueError("not an id")
        moment = datetime.fromisoformat(stamp)
        if moment.tzinfo is None:
            raise ValueError("no time zone")
        duration = Duration(int(minutes)).minutes if minutes else None
        return cls(moment.astimezone(UTC), TaskId(int(ident)), order, duration, way == "b")


def _start(moment: date | datetime | None, field: str) -> datetime | None:
    """A date means its first instant (UTC); a datetime must be aware."""
    if moment is None:
        return None
    if isinstance(moment, datetime):
        if moment.tzinfo is None:
            raise InvalidField(field, "must name its time zone")
        return moment.astimezone(UTC)
    if isinstance(moment, date):
        return datetime.combine(moment, time(), UTC)
    raise InvalidField(field, "must be a date or a time")


@attrs.frozen(slots=True)
class TaskQuery:
    """Which tasks a page may hold, in ``order`` (newest first unless told): an owner, a
    creation window (``created_from`` ≤ created_at < ``created_to``), a case-insensitive
    title substring, strictly after a cursor in ``order`` (older than it, newest first).
    None (or an empty search) leaves that filter off. The cursor's own order and direction
    are the use-case's business: a read follows ``order``."""

    owner: UserId | None = None
    created_from: datetime | None = None
    created_to: datetime | None = None
    title_contains: str = ""
    before: TaskCursor | None = None
    order: TaskOrder = TaskOrder.NEWEST

    @classmethod
    def window(
        cls, created_from: date | datetime | None, created_to: date | datetime | None
    ) -> tuple[datetime | None, datetime | None]:
        """A creation window from dates or times: a date as ``created_to`` includes that
        whole day, a time is the exclusive end; a window that ends before it starts is
        refused."""
        start = _start(created_from, "created_from")
        end = _start(created_to, "created_to")
        if end is not None and not isinstance(created_to, datetime):
            end += timedelta(days=1)
        if start is not None and end is not None and end <= start:
            raise InvalidField("created_to", "must be after created_from")
        return start, end


@attrs.frozen(slots=True)
class TaskPage:
    """A page of tasks, newest first unless asked otherwise, and the token of the next
    (older) page, or None when there are no older tasks. Reads that offer more fill in
    ``previous`` (the token of the page before, None on the first page), ``total`` (how
    many tasks match, without paging) and ``owners`` (each task's owner's username)."""

    tasks: list[Task]
    next: str | None
    previous: str | None = None
    total: int | None = None
    owners: dict[UserId, Username] = attrs.field(factory=dict)

    @classmethod
    def of(cls, rows: list[Task], limit: int) -> TaskPage:
        """A page from ``limit + 1`` rows read: the extra row only tells that more exist."""
        if len(rows) <= limit:
            return cls(rows, None)
        shown = rows[:limit]
        return cls(shown, TaskCursor.of(shown[-1]).token())


@attrs.frozen(slots=True)
class UserPage:
    """A page of users, and where the next page starts (in id order the last id, in
    another order a token), or None when this is the last page; ``total`` is how many
    match, when asked for."""

    users: list[User]
    next: int | str | None
    total: int | None = None
    task_counts: dict[UserId, int] = attrs.field(factory=dict)
    """How many tasks each user on the page has, when the read tells."""


def user_page(rows: list[User], limit: int) -> UserPage:
    if len(rows) <= limit:
        return UserPage(rows, None)
    shown = rows[:limit]
    return UserPage(shown, shown[-1].id.value)


def after_user(after: object) -> UserId | None:
    if after is None:
        return None
    try:
        return UserId(after)  # type: ignore[arg-type]
    except InvalidField:
        raise InvalidField("after", "must be a user id") from None
