"""In-memory adapters for the core's ports: for trying the library, prototypes and tests.

They keep everything in process memory and honour the unit of work: changes become
visible on ``commit()`` and vanish otherwise. Not for production: nothing is persisted.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from types import TracebackType
from typing import Any, TypeVar

import attrs

from ._audit import AuditEntry
from ._entities import KeyedCreate, RefreshRecord, Task, User
from ._errors import Conflict
from ._ordering import TaskOrder
from ._paging import TaskCursor, TaskQuery
from ._ports import (
    AuditLog,
    IdempotencyKeyStore,
    RefreshTokenStore,
    TaskRepository,
    UnitOfWork,
    UserRepository,
)
from ._sorting import SortKey, StaffTaskOrder, UserQuery
from ._values import Duration, IdempotencyKey, TaskId, Title, UserId, Username

_Row = TypeVar("_Row")


@attrs.define
class _Tables:
    tasks: dict[TaskId, Task] = attrs.Factory(dict)
    users: dict[UserId, User] = attrs.Factory(dict)
    refresh: dict[str, RefreshRecord] = attrs.Factory(dict)
    keys: dict[tuple[UserId, IdempotencyKey], KeyedCreate] = attrs.Factory(dict)
    audit: list[AuditEntry] = attrs.Factory(list)

    def copy(self) -> _Tables:
        return _Tables(
            dict(self.tasks),
            dict(self.users),
            dict(self.refresh),
            dict(self.keys),
            list(self.audit),
        )


class InMemoryDatabase:
    """Shared state for any number of units of work; ``database.unit_of_work`` is the factory."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._tables = _Tables()
        self._ids = itertools.count(1)

    def unit_of_work(self) -> InMemoryUnitOfWork:
        return InMemoryUnitOfWork(self)

    def _snapshot(self) -> _Tables:
        with self._lock:
            return self._tables.copy()

    def _replace(self, tables: _Tables) -> None:
        with self._lock:
            self._tables = tables

    def _next_id(self) -> int:
        with self._lock:
            return next(self._ids)


class _Tasks(TaskRepository):
    def __init__(self, db: InMemoryDatabase, tables: _Tables) -> None:
        self._db, self._t = db, tables

    def add(self, owner_id: UserId, title: Title, duration: Duration, at: datetime) -> Task:
        task = Task(TaskId(self._db._next_id()), owner_id, title, duration, at, at)
        self._t.tasks[task.id] = task
        return task

    def add_many(self, tasks: Sequence[tuple[UserId, Title, Duration]], at: datetime) -> list[Task]:
        return [self.add(owner_id, title, duration, at) for owner_id, title, duration in tasks]

    def get(self, task_id: TaskId) -> Task | None:
        return self._t.tasks.get(task_id)

    def recent(self, owner_id: UserId, limit: int) -> list[Task]:
        owned = [t for t in self._t.tasks.values() if t.owner_id == owner_id]
        owned.sort(key=lambda t: (t.created_at, t.id), reverse=True)
        return owned[:limit]

    def update(self, task: Task, expected: Task | None = None) -> bool:
        current = self._t.tasks.get(task.id)
        if current is None or (expected is not None and current != expected):
            return False
        self._t.tasks[task.id] = task
        return True

    def remove(self, task_id: TaskId, expected: Task | None = None) -> bool:
        current = self._t.tasks.get(task_id)
        if current is None or (expected is not None and current != expected):
            return False
        del self._t.tasks[task_id]
        return True

    def newest(self, query: TaskQuery, limit: int) -> list[Task]:
        rows = sorted(
            (t for t in self._t.tasks.values() if _matches(t, query)),
            key=lambda t: (t.created_at, t.id),
            reverse=True,
        )
        return rows[:limit]

    def page(self, after: TaskId | None, owner_id: UserId | None, limit: int) -> list[Task]:
        rows = sorted(
            (
                t
                for t in self._t.tasks.values()
                if (after is None or t.id > after) and (owner_id is None or t.owner_id == owner_id)
            ),
            key=lambda t: t.id,
        )
        return rows[:limit]

    def newest_named(self, query: TaskQuery, limit: int) -> list[tuple[Task, Username]]:
        return [(t, self._t.users[t.owner_id].username) for t in self.newest(query, limit)]

    def sorted_named(
        self, query: TaskQuery, order: StaffTaskOrder, after: SortKey | None, limit: int
    ) -> list[tuple[Task, Username]]:
        unbounded = attrs.evolve(query, before=None)
        named = [
            (t, self._t.users[t.owner_id].username)
            for t in self._t.tasks.values()
            if _matches(t, unbounded)
        ]

        def key(row: tuple[Task, Username]) -> tuple[Any, int]:
            task, owner = row
            values: dict[str, Any] = {
                "created_at": task.created_at,
                "title": task.title.value,
                "duration": task.duration.minutes,
                "owner": owner.value,
            }
            return values[order.field], task.id.value

        return _after_key(named, key, order.descending, after)[:limit]

    def ordered(self, query: TaskQuery, limit: int) -> list[Task]:
        if query.owner is None:
            raise ValueError("ordered reads one owner's tasks")
        order, cursor = query.order, query.before
        unbounded = attrs.evolve(query, before=None)
        rows = sorted(
            (
                t
                for t in self._t.tasks.values()
                if _matches(t, unbounded) and (cursor is None or _follows(t, cursor, order))
            ),
            key=lambda t: _key(t, order),
            reverse=order.descending,
        )
        return rows[:limit]

    def count(self, owner_id: UserId, title_contains: str = "") -> int:
        return self.count_matching(TaskQuery(owner=owner_id, title_contains=title_contains))

    def count_matching(self, query: TaskQuery) -> int:
        unbounded = attrs.evolve(query, before=None)
        return sum(1 for t in self._t.tasks.values() if _matches(t, unbounded))


