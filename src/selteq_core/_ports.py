"""Ports: what the use-cases need from the outside world, as typing.Protocols.

Adapters (and the fakes in the tests) subclass these so mypy checks every signature.
They speak domain types only; no driver type ever crosses them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from types import TracebackType
from typing import Protocol

from ._audit import AuditEntry
from ._entities import KeyedCreate, RefreshRecord, Task, TokenClaims, User
from ._paging import TaskQuery
from ._password_rule import PasswordAssessment
from ._sorting import SortKey, StaffTaskOrder, UserQuery
from ._values import Duration, IdempotencyKey, Password, TaskId, Title, UserId, Username


class Clock(Protocol):
    """Where time comes from; the core never asks the system itself."""

    def now(self) -> datetime:
        """The current time, aware, in UTC."""
        ...


class TaskRepository(Protocol):
    def add(self, owner_id: UserId, title: Title, duration: Duration, at: datetime) -> Task:
        """Store a new task and return it with its assigned id."""
        ...

    def add_many(self, tasks: Sequence[tuple[UserId, Title, Duration]], at: datetime) -> list[Task]:
        """Store several new tasks, all created ``at``, in one statement; each returned with
        its assigned id, in the order given."""
        ...

    def get(self, task_id: TaskId) -> Task | None: ...

    def recent(self, owner_id: UserId, limit: int) -> list[Task]:
        """The owner's newest tasks, newest first (created_at, then id, descending)."""
        ...

    def update(self, task: Task, expected: Task | None = None) -> bool:
        """Write the task's title and updated_at; False when the task no longer exists or,
        with ``expected``, is no longer stored as ``expected`` (checked in the same write,
        so a concurrent change is never overwritten)."""
        ...

    def remove(self, task_id: TaskId, expected: Task | None = None) -> bool:
        """Delete the task; False when it did not exist or, with ``expected``, is no longer
        stored as ``expected``."""
        ...

    def page(self, after: TaskId | None, owner_id: UserId | None, limit: int) -> list[Task]:
        """Up to ``limit`` tasks with an id above ``after``, in id order (keyset paging)."""
        ...

    def newest(self, query: TaskQuery, limit: int) -> list[Task]:
        """Up to ``limit`` tasks that match the query, newest first (created_at, then id,
        descending), all older than ``query.before`` when it is given. The title search
        is a case-insensitive substring in which ``%``, ``_`` and the like match only
        themselves."""
        ...

    def newest_named(self, query: TaskQuery, limit: int) -> list[tuple[Task, Username]]:
        """``newest``, each task with its owner's username, read in the same statement."""
        ...

    def sorted_named(
        self, query: TaskQuery, order: StaffTaskOrder, after: SortKey | None, limit: int
    ) -> list[tuple[Task, Username]]:
        """Up to ``limit`` tasks that match the query's filters (as in ``newest``; its
        cursor and order are not looked at), each with its owner's username, in ``order``
        (ties by id in the same direction), strictly after ``after`` in that order."""
        ...

    def ordered(self, query: TaskQuery, limit: int) -> list[Task]:
        """Up to ``limit`` of ``query.owner``'s tasks whose title holds
        ``query.title_contains`` (as in ``newest``), in ``query.order``, strictly after
        ``query.before`` in that order (its own order and direction are not looked at).
        The owner is required; the creation window is not offered here."""
        ...

    def count(self, owner_id: UserId, title_contains: str = "") -> int:
        """How many of the owner's tasks hold ``title_contains`` (as in ``newest``; empty:
        all of them)."""
        ...

    def count_matching(self, query: TaskQuery) -> int:
        """How many tasks ``newest`` would list for the query without paging (its cursor
        and order are not looked at)."""
        ...


class TaskBatchReader(Protocol):
    """An optional capability, not part of the unit of work: some stores can read the
    newest tasks of several owners in one round trip. An adapter that serves many list
    requests at once may use it when the store offers one; a store that does not is
    still a complete implementation of the core."""

    def recent_by_owner(self, owner_ids: Sequence[UserId], limit: int) -> dict[UserId, list[Task]]:
        """``TaskRepository.recent`` for each owner: every owner asked for is a key (an owner
        without tasks maps to an empty list), each list ordered as ``recent``'s."""
        ...

    def by_ids(self, task_ids: Sequence[TaskId]) -> dict[TaskId, Task]:
        """``TaskRepository.get`` for several ids: each stored task asked for, by its id (an
        id without a task is not a key)."""
        ...


class UserRepository(Protocol):
    def add(
        self, username: Username, password_hash: str, at: datetime, *, is_staff: bool = False
    ) -> User:
        """Store a new active user; raises Conflict when the username is taken."""
        ...

    def get(self, user_id: UserId) -> User | None: ...

    def by_username(self, username: Username) -> User | None: ...

    def set_password_hash(self, user_id: UserId, password_hash: str, at: datetime) -> None: ...

    def page(
        self,
        search: str,
        after: UserId | None,
        limit: int,
        *,
        active: bool | None = None,
        staff: bool | None = None,
    ) -> list[User]:
        """Up to ``limit`` users with an id above ``after``, in id order, whose username
        holds ``search`` (case-insensitive, wildcards matching only themselves; empty:
        every user), and whose active and staff flags are as given (None: either)."""
        ...

    def count(self, search: str, *, active: bool | None = None, staff: bool | None = None) -> int:
        """How many users ``page`` would list with these filters, without paging."""
        ...

    def sorted(self, query: UserQuery, limit: int) -> list[tuple[User, int]]:
        """Up to ``limit`` users that match the query (as ``page`` filters), in
        ``query.order`` (ties by id in the same direction) strictly after ``query.after``,
        each with how many tasks they have."""
        ...

    def set_staff(self, user_id: UserId, staff: bool, at: datetime) -> bool:
        """Set the staff flag (and updated_at); False when the user does not exist."""
        ...

    def set_active(self, user_id: UserId, active: bool, at: datetime) -> bool:
        """Set the active flag (and updated_at); False when the user does not exist."""
        ...

    def remove(self, user_id: UserId) -> bool:
        """Delete the user, their tasks and refresh tokens with them; False when absent."""
        ...

    def active_staff(self) -> int:
        """How many staff users are active."""
        ...


