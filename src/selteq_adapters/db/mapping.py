"""Rows to entities: one function per table, so the domain never takes the shape of a row."""

from __future__ import annotations

from datetime import datetime

from selteq_core import (
    OUTCOMES,
    AuditAction,
    AuditEntry,
    Duration,
    IdempotencyKey,
    Job,
    JobRun,
    KeyedCreate,
    Outcome,
    RefreshRecord,
    Schedule,
    ScheduleId,
    Task,
    TaskId,
    Title,
    Trigger,
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


def schedule_from_row(row: Row, dialect: Dialect) -> Schedule:
    """Columns: id, job, user_id, every_seconds, cron, timezone, enabled, next_due_at,
    follows_settings, created_at, updated_at."""
    if row[3] is not None:
        trigger = Trigger("every", every_seconds=int(row[3]))
    else:
        trigger = Trigger("cron", cron=str(row[4]), timezone=str(row[5]))
    return Schedule(
        id=ScheduleId(int(row[0])),
        job=Job(str(row[1]), None if row[2] is None else UserId(int(row[2]))),
        trigger=trigger,
        enabled=_flag(row[6]),
        next_due_at=None if row[7] is None else dialect.from_db(row[7]),
        follows_settings=_flag(row[8]),
        created_at=dialect.from_db(row[9]),
        updated_at=dialect.from_db(row[10]),
    )


def run_from_row(row: Row, dialect: Dialect) -> JobRun:
    """Columns: id, job, user_id, schedule_id, due_at, queued_at, outcome, started_at,
    finished_at, retries, duration_ms, reported, error."""

    def moment(value: object) -> datetime | None:
        return None if value is None else dialect.from_db(value)

    queued = dialect.from_db(row[5])
    return JobRun(
        id=str(row[0]),
        job=Job(str(row[1]), None if row[2] is None else UserId(int(row[2]))),
        schedule_id=None if row[3] is None else ScheduleId(int(row[3])),
        due_at=moment(row[4]),
        queued_at=queued,
        outcome=_outcome(str(row[6])),
        started_at=moment(row[7]),
        finished_at=moment(row[8]),
        retries=int(row[9]),
        duration_ms=None if row[10] is None else int(row[10]),
        reported=None if row[11] is None else str(row[11]),
        error=None if row[12] is None else str(row[12]),
    )


def _outcome(value: str) -> Outcome:
    if value not in OUTCOMES:
        raise ValueError(f"unknown run outcome {value!r}")
    return value


def _flag(value: object) -> bool:
    """BIT, BOOLEAN and SQLite's 0/1 all arrive differently; some drivers send text."""
    if isinstance(value, str):
        return value.strip().lower() in {"1", "t", "true", "y", "yes"}
    return bool(value)
