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
from ._values import TaskId, UserId, require_utc

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
    """Where a page of tasks (newest first) stops: the next page holds the tasks strictly
    older than this (created_at, id). Clients see it only as an opaque token."""

    created_at: datetime
    id: TaskId

    @classmethod
    def of(cls, task: Task) -> TaskCursor:
        return cls(task.created_at, task.id)

    def token(self) -> str:
        """URL-safe base64 of ``<created_at>|<id>``, without padding."""
        text = f"{require_utc(self.created_at).isoformat()}|{self.id.value}"
        return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")

    @classmethod
    def parse(cls, token: str, field: str = "before") -> TaskCursor:
        """The cursor a ``token()`` made; InvalidField naming ``field`` for anything else."""
        try:
            if not isinstance(token, str) or not token.isascii() or len(token) > 100:
                raise ValueError("not a token")
            padded = token + "=" * (-len(token) % 4)
            text = base64.urlsafe_b64decode(padded.encode()).decode()
            stamp, ident = text.split("|")
            if not ident.isdigit():
                raise ValueError("not an id")
            moment = datetime.fromisoformat(stamp)
            if moment.tzinfo is None:
                raise ValueError("no time zone")
            return cls(moment.astimezone(UTC), TaskId(int(ident)))
        except (ValueError, UnicodeError, binascii.Error, InvalidField):
            raise InvalidField(field, "is not a page cursor this service gave out") from None


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
    """Which tasks a page may hold, newest first: an owner, a creation window (``created_from``
    ≤ created_at < ``created_to``), a case-insensitive title substring, older than a cursor.
    None (or an empty search) leaves that filter off."""

    owner: UserId | None = None
    created_from: datetime | None = None
    created_to: datetime | None = None
    title_contains: str = ""
    before: TaskCursor | None = None

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
    """A page of tasks, newest first, and the token of the next (older) page, or None when
    there are no older tasks."""

    tasks: list[Task]
    next: str | None

    @classmethod
    def of(cls, rows: list[Task], limit: int) -> TaskPage:
        """A page from ``limit + 1`` rows read: the extra row only tells that more exist."""
        if len(rows) <= limit:
            return cls(rows, None)
        shown = rows[:limit]
        return cls(shown, TaskCursor.of(shown[-1]).token())


@attrs.frozen(slots=True)
class UserPage:
    """A page of users in id order, and the id the next page starts after, or None when
    this is the last page."""

    users: list[User]
    next: int | None


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
