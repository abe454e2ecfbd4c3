"""What staff do to users: list them, read one, deactivate and activate them, delete them.

Every use-case here first checks that the actor is active staff (Forbidden otherwise,
with nothing read for them or changed), and none of them may leave the service without
an active staff account (Conflict, nothing changed).
"""

from __future__ import annotations

from collections.abc import Callable

import attrs

from ._entities import User
from ._errors import Forbidden
from ._paging import ADMIN_PAGE, UserPage, after_user, page_limit, search_term, user_page
from ._ports import Clock, UnitOfWorkFactory
from ._staff import keep_a_staff_account, require_staff, target_user
from ._values import UserId, require_utc


def _nobody(_: UserId) -> None:
    """The default ``forget``: no process memory of users to drop."""


@attrs.frozen
class ListUsers:
    """Staff list users in id order, a page at a time, optionally only those whose username
    holds ``search`` (case-insensitive); ``after`` is the last id of the page before."""

    uow: UnitOfWorkFactory

    def __call__(
        self,
        actor_id: int,
        search: str | None = None,
        after: int | None = None,
        limit: int = ADMIN_PAGE,
    ) -> UserPage:
        size = page_limit(limit)
        term, start = search_term(search), after_user(after)
        with self.uow() as uow:
            require_staff(uow, actor_id)
            return user_page(uow.users.page(term, start, size + 1), size)


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
    Setting the flag a user already has changes nothing and is not an error. ``forget``
    (``Authenticate.forget``) is told of every user changed, after the commit."""

    uow: UnitOfWorkFactory
    clock: Clock
    forget: Callable[[UserId], None] = _nobody

    def __call__(self, actor_id: int, user_id: int, active: bool) -> None:
        if not isinstance(active, bool):
            raise TypeError("active must be a bool")
        now = require_utc(self.clock.now())
        with self.uow() as uow:
            require_staff(uow, actor_id)
            user = target_user(uow, user_id)
            uow.users.set_active(user.id, active, now)
            if not active:
                uow.refresh_tokens.revoke_user(user.id, now)
                keep_a_staff_account(uow, user, "deactivated")
            uow.commit()
        self.forget(user.id)


@attrs.frozen
class DeleteUser:
    """Staff delete a user; their tasks and sessions go with them. The last active staff
    account cannot be deleted. ``forget`` is told of the user deleted, after the commit."""

    uow: UnitOfWorkFactory
    forget: Callable[[UserId], None] = _nobody

    def __call__(self, actor_id: int, user_id: int) -> None:
        with self.uow() as uow:
            require_staff(uow, actor_id)
            user = target_user(uow, user_id)
            uow.users.remove(user.id)
            keep_a_staff_account(uow, user, "deleted")
            uow.commit()
        self.forget(user.id)
