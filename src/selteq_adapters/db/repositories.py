"""The core's storage ports over SQL: one class per port, statements from the dialect.

Each repository works on the connection its unit of work borrowed; nothing here commits.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime

from selteq_core import (
    AuditEntry,
    AuditLog,
    Conflict,
    Duration,
    RefreshRecord,
    RefreshTokenStore,
    SortKey,
    StaffTaskOrder,
    Task,
    TaskBatchReader,
    TaskId,
    TaskOrder,
    TaskQuery,
    TaskRepository,
    Title,
    Unavailable,
    User,
    UserId,
    Username,
    UserQuery,
    UserRepository,
)

from .connection import Connection, Row
from .dialect import EARLIEST, LATEST
from .mapping import audit_from_row, refresh_from_row, task_from_row, user_from_row
from .pool import Pool
from .sorted_sql import tasks_sorted, users_sorted
from .statements import rows_of


class SqlTaskRepository(TaskRepository):
    def __init__(self, connection: Connection) -> None:
        self._c = connection
        self._d = connection.dialect
        self._sql = connection.dialect.sql

    def add(self, owner_id: UserId, title: Title, duration: Duration, at: datetime) -> Task:
        stamp = self._d.to_db(at)
        params = (owner_id.value, title.value, duration.minutes, stamp, stamp)
        new_id = self._c.insert(self._sql.task_insert, params)
        moment = at.astimezone(UTC)
        return Task(TaskId(new_id), owner_id, title, duration, moment, moment)

    def add_many(self, tasks: Sequence[tuple[UserId, Title, Duration]], at: datetime) -> list[Task]:
        if not tasks:
            return []
        stamp = self._d.to_db(at)
        params = [
            value
            for owner_id, title, duration in tasks
            for value in (owner_id.value, title.value, duration.minutes, stamp, stamp)
        ]
        sql = rows_of(self._sql.task_insert_rows, len(tasks))
        if self._sql.last_id is not None:  # SQLite: the next ids, in the order given
            last = self._c.insert(sql, params)
            rows: list[Row] = [
                (last - len(tasks) + 1 + n, owner.value, title.value, duration.minutes)
                for n, (owner, title, duration) in enumerate(tasks)
            ]
        else:
            rows = self._c.insert_rows(sql, params)
        # No server promises the rows back in the order given: each goes to an ask it
        # answers (owner, title, duration); asks alike are alike in everything but the id.
        ids: dict[tuple[int, str, int], list[int]] = {}
        for row in rows:
            ids.setdefault((int(row[1]), str(row[2]), int(row[3])), []).append(int(row[0]))
        moment = at.astimezone(UTC)
        made = []
        for owner_id, title, duration in tasks:
            free = ids.get((owner_id.value, title.value, duration.minutes))
            if not free:
                self._c.broken = True
                raise Unavailable("the database did not return every new row")
            made.append(Task(TaskId(free.pop()), owner_id, title, duration, moment, moment))
        return made

    def get(self, task_id: TaskId) -> Task | None:
        row = self._c.one(self._sql.task_get, (task_id.value,))
        return None if row is None else task_from_row(row, self._d)

    def recent(self, owner_id: UserId, limit: int) -> list[Task]:
        params = self._d.limited((owner_id.value,), limit)
        return [task_from_row(row, self._d) for row in self._c.all(self._sql.task_recent, params)]

    def update(self, task: Task, expected: Task | None = None) -> bool:
        params = (task.title.value, self._d.to_db(task.updated_at), task.id.value)
        if expected is None:
            return self._c.run(self._sql.task_update, params) == 1
        return self._c.run(self._sql.task_update_if, params + self._as_stored(expected)) == 1

    def remove(self, task_id: TaskId, expected: Task | None = None) -> bool:
        if expected is None:
            return self._c.run(self._sql.task_delete, (task_id.value,)) == 1
        params = (task_id.value, *self._as_stored(expected))
        return self._c.run(self._sql.task_delete_if, params) == 1

    def _as_stored(self, task: Task) -> tuple[str, object]:
        """What a conditional write compares: the title and updated_at it read."""
        return task.title.value, self._d.to_db(task.updated_at)

    def page(self, after: TaskId | None, owner_id: UserId | None, limit: int) -> list[Task]:
        start = 0 if after is None else after.value
        if owner_id is None:
            sql, params = self._sql.task_page, self._d.limited((start,), limit)
        else:
            sql, params = self._sql.task_page_owner, self._d.limited((owner_id.value, start), limit)
        return [task_from_row(row, self._d) for row in self._c.all(sql, params)]

    def newest(self, query: TaskQuery, limit: int) -> list[Task]:
        """One statement whatever the filters: a filter left off binds a bound that every
        task passes, so the plan never depends on which filters a page uses."""
        sql = self._sql.task_newest if query.owner is None else self._sql.task_newest_owner
        rows = self._c.all(sql, self._newest_params(query, limit))
        return [task_from_row(row, self._d) for row in rows]

    def newest_named(self, query: TaskQuery, limit: int) -> list[tuple[Task, Username]]:
        """``newest`` joined to each task's owner: the same filters, bounds and index."""
        sql = self._sql.task_newest_named
        if query.owner is not None:
            sql = self._sql.task_newest_owner_named
        rows = self._c.all(sql, self._newest_params(query, limit))
        return [(task_from_row(row, self._d), Username(str(row[6]))) for row in rows]

    def _newest_params(self, query: TaskQuery, limit: int) -> tuple[object, ...]:
        to_db, before = self._d.to_db, query.before
        at = LATEST if before is None else before.created_at
        params: tuple[object, ...] = (
            to_db(query.created_from or EARLIEST),
            to_db(query.created_to or LATEST),
            self._d.contains(query.title_contains),
            to_db(at),
            to_db(at),
            _LAST_ID if before is None else before.id.value,
        )
        if query.owner is not None:
            params = (query.owner.value, *params)
        return self._d.limited(params, limit)

    def sorted_named(
        self, query: TaskQuery, order: StaffTaskOrder, after: SortKey | None, limit: int
    ) -> list[tuple[Task, Username]]:
        """One statement per order and shape (``sorted_sql``); the filters bind as in
        ``newest``: a window left open binds bounds every task passes."""
        to_db = self._d.to_db
        params: tuple[object, ...] = (
            to_db(query.created_from or EARLIEST),
            to_db(query.created_to or LATEST),
            self._d.contains(query.title_contains),
        )
        if query.owner is not None:
            params = (query.owner.value, *params)
        if after is not None:
            key = to_db(after.value) if isinstance(after.value, datetime) else after.value
            params = (*params, key, key, after.id)
        sql = tasks_sorted(self._d.name, order, query.owner is not None, after is not None)
        rows = self._c.all(sql, self._d.limited(params, limit))
        return [(task_from_row(row, self._d), Username(str(row[6]))) for row in rows]

    def ordered(self, query: TaskQuery, limit: int) -> list[Task]:
        """One statement per order, on the owner's index for it; a first page binds a
        keyset before every task, as ``newest`` does."""
        if query.owner is None or query.created_from or query.created_to:
            raise ValueError("ordered reads one owner's tasks, without a creation window")
        order, cursor = query.order, query.before
        sql = {
            TaskOrder.NEWEST: self._sql.task_ordered_newest,
            TaskOrder.OLDEST: self._sql.task_ordered_oldest,
            TaskOrder.LONGEST: self._sql.task_ordered_longest,
            TaskOrder.SHORTEST: self._sql.task_ordered_shortest,
        }[order]
        key: object
        if order.by_duration:
            start = _MOST_MINUTES if order.descending else 0
            key = start if cursor is None else cursor.duration
        else:
            start_at = LATEST if order.descending else EARLIEST
            key = self._d.to_db(start_at if cursor is None else cursor.created_at)
        first_id = _LAST_ID if order.descending else 0
        ident = first_id if cursor is None else cursor.id.value
        params = (query.owner.value, self._d.contains(query.title_contains), key, key, ident)
        rows = self._c.all(sql, self._d.limited(params, limit))
        return [task_from_row(row, self._d) for row in rows]

    def count_matching(self, query: TaskQuery) -> int:
        params: tuple[object, ...] = (
            self._d.to_db(query.created_from or EARLIEST),
            self._d.to_db(query.created_to or LATEST),
            self._d.contains(query.title_contains),
        )
        sql = self._sql.task_count_every
        if query.owner is not None:
            sql, params = self._sql.task_count_every_owner, (query.owner.value, *params)
        row = self._c.one(sql, params)
        return 0 if row is None else int(row[0])

    def count(self, owner_id: UserId, title_contains: str = "") -> int:
        if title_contains:
            params: tuple[object, ...] = (owner_id.value, self._d.contains(title_contains))
            row = self._c.one(self._sql.task_count_like, params)
        else:
            row = self._c.one(self._sql.task_count, (owner_id.value,))
        return 0 if row is None else int(row[0])


