"""Task use-cases. Each is a small frozen object: ports as fields, one call."""

from __future__ import annotations

import contextlib
from collections.abc import Collection, Iterator, Sequence

import attrs

from ._entities import Task
from ._errors import InvalidField, NotFound, PreconditionFailed, SelteqError, Unavailable
from ._idempotency import create_once, fingerprint
from ._paging import TaskPage
from ._ports import Clock, TaskBatchReader, TaskLog, UnitOfWorkFactory
from ._validation import parse_all
from ._values import Duration, IdempotencyKey, TaskId, Title, UserId, require_utc

DEFAULT_RECENT = 4
"""How many tasks a list shows when the caller names no page size: the API's page."""


def _task_id(value: int) -> TaskId:
    try:
        return TaskId(value)
    except InvalidField:
        raise NotFound("task") from None


def _owned(task: Task | None, user: UserId) -> Task:
    if task is None or not task.owned_by(user):
        raise NotFound("task")
    return task


ANY_VERSION = "*"


def _expected(task: Task, if_match: Collection[str] | None) -> Task | None:
    """The task a conditional write must still find stored, or None for an unconditional
    one; PreconditionFailed when the caller's versions do not include the task's."""
    if if_match is None:
        return None
    if ANY_VERSION not in if_match and task.version not in if_match:
        raise PreconditionFailed()
    return task


def _task_fields(title: str, duration: int) -> tuple[Title, Duration]:
    """Both fields checked, every bad one named at once."""
    return parse_all(lambda: Title(title), lambda: Duration(duration))


@attrs.frozen
class CreateTask:
    """A user creates a task with a title and a duration in minutes; both are validated.
    With an idempotency key, the same request again within 24 hours answers the task the
    first one made and creates nothing; another request with the key is refused."""

    uow: UnitOfWorkFactory
    clock: Clock

    def __call__(
        self, user_id: int, title: str, duration: int, idempotency_key: str | None = None
    ) -> Task:
        valid_title, valid_duration = _task_fields(title, duration)
        now = require_utc(self.clock.now())
        if idempotency_key is not None:
            key = IdempotencyKey(idempotency_key)
            asked = fingerprint(title, duration)
            fields = (valid_title, valid_duration)
            return create_once(self.uow, UserId(user_id), key, asked, fields, now)
        with self.uow() as uow:
            task = uow.tasks.add(UserId(user_id), valid_title, valid_duration, now)
            uow.commit()
        return task


@attrs.frozen(eq=False)
class NewTask:
    """One request's create without an idempotency key, as ``CreateTasksBatch`` takes it.
    Two requests are two tasks even when they ask the same: each is equal only to itself."""

    user_id: int
    title: str
    duration: int


@attrs.frozen
class CreateTasksBatch:
    """``CreateTask`` without idempotency keys for several requests, in one transaction and
    one statement: each gets what ``CreateTask`` would have given it alone, its new task or
    the error. Fields are checked per request first, so one request's bad title fails only
    that request. When the shared write is refused (a store's own refusal, say an owner
    deleted meanwhile), nothing of it was kept and each request is created alone, so one
    request's refusal is never another's; an unavailable store fails them all, as it would
    have failed each alone."""

    uow: UnitOfWorkFactory
    clock: Clock

    def __call__(self, asks: Sequence[NewTask]) -> dict[NewTask, Task | SelteqError]:
        outcome: dict[NewTask, Task | SelteqError] = {}
        valid: dict[NewTask, tuple[UserId, Title, Duration]] = {}
        for ask in dict.fromkeys(asks):
            try:
                title, duration = _task_fields(ask.title, ask.duration)
                valid[ask] = (UserId(ask.user_id), title, duration)
            except SelteqError as error:
                outcome[ask] = error
        if valid:
            now = require_utc(self.clock.now())
            try:
                with self.uow() as uow:
                    made = uow.tasks.add_many(list(valid.values()), now)
                    uow.commit()
            except Unavailable as error:
                outcome.update(dict.fromkeys(valid, error))
            except SelteqError:
                outcome.update(self._alone(list(valid)))
            else:
                outcome.update(zip(valid, made, strict=True))
        return {ask: outcome[ask] for ask in dict.fromkeys(asks)}

    def _alone(self, asks: list[NewTask]) -> dict[NewTask, Task | SelteqError]:
        create = CreateTask(self.uow, self.clock)
        alone: dict[NewTask, Task | SelteqError] = {}
        for ask in asks:
            try:
                alone[ask] = create(ask.user_id, ask.title, ask.duration)
            except SelteqError as error:
                alone[ask] = error
        return alone


@attrs.frozen
class ListRecentTasks:
    """A user sees their own newest tasks, newest first: the last 4 unless told otherwise."""

    uow: UnitOfWorkFactory
    limit: int = DEFAULT_RECENT

    def __call__(self, user_id: int) -> list[Task]:
        with self.uow() as uow:
            return uow.tasks.recent(UserId(user_id), self.limit)


