"""What staff do beyond activation and deletion: make and unmake staff, delete anyone's
task, count a user's tasks before deleting them, and read the audit log.

As in ``_admin``: every use-case first checks that the actor is active staff (Forbidden
otherwise, nothing read or changed), and every change is written to the audit log in its
own transaction.
"""

from __future__ import annotations

from collections.abc import Callable

import attrs

from ._audit import AuditAction, AuditPage, record
from ._entities import Task
from ._errors import InvalidField, NotFound
from ._paging import page_limit
from ._ports import Clock, UnitOfWorkFactory
from ._staff import keep_a_staff_account, require_staff, target_user
from ._values import TaskId, UserId, Username, require_utc

AUDIT_PAGE = 20


def _nobody(_: UserId) -> None:
    """The default ``forget``: no process memory of users to drop."""


@attrs.frozen
class SetUserStaff:
    """Staff make a user staff, or make them an ordinary user again. The last active staff
    account cannot be unmade (Conflict, nothing changed). Setting the flag a user already
    has changes nothing and is not an error; it is logged all the same, as staff did it.
    ``forget`` is told of the user changed, after the commit."""

    uow: UnitOfWorkFactory
    clock: Clock
    forget: Callable[[UserId], None] = _nobody

    def __call__(self, actor_id: int, user_id: int, staff: bool) -> None:
        if not isinstance(staff, bool):
            raise TypeError("staff must be a bool")
        now = require_utc(self.clock.now())
        with self.uow() as uow:
            actor = require_staff(uow, actor_id)
            user = target_user(uow, user_id)
            uow.users.set_staff(user.id, staff, now)
            if not staff:
                keep_a_staff_account(uow, user, "made an ordinary user")
            action = AuditAction.MAKE_STAFF if staff else AuditAction.UNMAKE_STAFF
            record(uow, now, actor, action, user.id.value, user.username.value)
            uow.commit()
        self.forget(user.id)


@attrs.frozen
class DeleteAnyTask:
    """Staff delete any user's task; NotFound when there is none. The log keeps the task's
    title and its owner's name."""

    uow: UnitOfWorkFactory
    clock: Clock

    def __call__(self, actor_id: int, task_id: int) -> Task:
        ident = _task_id(task_id)
        now = require_utc(self.clock.now())
        with self.uow() as uow:
            actor = require_staff(uow, actor_id)
            task = uow.tasks.get(ident)
            if task is None or not uow.tasks.remove(ident):
                raise NotFound("task")
            owner = uow.users.get(task.owner_id)
            whose = "" if owner is None else owner.username.value
            record(uow, now, actor, AuditAction.DELETE_TASK, ident.value, task.title.value, whose)
            uow.commit()
        return task


def _task_id(task_id: int) -> TaskId:
    """A task's id; one that is not a valid id is simply not found."""
    try:
        return TaskId(task_id)
    except InvalidField:
        raise NotFound("task") from None


@attrs.frozen
class GetAnyTask:
    """Staff read any user's task with its owner's username (to confirm deleting it);
    NotFound when there is none."""

    uow: UnitOfWorkFactory

    def __call__(self, actor_id: int, task_id: int) -> tuple[Task, Username]:
        ident = _task_id(task_id)
        with self.uow() as uow:
            require_staff(uow, actor_id)
            task = uow.tasks.get(ident)
            owner = None if task is None else uow.users.get(task.owner_id)
            if task is None or owner is None:
                raise NotFound("task")
            return task, owner.username


@attrs.frozen
class CountUserTasks:
    """Staff learn how many tasks a user has: what goes with them if they are deleted.
    NotFound when there is no such user."""

    uow: UnitOfWorkFactory

    def __call__(self, actor_id: int, user_id: int) -> int:
        with self.uow() as uow:
            require_staff(uow, actor_id)
            user = target_user(uow, user_id)
            return uow.tasks.count(user.id)


@attrs.frozen
class ListAuditLog:
    """Staff read the audit log newest first, a page at a time; ``before`` is the page
    before's ``next`` (None: the newest)."""

    uow: UnitOfWorkFactory

    def __call__(
        self, actor_id: int, before: int | None = None, limit: int = AUDIT_PAGE
    ) -> AuditPage:
        size = page_limit(limit)
        start = _before(before)
        with self.uow() as uow:
            require_staff(uow, actor_id)
            rows = uow.audit.page(start, size + 1)
        if len(rows) <= size:
            return AuditPage(rows, None)
        shown = rows[:size]
        return AuditPage(shown, shown[-1].id)


def _before(before: object) -> int | None:
    if before is None:
        return None
    if isinstance(before, bool) or not isinstance(before, int) or before < 1:
        raise InvalidField("before", "must be an entry id")
    return before