_LAST_ID = 2**63 - 1
"""Above every id: the keyset of a first page read in descending order."""
_MOST_MINUTES = 2**31 - 1
"""The longest duration a task may have (an INT column): a longest-first page's start."""


def _either(flag: bool | None) -> tuple[bool, bool]:
    """The two values ``IN (?, ?)`` accepts for a flag: both for None (either)."""
    return (False, True) if flag is None else (flag, flag)


class SqlUserRepository(UserRepository):
    def __init__(self, connection: Connection) -> None:
        self._c = connection
        self._d = connection.dialect
        self._sql = connection.dialect.sql

    def add(
        self, username: Username, password_hash: str, at: datetime, *, is_staff: bool = False
    ) -> User:
        stamp = self._d.to_db(at)
        params = (username.value, password_hash, stamp, stamp, is_staff)
        try:
            new_id = self._c.insert(self._sql.user_insert, params)
        except Conflict as exc:
            raise Conflict("username already taken") from exc
        moment = at.astimezone(UTC)
        return User(
            UserId(new_id), username, password_hash, True, moment, moment, is_staff=is_staff
        )

    def get(self, user_id: UserId) -> User | None:
        row = self._c.one(self._sql.user_get, (user_id.value,))
        return None if row is None else user_from_row(row, self._d)

    def by_username(self, username: Username) -> User | None:
        row = self._c.one(self._sql.user_by_name, (username.value,))
        return None if row is None else user_from_row(row, self._d)

    def set_password_hash(self, user_id: UserId, password_hash: str, at: datetime) -> None:
        self._c.run(self._sql.user_set_hash, (password_hash, self._d.to_db(at), user_id.value))

    def page(
        self,
        search: str,
        after: UserId | None,
        limit: int,
        *,
        active: bool | None = None,
        staff: bool | None = None,
    ) -> list[User]:
        start = 0 if after is None else after.value
        flags = (*_either(active), *_either(staff))
        params = self._d.limited((start, self._d.contains(search), *flags), limit)
        return [user_from_row(row, self._d) for row in self._c.all(self._sql.user_page, params)]

    def count(self, search: str, *, active: bool | None = None, staff: bool | None = None) -> int:
        params = (self._d.contains(search), *_either(active), *_either(staff))
        row = self._c.one(self._sql.user_count, params)
        return 0 if row is None else int(row[0])

    def sorted(self, query: UserQuery, limit: int) -> list[tuple[User, int]]:
        """One statement per order and shape (``sorted_sql``), the task count read with
        each user on the tasks' owner index."""
        params: tuple[object, ...] = (
            self._d.contains(query.search),
            *_either(query.active),
            *_either(query.staff),
        )
        after = query.after
        if after is not None:
            key = self._d.to_db(after.value) if isinstance(after.value, datetime) else after.value
            params = (*params, key, key, after.id)
        sql = users_sorted(self._d.name, query.order, after is not None)
        rows = self._c.all(sql, self._d.limited(params, limit))
        return [(user_from_row(row, self._d), int(row[7])) for row in rows]

    def set_staff(self, user_id: UserId, staff: bool, at: datetime) -> bool:
        params = (staff, self._d.to_db(at), user_id.value)
        return self._c.run(self._sql.user_set_staff, params) == 1

    def set_active(self, user_id: UserId, active: bool, at: datetime) -> bool:
        params = (active, self._d.to_db(at), user_id.value)
        return self._c.run(self._sql.user_set_active, params) == 1

    def remove(self, user_id: UserId) -> bool:
        """The schema's ON DELETE CASCADE takes the user's tasks and refresh tokens."""
        return self._c.run(self._sql.user_delete, (user_id.value,)) == 1

    def active_staff(self) -> int:
        row = self._c.one(self._sql.user_active_staff)
        return 0 if row is None else int(row[0])


