"""What staff do to users: list them, read one, deactivate and activate them, delete them.

Every use-case here first checks that the actor is active staff (Forbidden otherwise,
with nothing read for them or changed), and none of them may leave the service without
an active staff account (Conflict, nothing changed).
"""

from __future__ import annotations

from collections.abc import Callable

import attrs

from ._audit import AuditAction, record
from ._entities import User
from ._errors import Forbidden, InvalidField
from ._paging import ADMIN_PAGE, UserPage, after_user, page_limit, search_term
from ._ports import Clock, UnitOfWorkFactory
from ._sorting import SortKey, SortValue, UserOrder, UserQuery, user_order
from ._staff import keep_a_staff_account, require_staff, target_user
from ._values import UserId, require_utc


def _nobody(_: UserId) -> None:
    """The default ``forget``: no process memory of users to drop."""


@attrs.frozen
class ListUsers:
    """Staff list users a page at a time, in id order unless ``ordering`` names another
    (``username``, ``date_joined``, ``task_count``, or ``id``; descending with a leading
    ``-``), optionally only those whose username holds ``search`` (case-insensitive),
    only active or inactive ones (``active``) and only staff or ordinary users
    (``staff``). ``after`` is the page before's ``next``: in id order its last id, in
    another order a token of that order (one of another order is refused, naming
    ``after``). The page tells each user's task count; with ``total`` it also says how
    many users match, read in the same transaction."""

    uow: UnitOfWorkFactory

    def __call__(
        self,
        actor_id: int,
        search: str | None = None,
        after: int | str | None = None,
        limit: int = ADMIN_PAGE,
        *,
        active: bool | None = None,
        staff: bool | None = None,
        total: bool = False,
        ordering: str | None = None,
    ) -> UserPage:
        size, order = page_limit(limit), user_order(ordering)
        term, start = search_term(search), _after(after, order)
        flags = {"active": _flag("active", active), "staff": _flag("staff", staff)}
        query = UserQuery(term, order=order, after=start, **flags)
        with self.uow() as uow:
            require_staff(uow, actor_id)
            rows = uow.users.sorted(query, size + 1)
            count = uow.users.count(term, **flags) if total else None
        shown = rows[:size]
        following: int | str | None = None
        if len(rows) > size:
            last, tasks = shown[-1]
            following = _next(last, tasks, order)
        counts = {user.id: tasks for user, tasks in shown}
        return UserPage([user for user, _ in shown], following, count, counts)


def _after(after: object, order: UserOrder) -> SortKey | None:
    """The key a page starts after: an id in id order (as every earlier link has it),
    a token in any other."""
    if after is None or after == "":
        return None
    if order in (UserOrder.ID, UserOrder.ID_DESC) and (
        isinstance(after, int) or (isinstance(after, str) and after.isascii() and after.isdigit())
    ):
        ident = after_user(int(after))
        if ident is not None:
            return SortKey(order.value, ident.value, ident.value)
    return SortKey.parse(after, "after", order.value)


def _next(user: User, tasks: int, order: UserOrder) -> int | str:
    if order is UserOrder.ID:
        return user.id.value
    values: dict[str, SortValue] = {
        "id": user.id.value,
        "username": user.username.value,
        "date_joined": user.created_at,
        "task_count": tasks,
    }
    value = values[order.field]
    return SortKey(order.value, value, user.id.value).token()


def _flag(field: str, value: object) -> bool | None:
    if value is not None and not isinstance(value, bool):
        raise InvalidField(field, "must be true or false")
    return value


@attrs.frozen
class IsStaff:
    """Whether a user may act as staff now (active and staff): what an edge asks before it
    offers the staff pages. It grants nothing; every staff use-case checks again."""

    uow: UnitOfWorkFactory

    def __call__(self, user_id: int) -> bool:
        with self.uow() as uow:
            try:
                require_staff(uow, user_id)
            except Forbidden:
                return False
        return True


@attrs.frozen
class GetUser:
    """Staff read one user (to confirm an action on them); NotFound when there is none."""

    uow: UnitOfWorkFactory

    def __call__(self, actor_id: int, user_id: int) -> User:
        with self.uow() as uow:
            require_staff(uow, actor_id)
            return target_user(uow, user_id)


@attrs.frozen
class SetUserActive:
    """Staff deactivate or activate a user. Deactivating ends every session of theirs at
    once: every refresh family is revoked, and their access tokens are refused by
    ``Authenticate``'s user check. The last active staff account cannot be deactivated.
    Setting the flag a user already has changes nothing and is not an error (it is logged
    all the same). ``forget`` (``Authenticate.forget``) is told of every user changed,
    after the commit."""

    uow: UnitOfWorkFactory
    clock: Clock
    forget: Callable[[UserId], None] = _nobody

    def __call__(self, actor_id: int, user_id: int, active: bool) -> None:
        if not isinstance(active, bool):
            raise TypeError("active must be a bool")
        now = require_utc(self.clock.now())
        with self.uow() as uow:
            actor = require_staff(uow, actor_id)
            user = target_user(uow, user_id)
            uow.users.set_active(user.id, active, now)
            if not active:
                uow.refresh_tokens.revoke_user(user.id, now)
                keep_a_staff_account(uow, user, "deactivated")
            action = AuditAction.ACTIVATE_USER if active else AuditAction.DEACTIVATE_USER
            record(uow, now, actor, action, user.id.value, user.username.value)
            uow.commit()
        self.forget(user.id)


@attrs.frozen
class DeleteUser:
    """Staff delete a user; their tasks and sessions go with them. The last active staff
    account cannot be deleted. The log says how many tasks went with them. ``forget`` is
    told of the user deleted, after the commit."""

    uow: UnitOfWorkFactory
    clock: Clock
    forget: Callable[[UserId], None] = _nobody

    def __call__(self, actor_id: int, user_id: int) -> None:
        now = require_utc(self.clock.now())
        with self.uow() as uow:
            actor = require_staff(uow, actor_id)
            user = target_user(uow, user_id)
            tasks = uow.tasks.count(user.id)
            uow.users.remove(user.id)
            keep_a_staff_account(uow, user, "deleted")
            detail = "1 task" if tasks == 1 else f"{tasks} tasks"
            record(
                uow, now, actor, AuditAction.DELETE_USER, user.id.value, user.username.value, detail
            )
            uow.commit()
        self.forget(user.id)
