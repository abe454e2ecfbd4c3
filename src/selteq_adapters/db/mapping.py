"""Rows to entities: one function per table, so the domain never takes the shape of a row."""

from __future__ import annotations

from selteq_core import (
    AuditAction,
    AuditEntry,
    Duration,
    IdempotencyKey,
    KeyedCreate,
    RefreshRecord,
    Task,
    TaskId,
    Title,
    User,
    UserId,
    Username,
)

from .connection import Row
from .dialect import Dialect


def task_from_row(row: Row, dialect: Dialect) -> Task:
    """Columns: id, user_id, title, duration, created_at, updated_at."""
    return Task(
        id=TaskId(int(row[0])),
        owner_id=UserId(int(row[1])),
        title=Title(str(row[2])),
        duration=Duration(int(row[3])),
        created_at=dialect.from_db(row[4]),
        updated_at=dialect.from_db(row[5]),
    )


def user_from_row(row: Row, dialect: Dialect) -> User:
    """Columns: id, username, password_hash, is_active, created_at, updated_at, is_staff."""
    return User(
        id=UserId(int(row[0])),
        username=Username(str(row[1])),
        password_hash=str(row[2]),
        is_active=_flag(row[3]),
        created_at=dialect.from_db(row[4]),
        updated_at=dialect.from_db(row[5]),
        is_staff=_flag(row[6]),
    )


def refresh_from_row(row: Row, dialect: Dialect) -> RefreshRecord:
    """Columns: jti, family, user_id, expires_at, used_at, revoked_at."""
    return RefreshRecord(
        jti=str(row[0]),
        family=str(row[1]),
        user_id=UserId(int(row[2])),
        expires_at=dialect.from_db(row[3]),
        used=row[4] is not None,
        revoked=row[5] is not None,
        used_at=None if row[4] is None else dialect.from_db(row[4]),
        revoked_at=None if row[5] is None else dialect.from_db(row[5]),
    )


def keyed_create_from_row(row: Row, dialect: Dialect) -> KeyedCreate:
    """Columns: user_id, idem_key, fingerprint, task_id, title, duration, created_at; the
    task as its create answered it (updated when created)."""
    owner = UserId(int(row[0]))
    created = dialect.from_db(row[6])
    task = Task(
        id=TaskId(int(row[3])),
        owner_id=owner,
        title=Title(str(row[4])),
        duration=Duration(int(row[5])),
        created_at=created,
        updated_at=created,
    )
    return KeyedCreate(owner, IdempotencyKey(str(row[1])), str(row[2]), task)


def audit_from_row(row: Row, dialect: Dialect) -> AuditEntry:
    """Columns: id, created_at, actor_id, actor_name, action, target_id, target, detail."""
    return AuditEntry(
        at=dialect.from_db(row[1]),
        actor_id=UserId(int(row[2])),
        actor=Username(str(row[3])),
        action=AuditAction(str(row[4]).strip()),
        target_id=int(row[5]),
        target=str(row[6]),
        detail=str(row[7]),
        id=int(row[0]),
    )


def _flag(value: object) -> bool:
    """BIT, BOOLEAN and SQLite's 0/1 all arrive differently; some drivers send text."""
    if isinstance(value, str):
        return value.strip().lower() in {"1", "t", "true", "y", "yes"}
    return bool(value)