class SqlRefreshTokenStore(RefreshTokenStore):
    def __init__(self, connection: Connection) -> None:
        self._c = connection
        self._d = connection.dialect
        self._sql = connection.dialect.sql

    def add(self, record: RefreshRecord, at: datetime) -> None:
        stamp = self._d.to_db(at)
        params = (
            record.jti,
            record.family,
            record.user_id.value,
            self._d.to_db(record.expires_at),
            stamp if record.used else None,
            stamp if record.revoked else None,
            stamp,
        )
        self._c.run(self._sql.refresh_insert, params)

    def get(self, jti: str) -> RefreshRecord | None:
        row = self._c.one(self._sql.refresh_get, (jti,))
        return None if row is None else refresh_from_row(row, self._d)

    def mark_used(self, jti: str, at: datetime) -> bool:
        """One conditional UPDATE: of two concurrent calls, exactly one flips the row."""
        return self._c.run(self._sql.refresh_mark_used, (self._d.to_db(at), jti)) == 1

    def revoke_family(self, family: str, at: datetime) -> int:
        return self._c.run(self._sql.refresh_revoke_family, (self._d.to_db(at), family))

    def revoke_user(self, user_id: UserId, at: datetime, keep_family: str | None = None) -> int:
        params = (self._d.to_db(at), user_id.value, keep_family or "")
        return self._c.run(self._sql.refresh_revoke_user, params)