def _after_key(
    rows: list[_Row],
    key: Callable[[_Row], tuple[Any, int]],
    descending: bool,
    after: SortKey | None,
) -> list[_Row]:
    """``rows`` sorted by ``key``, only those strictly after ``after`` in that order."""
    ordered = sorted(rows, key=key, reverse=descending)
    if after is None:
        return ordered
    mark = (after.value, after.id)
    return [row for row in ordered if (key(row) < mark if descending else key(row) > mark)]


def _key(task: Task, order: TaskOrder) -> tuple[object, TaskId]:
    first = task.duration.minutes if order.by_duration else task.created_at
    return first, task.id


def _follows(task: Task, cursor: TaskCursor, order: TaskOrder) -> bool:
    """Whether the task comes strictly after the cursor's task in ``order``."""
    if order.by_duration:
        mine, theirs = (
            (task.duration.minutes, task.id.value),
            (cursor.duration or 0, cursor.id.value),
        )
        return mine < theirs if order.descending else mine > theirs
    at, at_cursor = (task.created_at, task.id.value), (cursor.created_at, cursor.id.value)
    return at < at_cursor if order.descending else at > at_cursor


def _matches(task: Task, query: TaskQuery) -> bool:
    before = query.before
    return (
        (query.owner is None or task.owner_id == query.owner)
        and (query.created_from is None or task.created_at >= query.created_from)
        and (query.created_to is None or task.created_at < query.created_to)
        and query.title_contains.lower() in task.title.value.lower()
        and (before is None or (task.created_at, task.id) < (before.created_at, before.id))
    )


class _Users(UserRepository):
    def __init__(self, db: InMemoryDatabase, tables: _Tables) -> None:
        self._db, self._t = db, tables

    def add(
        self, username: Username, password_hash: str, at: datetime, *, is_staff: bool = False
    ) -> User:
        if self.by_username(username) is not None:
            raise Conflict("username already taken")
        ident = UserId(self._db._next_id())
        user = User(ident, username, password_hash, True, at, at, is_staff=is_staff)
        self._t.users[user.id] = user
        return user

    def get(self, user_id: UserId) -> User | None:
        return self._t.users.get(user_id)

    def by_username(self, username: Username) -> User | None:
        return next((u for u in self._t.users.values() if u.username == username), None)

    def set_password_hash(self, user_id: UserId, password_hash: str, at: datetime) -> None:
        user = self._t.users[user_id]
        self._t.users[user_id] = attrs.evolve(user, password_hash=password_hash, updated_at=at)

    def page(
        self,
        search: str,
        after: UserId | None,
        limit: int,
        *,
        active: bool | None = None,
        staff: bool | None = None,
    ) -> list[User]:
        term = search.lower()
        rows = sorted(
            (
                u
                for u in self._t.users.values()
                if (after is None or u.id > after)
                and term in u.username.value.lower()
                and active in (None, u.is_active)
                and staff in (None, u.is_staff)
            ),
            key=lambda u: u.id,
        )
        return rows[:limit]

    def count(self, search: str, *, active: bool | None = None, staff: bool | None = None) -> int:
        return len(self.page(search, None, len(self._t.users), active=active, staff=staff))

    def sorted(self, query: UserQuery, limit: int) -> list[tuple[User, int]]:
        every = len(self._t.users)
        users = self.page(query.search, None, every, active=query.active, staff=query.staff)
        counted = [(u, sum(1 for t in self._t.tasks.values() if t.owner_id == u.id)) for u in users]

        def key(row: tuple[User, int]) -> tuple[Any, int]:
            user, tasks = row
            values: dict[str, Any] = {
                "id": user.id.value,
                "username": user.username.value,
                "date_joined": user.created_at,
                "task_count": tasks,
            }
            return values[query.order.field], user.id.value

        return _after_key(counted, key, query.order.descending, query.after)[:limit]

    def set_staff(self, user_id: UserId, staff: bool, at: datetime) -> bool:
        user = self._t.users.get(user_id)
        if user is None:
            return False
        self._t.users[user_id] = attrs.evolve(user, is_staff=staff, updated_at=at)
        return True

    def set_active(self, user_id: UserId, active: bool, at: datetime) -> bool:
        user = self._t.users.get(user_id)
        if user is None:
            return False
        self._t.users[user_id] = attrs.evolve(user, is_active=active, updated_at=at)
        return True

    def remove(self, user_id: UserId) -> bool:
        """As the schema's ON DELETE CASCADE: the user's tasks and tokens go too."""
        if self._t.users.pop(user_id, None) is None:
            return False
        for task in [t for t in self._t.tasks.values() if t.owner_id == user_id]:
            del self._t.tasks[task.id]
        for record in [r for r in self._t.refresh.values() if r.user_id == user_id]:
            del self._t.refresh[record.jti]
        return True

    def active_staff(self) -> int:
        return sum(1 for u in self._t.users.values() if u.is_staff and u.is_active)


