"""Accounts and sessions: sign-up, login, refresh rotation and logout.

The rules live here; adapters only hash, sign and store.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

import attrs

from ._entities import RefreshRecord, Session, TokenClaims, User
from ._errors import AccountDeactivated, AuthenticationFailed, Conflict, SessionEnded
from ._password_rule import BASIC_RULE, PasswordRule
from ._ports import (
    Clock,
    LoginThrottle,
    PasswordHasher,
    SignupThrottle,
    TokenCodec,
    UnitOfWork,
    UnitOfWorkFactory,
)
from ._tokens import subject, timestamp, verified
from ._validation import parse_all
from ._values import Password, UserId, Username, require_utc

ACCESS = "access"
REFRESH = "refresh"


@attrs.frozen
class SessionPolicy:
    """How long tokens live, in seconds."""

    access_ttl: int = 300
    refresh_ttl: int = 86_400


def _new_id() -> str:
    return secrets.token_urlsafe(18)


@attrs.frozen
class _Issuer:
    codec: TokenCodec
    policy: SessionPolicy

    def issue(self, uow: UnitOfWork, user: User, family: str, now: datetime) -> Session:
        """Sign a new access and refresh pair for ``user`` (the row just read) and remember
        the refresh token."""
        user_id = user.id
        issued = timestamp(now)
        sub = str(user_id.value)
        access = TokenClaims(
            sub=sub,
            typ=ACCESS,
            jti=_new_id(),
            iat=issued,
            exp=issued + self.policy.access_ttl,
            fam=family,
        )
        refresh = TokenClaims(
            sub=sub,
            typ=REFRESH,
            jti=_new_id(),
            iat=issued,
            exp=issued + self.policy.refresh_ttl,
            fam=family,
        )
        expires_at = now + timedelta(seconds=self.policy.refresh_ttl)
        record = RefreshRecord(refresh.jti, family, user_id, expires_at, used=False, revoked=False)
        uow.refresh_tokens.add(record, now)
        return Session(
            access_token=self.codec.encode(access),
            expires_in=self.policy.access_ttl,
            refresh_token=self.codec.encode(refresh),
            refresh_expires_in=self.policy.refresh_ttl,
            username=user.username.value,
            is_staff=user.is_active and user.is_staff,
        )


@attrs.frozen
class RegisterUser:
    """Anyone may sign up with a free username and a password of 8 to 1024 bytes that
    passes the ``PasswordRule`` (hard to guess, not like the username); every bad field is
    named in one answer.

    A sign-up from the network names its client address and is counted per address by the
    throttle, taken names included, before anything else is read; a caller without an
    address (``client=None``: the operator's CLI, a test) is not counted. Only the operator
    makes staff users (``staff=True``, from the CLI); a sign-up never does. A taken username
    is refused before the password is hashed, so probing names costs no hash; the
    repository's unique constraint still decides a race between two sign-ups. An unknown
    and a taken name answer at different speeds, which tells nothing new: the 409 already
    says the name is taken."""

    uow: UnitOfWorkFactory
    hasher: PasswordHasher
    clock: Clock
    throttle: SignupThrottle
    rule: PasswordRule = BASIC_RULE

    def __call__(
        self, username: str, password: str, client: str | None = None, *, staff: bool = False
    ) -> User:
        hint = username if isinstance(username, str) else ""
        name, secret = parse_all(
            lambda: Username(username), lambda: self.rule.check("password", password, hint)
        )
        if client is not None:
            self.throttle.hit(client)
        with self.uow() as uow:
            taken = uow.users.by_username(name) is not None
        if taken:
            raise Conflict("username already taken")
        password_hash = self.hasher.hash(secret)
        with self.uow() as uow:
            user = uow.users.add(name, password_hash, require_utc(self.clock.now()), is_staff=staff)
            uow.commit()
        return user


@attrs.frozen
class Login:
    """A user signs in with username and password and gets a session.

    An unknown username costs one full password check, like a wrong password, and gets the
    same answer. A deactivated account is told so, but only after its right password (and
    the attempt still counts as a failure), so a guesser learns nothing new.
    A hash made with old parameters is replaced.

    Failed attempts are counted per client address and username (and, more loosely, per
    address); past a limit the login is refused before any check, the correct password
    included: that is the price of not telling an attacker when the guess was right. The
    lock-out is bounded: it holds only for that address and username (the same user from
    another address is never refused for someone else's failures), and with the adapters'
    moving window of ``count`` failures per ``period`` it ends at most one period after the
    failure that spent it (docs/decisions/0244). A success clears the address and
    username's count.
    """

    uow: UnitOfWorkFactory
    hasher: PasswordHasher
    codec: TokenCodec
    clock: Clock
    throttle: LoginThrottle
    policy: SessionPolicy = SessionPolicy()

    def __call__(self, username: str, password: str, client: str = "") -> Session:
        name, secret = parse_all(lambda: Username(username), lambda: Password(password))
        self.throttle.check(client, username)
        with self.uow() as uow:
            user = uow.users.by_username(name)
        stored_hash = user.password_hash if user is not None else None
        if not self.hasher.verify(stored_hash, secret) or user is None:
            self.throttle.failed(client, username)
            raise AuthenticationFailed()
        if not user.is_active:
            self.throttle.failed(client, username)
            raise AccountDeactivated()
        self.throttle.succeeded(client, username)
        now = require_utc(self.clock.now())
        with self.uow() as uow:
            if self.hasher.needs_rehash(user.password_hash):
                uow.users.set_password_hash(user.id, self.hasher.hash(secret), now)
            session = _Issuer(self.codec, self.policy).issue(uow, user, _new_id(), now)
            uow.commit()
        return session


@attrs.frozen
class RefreshSession:
    """A refresh token buys a new pair once. Presenting it again after ``reuse_window``
    seconds means it was stolen or replayed: its whole family is revoked and the call fails.

    Within the window (0 for the API's clients; a few seconds for the browser's cookie,
    docs/decisions/0430) the spent token buys a sibling pair in the same family, as the
    OAuth 2.0 security BCP allows: requests sent together with one cookie all succeed, and
    a revoke of the family still ends every sibling. A session that ended says why
    (``SessionEnded.why``): deactivated, password changed, or ended."""

    uow: UnitOfWorkFactory
    codec: TokenCodec
    clock: Clock
    policy: SessionPolicy = SessionPolicy()
    reuse_window: int = 0

    def __call__(self, refresh_token: str) -> Session:
        claims = verified(self.codec, self.clock, refresh_token, REFRESH, self.policy.refresh_ttl)
        user_id = subject(claims)
        try:
            return self._trade(claims.jti, user_id)
        except SessionEnded as ended:
            ended.user_id = user_id.value
            raise

    def _trade(self, jti: str, user_id: UserId) -> Session:
        now = require_utc(self.clock.now())
        with self.uow() as uow:
            record = uow.refresh_tokens.get(jti)
            if record is None or record.user_id != user_id:
                raise AuthenticationFailed("refresh token revoked")
            user = uow.users.get(user_id)
            self._check(record, user)
            if not uow.refresh_tokens.mark_used(jti, now):
                spent = uow.refresh_tokens.get(jti)
                self._check(spent, user)
                if not self._reusable(spent, now):
                    uow.refresh_tokens.revoke_family(record.family, now)
                    uow.commit()
                    raise SessionEnded()
            assert user is not None  # _check refused a missing user
            session = _Issuer(self.codec, self.policy).issue(uow, user, record.family, now)
            uow.commit()
        return session

    @staticmethod
    def _check(record: RefreshRecord | None, user: User | None) -> None:
        if record is None or user is None:
            raise SessionEnded()
        if not user.is_active:
            raise SessionEnded("deactivated")
        if record.revoked:
            raise SessionEnded(_why_revoked(record, user))

    def _reusable(self, record: RefreshRecord | None, now: datetime) -> bool:
        if record is None or record.used_at is None or self.reuse_window <= 0:
            return False
        return now - record.used_at <= timedelta(seconds=self.reuse_window)


def _why_revoked(record: RefreshRecord, user: User) -> str:
    """A password change (the user's own or a staff reset) stores the new hash and revokes
    the user's families at one instant, kept at the same precision in both rows; a revoke at
    the instant of the user's last change since sign-up is one."""
    changed = user.updated_at != user.created_at
    return "password" if changed and record.revoked_at == user.updated_at else "ended"


@attrs.frozen
class Logout:
    """Logging out revokes the refresh token's whole family. As in RFC 7009, a token that is
    invalid, expired or already revoked is simply accepted: there is nothing left to revoke."""

    uow: UnitOfWorkFactory
    codec: TokenCodec
    clock: Clock

    def __call__(self, refresh_token: str) -> None:
        try:
            claims = self.codec.decode(refresh_token)
        except AuthenticationFailed:
            return
        if claims.typ != REFRESH:
            return
        with self.uow() as uow:
            record = uow.refresh_tokens.get(claims.jti)
            if record is None:
                return
            uow.refresh_tokens.revoke_family(record.family, require_utc(self.clock.now()))
            uow.commit()
