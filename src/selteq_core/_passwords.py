"""Passwords changed by their owner or reset by staff; either way, old sessions end, and
the new password must pass the one ``PasswordRule`` (strong, not like the username, and
for a change not the current one)."""

from __future__ import annotations

import attrs

from ._audit import AuditAction, record
from ._errors import AuthenticationFailed, InvalidField
from ._password_rule import BASIC_RULE, PasswordRule
from ._ports import Clock, PasswordHasher, UnitOfWorkFactory
from ._staff import password_of, require_staff, target_user
from ._values import Password, UserId, require_utc


@attrs.frozen
class ChangePassword:
    """A user changes their password by giving the current one. Every other session of
    theirs ends (each refresh family but ``keep_family``, the caller's own); the caller's
    stays. A wrong current password names ``current_password`` and changes nothing; so
    does a new password the rule refuses (``new_password``), the current one included.
    The current password is checked first, so the rule never tells a guesser anything."""

    uow: UnitOfWorkFactory
    hasher: PasswordHasher
    clock: Clock
    rule: PasswordRule = BASIC_RULE

    def __call__(
        self, user_id: int, current: str, new: str, keep_family: str | None = None
    ) -> None:
        password_of(new)
        with self.uow() as uow:
            user = uow.users.get(UserId(user_id))
        if user is None or not user.is_active:
            raise AuthenticationFailed("user inactive or gone")
        try:
            given: Password | None = Password(current)
        except InvalidField:
            given = None
        if given is None or not self.hasher.verify(user.password_hash, given):
            raise InvalidField("current_password", "is not the current password")
        secret = self.rule.check("new_password", new, user.username.value, given.value)
        password_hash = self.hasher.hash(secret)
        now = require_utc(self.clock.now())
        with self.uow() as uow:
            uow.users.set_password_hash(user.id, password_hash, now)
            uow.refresh_tokens.revoke_user(user.id, now, keep_family)
            uow.commit()


@attrs.frozen
class ResetPassword:
    """Staff set a user's password without knowing the old one; every session of that user
    ends. Anyone else is Forbidden and nothing changes. The new password passes the same
    rule as a sign-up's (``new_password`` names a refusal). The reset is logged, never the
    password."""

    uow: UnitOfWorkFactory
    hasher: PasswordHasher
    clock: Clock
    rule: PasswordRule = BASIC_RULE

    def __call__(self, actor_id: int, user_id: int, new_password: str) -> None:
        password_of(new_password)
        with self.uow() as uow:
            require_staff(uow, actor_id)
            target = target_user(uow, user_id)
        secret = self.rule.check("new_password", new_password, target.username.value)
        password_hash = self.hasher.hash(secret)
        now = require_utc(self.clock.now())
        with self.uow() as uow:
            actor = require_staff(uow, actor_id)
            user = target_user(uow, user_id)
            uow.users.set_password_hash(user.id, password_hash, now)
            uow.refresh_tokens.revoke_user(user.id, now)
            record(uow, now, actor, AuditAction.RESET_PASSWORD, user.id.value, user.username.value)
            uow.commit()