class _RefreshTokens(RefreshTokenStore):
    def __init__(self, tables: _Tables) -> None:
        self._t = tables

    def add(self, record: RefreshRecord, at: datetime) -> None:
        used_at = at if record.used else None
        revoked_at = at if record.revoked else None
        self._t.refresh[record.jti] = attrs.evolve(record, used_at=used_at, revoked_at=revoked_at)

    def get(self, jti: str) -> RefreshRecord | None:
        return self._t.refresh.get(jti)

    def mark_used(self, jti: str, at: datetime) -> bool:
        record = self._t.refresh.get(jti)
        if record is None or record.used or record.revoked:
            return False
        self._t.refresh[jti] = attrs.evolve(record, used=True, used_at=at)
        return True

    def revoke_family(self, family: str, at: datetime) -> int:
        members = [r for r in self._t.refresh.values() if r.family == family and not r.revoked]
        for record in members:
            self._t.refresh[record.jti] = attrs.evolve(record, revoked=True, revoked_at=at)
        return len(members)

    def revoke_user(self, user_id: UserId, at: datetime, keep_family: str | None = None) -> int:
        members = [
            r
            for r in self._t.refresh.values()
            if r.user_id == user_id and r.family != keep_family and not r.revoked
        ]
        for record in members:
            self._t.refresh[record.jti] = attrs.evolve(record, revoked=True, revoked_at=at)
        return len(members)


class _KeyedCreates(IdempotencyKeyStore):
    def __init__(self, tables: _Tables) -> None:
        self._t = tables

    def get(self, owner_id: UserId, key: IdempotencyKey) -> KeyedCreate | None:
        return self._t.keys.get((owner_id, key))

    def add(self, record: KeyedCreate) -> None:
        if (record.owner_id, record.key) in self._t.keys:
            raise Conflict("idempotency key already held")
        self._t.keys[record.owner_id, record.key] = record

    def remove(self, owner_id: UserId, key: IdempotencyKey) -> None:
        self._t.keys.pop((owner_id, key), None)

    def purge(self, before: datetime, limit: int) -> int:
        old = [held for held, record in self._t.keys.items() if record.task.created_at < before]
        old.sort(key=lambda held: self._t.keys[held].task.created_at)
        for held in old[:limit]:
            del self._t.keys[held]
        return len(old[:limit])


class _Audit(AuditLog):
    def __init__(self, db: InMemoryDatabase, tables: _Tables) -> None:
        self._db, self._t = db, tables

    def add(self, entry: AuditEntry) -> None:
        self._t.audit.append(attrs.evolve(entry, id=self._db._next_id()))

    def page(self, before: int | None, limit: int) -> list[AuditEntry]:
        rows = [e for e in self._t.audit if before is None or (e.id or 0) < before]
        return sorted(rows, key=lambda e: e.id or 0, reverse=True)[:limit]


class InMemoryUnitOfWork(UnitOfWork):
    """Works on a private copy of the tables; ``commit()`` publishes it.

    Like a real database's default isolation, the last commit wins; enough for one process.
    """

    def __init__(self, db: InMemoryDatabase) -> None:
        self._db = db
        self._open(db._snapshot())

    def _open(self, tables: _Tables) -> None:
        self._tables = tables
        self._tasks = _Tasks(self._db, tables)
        self._users = _Users(self._db, tables)
        self._refresh = _RefreshTokens(tables)
        self._keys = _KeyedCreates(tables)
        self._audit = _Audit(self._db, tables)

    @property
    def tasks(self) -> TaskRepository:
        return self._tasks

    @property
    def users(self) -> UserRepository:
        return self._users

    @property
    def refresh_tokens(self) -> RefreshTokenStore:
        return self._refresh

    @property
    def idempotency_keys(self) -> IdempotencyKeyStore:
        return self._keys

    @property
    def audit(self) -> AuditLog:
        return self._audit

    def __enter__(self) -> InMemoryUnitOfWork:
        self._open(self._db._snapshot())
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._open(self._db._snapshot())

    def commit(self) -> None:
        self._db._replace(self._tables.copy())


@attrs.define
class ManualClock:
    """A clock that stands still until moved: deterministic time for examples and tests."""

    current: datetime = datetime(2026, 1, 1, tzinfo=UTC)

    def now(self) -> datetime:
        return self.current

    def advance(self, seconds: float) -> None:
        self.current += timedelta(seconds=seconds)
