"""Tasks a page at a time, newest first: one's own, and (for staff) everyone's."""

from __future__ import annotations

from datetime import date, datetime

import attrs

from ._errors import InvalidField
from ._paging import ADMIN_PAGE, TaskCursor, TaskPage, TaskQuery, page_limit, search_term
from ._ports import UnitOfWorkFactory
from ._staff import require_staff
from ._tasks import DEFAULT_RECENT
from ._values import UserId


def _cursor(before: str | None) -> TaskCursor | None:
    return None if before is None else TaskCursor.parse(before)


@attrs.frozen
class ListTaskPage:
    """A user pages through their own tasks, newest first: ``before`` is the token of the
    page before (None: the newest), and the page says the token of the next one. The first
    page is what ``ListRecentTasks`` shows; the read follows the same index."""

    uow: UnitOfWorkFactory

    def __call__(
        self, user_id: int, before: str | None = None, limit: int = DEFAULT_RECENT
    ) -> TaskPage:
        size = page_limit(limit)
        query = TaskQuery(owner=UserId(user_id), before=_cursor(before))
        with self.uow() as uow:
            return TaskPage.of(uow.tasks.newest(query, size + 1), size)


@attrs.frozen
class ListAllTasks:
    """Staff page through every task, newest first, optionally only one owner's, those
    created in a window (``created_from`` ≤ created_at < ``created_to``; a date as
    ``created_to`` includes that day) and those whose title holds ``search``
    (case-insensitive)."""

    uow: UnitOfWorkFactory

    def __call__(
        self,
        actor_id: int,
        owner: int | None = None,
        created_from: date | datetime | None = None,
        created_to: date | datetime | None = None,
        search: str | None = None,
        before: str | None = None,
        limit: int = ADMIN_PAGE,
    ) -> TaskPage:
        size = page_limit(limit)
        start, end = TaskQuery.window(created_from, created_to)
        query = TaskQuery(
            owner=None if owner is None else _owner(owner),
            created_from=start,
            created_to=end,
            title_contains=search_term(search),
            before=_cursor(before),
        )
        with self.uow() as uow:
            require_staff(uow, actor_id)
            return TaskPage.of(uow.tasks.newest(query, size + 1), size)


def _owner(owner: int) -> UserId:
    try:
        return UserId(owner)
    except InvalidField:
        raise InvalidField("owner", "must be a user id") from None
