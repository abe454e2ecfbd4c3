"""Request and response bodies as msgspec Structs: the API's outside shape.

Input Structs carry only the fields a route reads; anything else in a body is ignored, as
Django REST framework ignores read-only fields.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import msgspec

import selteq_core as core

# Examples are what Swagger UI puts in its "Try it out" bodies: without one it writes 0,
# which the API refuses. The bounds are the core's, stated here for the document; the core
# checks them (its reasons name the field).
TitleText = Annotated[
    str,
    msgspec.Meta(
        min_length=1,
        max_length=core.TITLE_MAX,
        pattern=r"\S",
        description=f"1 to {core.TITLE_MAX} characters, not only spaces (surrounding spaces"
        " are trimmed)",
        examples=["Write the report"],
        extra={"pattern": "must not be blank"},
    ),
]
Minutes = Annotated[
    int,
    msgspec.Meta(
        ge=1,
        le=core.DURATION_MAX,
        description="Whole minutes (not a float, bool or string)",
        examples=[45],
    ),
]


class TaskCreate(msgspec.Struct):
    title: TitleText
    duration: Minutes


class TaskRename(msgspec.Struct):
    """Only the title changes; other fields in the body are ignored."""

    title: TitleText


class Task(msgspec.Struct):
    id: int
    title: str
    duration: int
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, task: core.Task) -> Task:
        return cls(
            id=task.id.value,
            title=task.title.value,
            duration=task.duration.minutes,
            created_at=utc(task.created_at),
            updated_at=utc(task.updated_at),
        )


def utc(moment: datetime) -> datetime:
    """Aware UTC, which msgspec writes as RFC 3339 ending in ``Z``; a naive time is UTC."""
    if moment.tzinfo is UTC:  # what the core's times are: nothing to convert
        return moment
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


PASSWORD_MAX_CHARACTERS = core.PASSWORD_MAX_BYTES // 4
"""The most characters a password may have over HTTP: as many as the core's byte limit
holds whatever the characters (UTF-8 spends at most 4 bytes on one)."""
NewPassword = Annotated[
    str,
    msgspec.Meta(
        min_length=core.PASSWORD_MIN_BYTES,
        max_length=PASSWORD_MAX_CHARACTERS,
        description=f"{core.PASSWORD_MIN_BYTES} to {PASSWORD_MAX_CHARACTERS} characters (so"
        f" never more than {core.PASSWORD_MAX_BYTES} bytes in UTF-8)",
        examples=["correct horse battery"],
    ),
]
"""Every password a person chooses (sign-up, change, reset): one constraint."""


class SignUp(msgspec.Struct):
    username: Annotated[
        str,
        msgspec.Meta(
            min_length=1,
            max_length=core.USERNAME_MAX,
            pattern=r"^[\w.@+-]+$",
            description="Letters, digits and @.+-_ (as in Django)",
            examples=["alice"],
            extra={"pattern": "may hold only letters, digits and @.+-_"},
        ),
    ]
    password: NewPassword


class UserOut(msgspec.Struct):
    id: int
    username: str

    @classmethod
    def of(cls, user: core.User) -> UserOut:
        return cls(id=user.id.value, username=user.username.value)


class PasswordGrant(msgspec.Struct):
    """Username and password; ``grant_type``, when sent (OAuth2 forms), must be ``password``."""

    username: str
    password: str
    grant_type: str | None = None


class RefreshIn(msgspec.Struct):
    """The refresh token, as ``refresh_token`` or as simplejwt's ``refresh``."""

    refresh_token: str | None = None
    refresh: str | None = None

    def token(self) -> str | None:
        return self.refresh_token or self.refresh


class TokenPair(msgspec.Struct):
    """OAuth2's token response, plus ``token`` (the access token, as the Django project
    named it) and ``access``/``refresh`` for simplejwt clients."""

    access_token: str
    token_type: str
    expires_in: int
    refresh_token: str
    refresh_expires_in: int
    token: str
    access: str
    refresh: str

    @classmethod
    def of(cls, session: core.Session) -> TokenPair:
        return cls(
            access_token=session.access_token,
            token_type=session.token_type,
            expires_in=session.expires_in,
            refresh_token=session.refresh_token,
            refresh_expires_in=session.refresh_expires_in,
            token=session.access_token,
            access=session.access_token,
            refresh=session.refresh_token,
        )


class Health(msgspec.Struct, omit_defaults=True):
    status: str
    checks: dict[str, str] = msgspec.field(default_factory=dict)


class PasswordChange(msgspec.Struct):
    current_password: str
    new_password: NewPassword


class PasswordReset(msgspec.Struct):
    new_password: NewPassword


class AdminUserOut(msgspec.Struct):
    id: int
    username: str
    is_active: bool
    is_staff: bool
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, user: core.User) -> AdminUserOut:
        return cls(
            id=user.id.value,
            username=user.username.value,
            is_active=user.is_active,
            is_staff=user.is_staff,
            created_at=utc(user.created_at),
            updated_at=utc(user.updated_at),
        )


class AdminTaskOut(msgspec.Struct):
    """A task as staff see it: with its owner's id and username (read with the task)."""

    id: int
    owner_id: int
    owner_username: str | None
    title: str
    duration: int
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, task: core.Task, owner: str | None = None) -> AdminTaskOut:
        return cls(
            id=task.id.value,
            owner_id=task.owner_id.value,
            owner_username=owner,
            title=task.title.value,
            duration=task.duration.minutes,
            created_at=utc(task.created_at),
            updated_at=utc(task.updated_at),
        )


class AuditEntryOut(msgspec.Struct):
    """One staff action: ``actor`` did ``action`` to ``target`` (a username, or a task's
    title; ``target_kind`` says which) at ``at``."""

    id: int
    at: datetime
    actor_id: int
    actor: str
    action: str
    target_kind: str
    target_id: int
    target: str
    detail: str

    @classmethod
    def of(cls, entry: core.AuditEntry) -> AuditEntryOut:
        return cls(
            id=entry.id or 0,
            at=utc(entry.at),
            actor_id=entry.actor_id.value,
            actor=entry.actor.value,
            action=entry.action.value,
            target_kind="task" if entry.action.on_task else "user",
            target_id=entry.target_id,
            target=entry.target,
            detail=entry.detail,
        )