class SqlAuditLog(AuditLog):
    def __init__(self, connection: Connection) -> None:
        self._c = connection
        self._d = connection.dialect
        self._sql = connection.dialect.sql

    def add(self, entry: AuditEntry) -> None:
        params = (
            self._d.to_db(entry.at),
            entry.actor_id.value,
            entry.actor.value,
            entry.action.value,
            entry.target_id,
            entry.target,
            entry.detail,
        )
        self._c.run(self._sql.audit_insert, params)

    def page(self, before: int | None, limit: int) -> list[AuditEntry]:
        params = self._d.limited((_LAST_ID if before is None else before,), limit)
        return [audit_from_row(row, self._d) for row in self._c.all(self._sql.audit_page, params)]


class SqlTaskBatchReader(TaskBatchReader):
    """The core's optional batch read: several owners' newest tasks in one statement, on a
    connection of its own from the pool (a read needs no unit of work)."""

    def __init__(self, pool: Pool) -> None:
        self._pool = pool

    def recent_by_owner(self, owner_ids: Sequence[UserId], limit: int) -> dict[UserId, list[Task]]:
        found: dict[UserId, list[Task]] = {owner: [] for owner in owner_ids}
        if not found:
            return found
        ids = json.dumps([owner.value for owner in found])
        with self._pool.connection() as connection:
            dialect = connection.dialect
            for row in connection.all(dialect.sql.task_recent_owners, (ids, limit)):
                task = task_from_row(row, dialect)
                found[task.owner_id].append(task)
        return found

    def by_ids(self, task_ids: Sequence[TaskId]) -> dict[TaskId, Task]:
        if not task_ids:
            return {}
        ids = json.dumps([task_id.value for task_id in task_ids])
        with self._pool.connection() as connection:
            dialect = connection.dialect
            rows = connection.all(dialect.sql.task_get_many, (ids,))
            return {task.id: task for task in (task_from_row(row, dialect) for row in rows)}