@attrs.frozen
class ListRecentTasksBatch:
    """The first page of ``ListTaskPage`` for several users in one read, through a store's
    optional batch capability: each user gets exactly the page ``ListTaskPage`` would have
    given them (the newest tasks and the next page's token), cut by the same rule
    (``TaskPage.of``). Every id is validated before anything is read."""

    reader: TaskBatchReader
    limit: int = DEFAULT_RECENT

    def __call__(self, user_ids: Sequence[int]) -> dict[int, TaskPage]:
        owners = [UserId(user_id) for user_id in dict.fromkeys(user_ids)]
        if not owners:
            return {}
        # One row more than the page, so the page can tell whether an older one exists.
        found = self.reader.recent_by_owner(owners, self.limit + 1)
        return {owner.value: TaskPage.of(found.get(owner, []), self.limit) for owner in owners}


@attrs.frozen
class GetTasksBatch:
    """``GetTask`` for several callers in one read, through a store's optional batch
    capability: each (user, task) asked gets what ``GetTask`` would have given, the task or
    NotFound (a task the caller does not own, or none with that id). An id that cannot be a
    task's is NotFound without being read, so one bad ask never fails the others."""

    reader: TaskBatchReader

    def __call__(self, asks: Sequence[tuple[int, int]]) -> dict[tuple[int, int], Task | NotFound]:
        distinct = list(dict.fromkeys(asks))
        ids: dict[tuple[int, int], TaskId] = {}
        for ask in distinct:
            with contextlib.suppress(InvalidField):
                ids[ask] = TaskId(ask[1])
        found = self.reader.by_ids(list(dict.fromkeys(ids.values()))) if ids else {}
        outcome: dict[tuple[int, int], Task | NotFound] = {}
        for ask in distinct:
            task = found.get(ids[ask]) if ask in ids else None
            owned = task is not None and task.owned_by(UserId(ask[0]))
            outcome[ask] = task if owned and task is not None else NotFound("task")
        return outcome


@attrs.frozen
class GetTask:
    """A user reads one task. A task the caller does not own is not found, exactly like a
    task that does not exist."""

    uow: UnitOfWorkFactory

    def __call__(self, user_id: int, task_id: int) -> Task:
        with self.uow() as uow:
            return _owned(uow.tasks.get(_task_id(task_id)), UserId(user_id))


@attrs.frozen
class RenameTask:
    """A user renames their task. Only the title changes: a rename never touches the duration.
    A task the caller does not own is not found. With ``if_match`` (versions the caller
    saw, or ``*``), a task that has moved on is left as it is (PreconditionFailed)."""

    uow: UnitOfWorkFactory
    clock: Clock

    def __call__(
        self, user_id: int, task_id: int, title: str, if_match: Collection[str] | None = None
    ) -> Task:
        new_title = Title(title)
        ident = _task_id(task_id)
        with self.uow() as uow:
            task = _owned(uow.tasks.get(ident), UserId(user_id))
            expected = _expected(task, if_match)
            renamed = task.rename(new_title, require_utc(self.clock.now()))
            if not uow.tasks.update(renamed, expected):
                raise NotFound("task") if expected is None else PreconditionFailed()
            uow.commit()
        return renamed


@attrs.frozen
class DeleteTask:
    """A user deletes their task. A task the caller does not own is not found and stays.
    With ``if_match``, as for ``RenameTask``."""

    uow: UnitOfWorkFactory

    def __call__(self, user_id: int, task_id: int, if_match: Collection[str] | None = None) -> None:
        ident = _task_id(task_id)
        with self.uow() as uow:
            expected = _expected(_owned(uow.tasks.get(ident), UserId(user_id)), if_match)
            if not uow.tasks.remove(ident, expected):
                raise NotFound("task") if expected is None else PreconditionFailed()
            uow.commit()


@attrs.frozen
class ReportTasks:
    """Stream every task (or one user's) in id order, one short read per batch, so the
    memory a report needs depends on the batch size and never on the table's size."""

    uow: UnitOfWorkFactory
    batch_size: int = 1000

    def __call__(self, user_id: int | None = None) -> Iterator[Task]:
        if self.batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        owner = None if user_id is None else UserId(user_id)
        after: TaskId | None = None
        while True:
            with self.uow() as uow:
                batch = uow.tasks.page(after, owner, self.batch_size)
            yield from batch
            if len(batch) < self.batch_size:
                return
            after = batch[-1].id


@attrs.frozen
class LogTasks:
    """Write one record per task (every task, or one user's) to the task log, then a
    summary; the number of tasks. What the watcher does every tick and the minute job
    does for one user: a report only reads, so running it twice is harmless."""

    report: ReportTasks
    log: TaskLog

    def __call__(self, user_id: int | None = None) -> int:
        count = 0
        for task in self.report(user_id):
            self.log.task(task)
            count += 1
        self.log.summary(None if user_id is None else UserId(user_id), count)
        return count
