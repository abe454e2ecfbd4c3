"""Tasks a page at a time: one's own (searched, in an order, counted), and (for staff)
everyone's, each with its owner's name."""

from __future__ import annotations

from datetime import date, datetime

import attrs

from ._entities import Task
from ._errors import InvalidField
from ._ordering import TaskOrder, task_order
from ._paging import ADMIN_PAGE, TaskCursor, TaskPage, TaskQuery, page_limit, search_term
from ._ports import UnitOfWork, UnitOfWorkFactory
from ._sorting import SortKey, SortValue, StaffTaskOrder, staff_task_order
from ._staff import require_staff
from ._tasks import DEFAULT_RECENT
from ._values import UserId, Username

WEB_PAGE_SIZE = 20
"""Tasks a page of the web app holds: a screenful people can scan (the API's default is
``DEFAULT_RECENT``, its clients' long-standing "last 4")."""


def _cursor(before: str | None, order: TaskOrder = TaskOrder.NEWEST) -> TaskCursor | None:
    return None if before is None else TaskCursor.parse(before, order=order)


@attrs.frozen
class ListTaskPage:
    """A user pages through their own tasks: newest first unless ``ordering`` says
    otherwise (``-created_at``, ``created_at``, ``-duration`` or ``duration``, as Django
    REST framework names them), only those whose title holds ``search`` (case-insensitive;
    ``%``, ``_`` and ``[`` match only themselves). ``before`` is a token the previous call
    gave (its ``next`` for the page after, its ``previous`` for the page before; None: the
    first page); a token of another order is refused, naming ``before``. With ``total`` the
    page also says how many tasks match, read in the same transaction. A page before that
    would come out short (tasks deleted meanwhile, or the start reached) is the first page
    instead, so going back always ends on a full first page. The newest-first first page
    is what ``ListRecentTasks`` shows; every order reads one index range."""

    uow: UnitOfWorkFactory

    def __call__(
        self,
        user_id: int,
        before: str | None = None,
        limit: int = DEFAULT_RECENT,
        *,
        search: str | None = None,
        ordering: str | None = None,
        total: bool = False,
    ) -> TaskPage:
        size, term, order = page_limit(limit), search_term(search), task_order(ordering)
        cursor = _cursor(before, order)
        owner = UserId(user_id)
        with self.uow() as uow:
            page = _page(uow, TaskQuery(owner=owner, title_contains=term), order, cursor, size)
            if total:
                page = attrs.evolve(page, total=uow.tasks.count(owner, term))
        return page


def _page(
    uow: UnitOfWork, query: TaskQuery, order: TaskOrder, cursor: TaskCursor | None, size: int
) -> TaskPage:
    if cursor is not None and cursor.backward:
        back = attrs.evolve(query, order=order.reverse, before=cursor)
        rows = uow.tasks.ordered(back, size + 1)
        if len(rows) > size:
            shown = rows[:size][::-1]
            return TaskPage(shown, _token(shown[-1], order), _token(shown[0], order, back=True))
        cursor = None
    rows = uow.tasks.ordered(attrs.evolve(query, order=order, before=cursor), size + 1)
    shown = rows[:size]
    after = _token(shown[-1], order) if len(rows) > size else None
    earlier = _token(shown[0], order, back=True) if cursor is not None and shown else None
    return TaskPage(shown, after, earlier)


def _token(task: Task, order: TaskOrder, back: bool = False) -> str:
    return TaskCursor.of(task, order, backward=back).token()


@attrs.frozen
class CountTasks:
    """How many tasks a user has, or how many of them hold ``search`` in their title
    (case-insensitive, wildcards matching only themselves)."""

    uow: UnitOfWorkFactory

    def __call__(self, user_id: int, search: str | None = None) -> int:
        owner, term = UserId(user_id), search_term(search)
        with self.uow() as uow:
            return uow.tasks.count(owner, term)


@attrs.frozen
class ListAllTasks:
    """Staff page through every task, newest first unless ``ordering`` names another
    (``created_at``, ``title``, ``duration`` or ``owner``, descending with a leading ``-``;
    ties by id), optionally only one owner's (by id as
    ``owner``, or by username as ``owner_name``: a name nobody has finds no task), those
    created in a window (``created_from`` ≤ created_at < ``created_to``; a date as
    ``created_to`` includes that day) and those whose title holds ``search``
    (case-insensitive). The page names each task's owner (``owners``), read in the same
    statement as the tasks; with ``total`` it also says how many tasks match."""

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
        *,
        owner_name: str | None = None,
        total: bool = False,
        ordering: str | None = None,
    ) -> TaskPage:
        size, order = page_limit(limit), staff_task_order(ordering)
        start, end = TaskQuery.window(created_from, created_to)
        name = _owner_name(owner_name)
        newest = order is StaffTaskOrder.NEWEST
        key = None if newest or before is None else SortKey.parse(before, "before", order.value)
        query = TaskQuery(
            owner=None if owner is None else _owner(owner),
            created_from=start,
            created_to=end,
            title_contains=search_term(search),
            before=_cursor(before) if newest else None,
        )
        with self.uow() as uow:
            require_staff(uow, actor_id)
            if name is not None:
                named = uow.users.by_username(name)
                if named is None or query.owner not in (None, named.id):
                    return TaskPage([], None, total=0 if total else None)
                query = attrs.evolve(query, owner=named.id)
            if newest:
                rows = uow.tasks.newest_named(query, size + 1)
            else:
                rows = uow.tasks.sorted_named(query, order, key, size + 1)
            count = uow.tasks.count_matching(query) if total else None
        page = TaskPage.of([task for task, _ in rows], size)
        if not newest and page.next is not None:
            task, who = rows[size - 1]
            page = attrs.evolve(page, next=_sort_key(task, who, order).token())
        owners = {task.owner_id: who for task, who in rows[:size]}
        return attrs.evolve(page, owners=owners, total=count)


def _sort_key(task: Task, owner: Username, order: StaffTaskOrder) -> SortKey:
    values: dict[str, SortValue] = {
        "created_at": task.created_at,
        "title": task.title.value,
        "duration": task.duration.minutes,
        "owner": owner.value,
    }
    value = values[order.field]
    return SortKey(order.value, value, task.id.value)


def _owner(owner: int) -> UserId:
    try:
        return UserId(owner)
    except InvalidField:
        raise InvalidField("owner", "must be a user id") from None


def _owner_name(name: str | None) -> Username | None:
    """A username to filter by, trimmed; None or blank: no filter."""
    if name is None or (isinstance(name, str) and not name.strip()):
        return None
    try:
        return Username(name.strip() if isinstance(name, str) else name)
    except InvalidField as error:
        raise InvalidField("owner_name", error.fields["username"]) from None
