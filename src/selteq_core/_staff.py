"""Who may act as staff, and the rule that keeps an active staff account in place."""

from __future__ import annotations

from ._entities import User
from ._errors import Conflict, Forbidden, InvalidField, NotFound
from ._ports import UnitOfWork
from ._values import Password, UserId


def require_staff(uow: UnitOfWork, actor_id: int) -> User:
    """The actor, when they are an active staff user; Forbidden otherwise (a user that is
    gone or inactive included: their tokens are refused anyway)."""
    actor = uow.users.get(UserId(actor_id))
    if actor is None or not actor.is_active or not actor.is_staff:
        raise Forbidden()
    return actor


def target_user(uow: UnitOfWork, user_id: int) -> User:
    """The user acted on; an id that is not a valid id is simply not found."""
    try:
        ident = UserId(user_id)
    except InvalidField:
        raise NotFound("user") from None
    user = uow.users.get(ident)
    if user is None:
        raise NotFound("user")
    return user


def keep_a_staff_account(uow: UnitOfWork, before: User, what: str) -> None:
    """Called after a change inside its transaction, before the commit: when the user was
    active staff and no active staff is left, the change is refused (Conflict) and the
    transaction rolls back. Counting after the write, not before, means two staff removing
    each other at once on SQLite (one writer at a time) cannot both pass."""
    if before.is_staff and before.is_active and uow.users.active_staff() == 0:
        raise Conflict(f"the last active staff account cannot be {what}")


def password_of(value: str, field: str = "new_password") -> Password:
    """A Password, its refusal naming the request's field."""
    try:
        return Password(value)
    except InvalidField as error:
        raise InvalidField(field, error.fields["password"]) from None
