"""The staff audit log's entries, as Django's admin keeps its LogEntry: who did what to
whom, and when. Names are kept as they were then, so an entry still reads after the user
or task it names is gone."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

import attrs

from ._entities import User
from ._values import UserId, Username

if TYPE_CHECKING:
    from ._ports import UnitOfWork


class AuditAction(enum.Enum):
    """A staff action; the value is what the log stores."""

    DEACTIVATE_USER = "deactivate_user"
    ACTIVATE_USER = "activate_user"
    RESET_PASSWORD = "reset_password"  # noqa: S105 - an action's name, not a secret
    DELETE_USER = "delete_user"
    MAKE_STAFF = "make_staff"
    UNMAKE_STAFF = "unmake_staff"
    DELETE_TASK = "delete_task"
    CREATE_SCHEDULE = "create_schedule"
    EDIT_SCHEDULE = "edit_schedule"
    PAUSE_SCHEDULE = "pause_schedule"
    RESUME_SCHEDULE = "resume_schedule"
    RUN_SCHEDULE_NOW = "run_schedule_now"
    DELETE_SCHEDULE = "delete_schedule"
    REPLAY_DEAD_LETTER = "replay_dead_letter"
    DISCARD_DEAD_LETTER = "discard_dead_letter"
    REPLAY_ALL_DEAD_LETTERS = "replay_all_dead_letters"
    DISCARD_ALL_DEAD_LETTERS = "discard_all_dead_letters"

    @property
    def on_task(self) -> bool:
        """Whether ``target_id`` is a task's id (see ``target_kind``)."""
        return self is AuditAction.DELETE_TASK

    @property
    def target_kind(self) -> str:
        """What ``target_id`` names: a ``user``, a ``task``, a ``schedule``, or for a
        ``dead letter`` nothing (0; the message's id is the target's name)."""
        if self.on_task:
            return "task"
        if "schedule" in self.value:
            return "schedule"
        if "dead_letter" in self.value:
            return "dead letter"
        return "user"


AUDIT_TEXT_MAX = 200
"""The longest name or detail an entry keeps (a title's limit); longer text is cut."""


@attrs.frozen(slots=True)
class AuditEntry:
    """One staff action: ``actor`` did ``action`` to ``target`` (a username, or a task's
    title) at ``at``. ``detail`` adds what else matters (a deleted task's owner). ``id`` is
    None until the log has kept the entry."""

    at: datetime
    actor_id: UserId
    actor: Username
    action: AuditAction
    target_id: int
    target: str
    detail: str = ""
    id: int | None = None


def record(
    uow: UnitOfWork,
    at: datetime,
    actor: User,
    action: AuditAction,
    target_id: int,
    target: str,
    detail: str = "",
) -> None:
    """Write the entry in the unit of work of the action it tells of, before its commit:
    the action and its entry are kept together or not at all."""
    entry = AuditEntry(
        at,
        actor.id,
        actor.username,
        action,
        target_id,
        target[:AUDIT_TEXT_MAX],
        detail[:AUDIT_TEXT_MAX],
    )
    uow.audit.add(entry)


@attrs.frozen(slots=True)
class AuditPage:
    """A page of the audit log, newest first, and the id the next (older) page starts
    below, or None when this is the last page."""

    entries: list[AuditEntry]
    next: int | None
