"""Entities: frozen, changed only by making a new one."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

import attrs

from ._values import Duration, IdempotencyKey, TaskId, Title, UserId, Username


@attrs.frozen(slots=True)
class Task:
    """A user's task: a title and how many minutes it takes."""

    id: TaskId
    owner_id: UserId
    title: Title
    duration: Duration
    created_at: datetime
    updated_at: datetime

    def owned_by(self, user_id: UserId) -> bool:
        return self.owner_id == user_id

    @property
    def version(self) -> str:
        """Changes whenever the task does: what a client sends back to say "only if it is
        still the task I saw" (HTTP's ETag and If-Match)."""
        state = f"{self.id.value}\x00{self.title.value}\x00{self.duration.minutes}\x00"
        stamp = self.updated_at.isoformat(timespec="microseconds")
        return hashlib.sha256((state + stamp).encode("utf-8", "surrogatepass")).hexdigest()[:32]

    def rename(self, title: Title, at: datetime) -> Task:
        """The same task with a new title; the duration never changes through a rename."""
        return attrs.evolve(self, title=title, updated_at=at)


@attrs.frozen(slots=True)
class KeyedCreate:
    """What the server remembers of a create sent with an idempotency key: whose key, a
    fingerprint of what was asked, and the task it made (as it was then, so a retry gets
    the first answer even after the task was renamed or deleted)."""

    owner_id: UserId
    key: IdempotencyKey
    fingerprint: str
    task: Task

    def expired(self, now: datetime, ttl: timedelta) -> bool:
        return self.task.created_at + ttl <= now


@attrs.frozen(slots=True, repr=False)
class User:
    """Someone who can sign in; staff may also manage users and see every task. The hash is
    kept out of the repr so it never reaches a log."""

    id: UserId
    username: Username
    password_hash: str
    is_active: bool
    created_at: datetime
    updated_at: datetime
    is_staff: bool = False

    def __repr__(self) -> str:
        staff = ", staff" if self.is_staff else ""
        return f"User(id={self.id.value}, username={self.username.value!r}{staff})"


@attrs.frozen(slots=True)
class RefreshRecord:
    """What the server remembers of a refresh token it issued: enough to rotate and revoke."""

    jti: str
    family: str
    user_id: UserId
    expires_at: datetime
    used: bool
    revoked: bool
    used_at: datetime | None = None
    revoked_at: datetime | None = None


@attrs.frozen(slots=True, repr=False)
class Session:
    """The token pair handed to a client after a login or a refresh."""

    access_token: str
    expires_in: int
    refresh_token: str
    refresh_expires_in: int
    token_type: str = "Bearer"  # noqa: S105 - the OAuth2 token type, not a secret
    username: str = ""
    """Whom the pair was issued to, as the row read to issue it says: an edge can show the
    name without reading the user again."""
    is_staff: bool = False
    """Whether that user was active staff then: for offering the staff pages only; every
    staff use-case checks again."""

    def __repr__(self) -> str:
        return (
            f"Session(expires_in={self.expires_in}, refresh_expires_in={self.refresh_expires_in})"
        )


@attrs.frozen(slots=True)
class TokenClaims:
    """The claims the core puts in a token; the codec adds issuer and audience. ``nbf`` is
    never issued here, but a token that carries one is held to it."""

    sub: str
    typ: str
    jti: str
    iat: int
    exp: int
    fam: str | None = None
    nbf: int | None = None