class RefreshTokenStore(Protocol):
    def add(self, record: RefreshRecord, at: datetime) -> None: ...

    def get(self, jti: str) -> RefreshRecord | None: ...

    def mark_used(self, jti: str, at: datetime) -> bool:
        """Atomically flip the token to used; False when it was already used (a replay) or
        its family was revoked meanwhile (a logout racing this refresh)."""
        ...

    def revoke_family(self, family: str, at: datetime) -> int:
        """Revoke every token of the family; returns how many were revoked."""
        ...

    def revoke_user(self, user_id: UserId, at: datetime, keep_family: str | None = None) -> int:
        """Revoke every token of every family of the user but ``keep_family``; returns how
        many were revoked."""
        ...


class IdempotencyKeyStore(Protocol):
    """The keyed creates of the last while, written in the same transaction as the task."""

    def get(self, owner_id: UserId, key: IdempotencyKey) -> KeyedCreate | None: ...

    def add(self, record: KeyedCreate) -> None:
        """Remember the create; raise Conflict when the owner already holds the key (a
        concurrent create with it committed first)."""
        ...

    def remove(self, owner_id: UserId, key: IdempotencyKey) -> None:
        """Forget the key (it expired), so it can stand for a new create."""
        ...

    def purge(self, before: datetime, limit: int) -> int:
        """Forget up to ``limit`` keys whose create was made before ``before``, oldest
        first; how many were forgotten (fewer than ``limit`` once none is left)."""
        ...


class AuditLog(Protocol):
    """What staff did, kept in the same transaction as the deed."""

    def add(self, entry: AuditEntry) -> None:
        """Keep the entry (its ``id`` is ignored: the store assigns one)."""
        ...

    def page(self, before: int | None, limit: int) -> list[AuditEntry]:
        """Up to ``limit`` entries with an id below ``before`` (None: from the newest),
        newest first."""
        ...


class UnitOfWork(Protocol):
    """One transaction: ``with uow: ... uow.commit()``; leaving without commit rolls back."""

    @property
    def tasks(self) -> TaskRepository: ...

    @property
    def users(self) -> UserRepository: ...

    @property
    def refresh_tokens(self) -> RefreshTokenStore: ...

    @property
    def idempotency_keys(self) -> IdempotencyKeyStore: ...

    @property
    def audit(self) -> AuditLog: ...

    def __enter__(self) -> UnitOfWork: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    def commit(self) -> None: ...


UnitOfWorkFactory = Callable[[], UnitOfWork]
"""Makes a fresh unit of work; each use-case call opens its own."""


class PasswordHasher(Protocol):
    def hash(self, password: Password) -> str: ...

    def verify(self, password_hash: str | None, password: Password) -> bool:
        """True when the password matches. With ``None`` (no such user) it spends the same
        time as a real check and returns False, so a username cannot be probed by timing."""
        ...

    def needs_rehash(self, password_hash: str) -> bool:
        """True when the hash was made with other parameters than the current ones."""
        ...


class PasswordStrength(Protocol):
    """Estimates how hard a password is to guess (a strength library, such as zxcvbn);
    the core decides what is strong enough."""

    def assess(self, password: str, hints: Sequence[str]) -> PasswordAssessment:
        """The password's strength, counting ``hints`` (the username, say) as guessable."""
        ...


class TokenCodec(Protocol):
    def encode(self, claims: TokenClaims) -> str: ...

    def decode(self, token: str) -> TokenClaims:
        """Check the signature, the pinned algorithm, issuer, audience and that every claim is
        present; raise AuthenticationFailed otherwise. Time is checked by the core."""
        ...


class LoginThrottle(Protocol):
    """Counts failed logins per client address and username, and per client address.

    The rules an adapter keeps: only failures count; a success clears that address and
    username's count (not the address's); nothing is ever counted per username alone, so
    failures from one address never refuse the same username from another address."""

    def check(self, client: str, username: str) -> None:
        """Raise RateLimited when either limit is already spent."""
        ...

    def failed(self, client: str, username: str) -> None: ...

    def succeeded(self, client: str, username: str) -> None: ...


class TaskLog(Protocol):
    """Where reports of tasks go (a log, a file, a queue): one record per task."""

    def task(self, task: Task) -> None: ...

    def summary(self, owner_id: UserId | None, count: int) -> None:
        """After a report: how many tasks it held (``owner_id`` None: every owner's)."""
        ...


class TickLock(Protocol):
    """Lets exactly one of several replicas act on a tick of a shared schedule."""

    def acquire(self, name: str, tick: str, ttl: int) -> bool:
        """True for exactly one caller per (name, tick) for ``ttl`` seconds."""
        ...


class SignupThrottle(Protocol):
    """Counts sign-up attempts per client address."""

    def hit(self, client: str) -> None:
        """Count one attempt from the client, or raise RateLimited (counting nothing) when
        its allowance is spent. Checking and counting are one step, so concurrent attempts
        cannot overshoot the limit."""
        ...
