"""Bearer checks: which user an access token names, and whether that user may still act."""

from __future__ import annotations

import attrs

from ._auth import ACCESS, SessionPolicy
from ._errors import AuthenticationFailed
from ._ports import Clock, TokenCodec, UnitOfWorkFactory
from ._tokens import UserStates, subject, verified
from ._values import UserId

RECHECK_AFTER = 5
"""Seconds a process trusts what it last read of a user (docs/decisions/0250)."""


@attrs.frozen
class Authenticate:
    """An access token names its user while it is unexpired, was issued by this policy's
    rules, and its user exists and is active. A process reads a user's row at most once
    every ``recheck_after`` seconds, so a deactivated or deleted user's tokens stop working
    within that time; a user that is not there is refused at the first read."""

    codec: TokenCodec
    clock: Clock
    uow: UnitOfWorkFactory
    policy: SessionPolicy = attrs.field(factory=SessionPolicy)
    recheck_after: float = RECHECK_AFTER
    _states: UserStates = attrs.field(init=False, repr=False, eq=False)

    @_states.default
    def _no_states_yet(self) -> UserStates:
        return UserStates(self.recheck_after)

    def __call__(self, token: str) -> UserId:
        user_id = self.verify(token)
        self.check_user(user_id)
        return user_id

    def verify(self, token: str) -> UserId:
        """The user the token names, by the token alone (no I/O); the user is not checked."""
        return subject(verified(self.codec, self.clock, token, ACCESS, self.policy.access_ttl))

    def family(self, token: str) -> str | None:
        """The session (refresh family) a valid access token was issued in, by the token
        alone; None for a token issued without one."""
        return verified(self.codec, self.clock, token, ACCESS, self.policy.access_ttl).fam

    def remembered(self, user_id: UserId) -> bool:
        """The user's check from memory alone (no I/O): True when a recent read found them
        active; AuthenticationFailed when it found them gone or inactive; False when
        nothing recent is known, and only ``check_user`` can tell."""
        active = self._states.get(user_id, self.clock.now().timestamp())
        if active is False:
            raise AuthenticationFailed("user inactive or gone")
        return active is True

    def forget(self, user_id: UserId) -> None:
        """Drop what this process remembers of the user, so the next request reads their
        row: called when the user was changed here (deactivated, deleted), so this process
        refuses their tokens at once; other processes within ``recheck_after``."""
        self._states.forget(user_id)

    def check_user(self, user_id: UserId) -> None:
        """AuthenticationFailed unless the user exists and is active; reads the user's row
        unless a recent read is remembered."""
        if self.remembered(user_id):
            return
        now = self.clock.now().timestamp()
        with self.uow() as uow:
            user = uow.users.get(user_id)
        active = user is not None and user.is_active
        self._states.put(user_id, active, now)
        if not active:
            raise AuthenticationFailed("user inactive or gone")
