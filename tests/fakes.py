"""In-memory fakes of the core's ports, for the core's unit tests: fast, no I/O.

The task/user/token storage fakes are the shipped ``selteq_core.memory`` adapters; the
ones here stand in for cryptography and add fault injection.
"""

from __future__ import annotations

import base64
import json
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from types import TracebackType
from typing import Any

import attrs

from selteq_core import (
    AuditLog,
    AuthenticationFailed,
    Conflict,
    DeadLetter,
    DeadLetterQueue,
    IdempotencyKey,
    IdempotencyKeyStore,
    InvalidField,
    Job,
    JobDispatcher,
    JobRun,
    JobRunStore,
    JobsUnitOfWork,
    KeyedCreate,
    LoginThrottle,
    Password,
    PasswordAssessment,
    PasswordHasher,
    PasswordStrength,
    RateLimited,
    RefreshTokenStore,
    RunQuery,
    Schedule,
    ScheduleId,
    ScheduleRepository,
    SignupThrottle,
    Task,
    TaskBatchReader,
    TaskId,
    TaskLog,
    TaskRepository,
    TickLock,
    TokenClaims,
    TokenCodec,
    Trigger,
    TriggerCalendar,
    Unavailable,
    UnitOfWork,
    UnitOfWorkFactory,
    UserId,
    Username,
    UserRepository,
)
from selteq_core.memory import InMemoryDatabase, InMemoryUnitOfWork


class FakeHasher(PasswordHasher):
    """Reversible 'hashes' tagged with a version, so rehash-on-login can be observed."""

    def __init__(self, version: int = 1) -> None:
        self.version = version
        self.verified: list[str | None] = []
        self.hashed = 0

    def hash(self, password: Password) -> str:
        self.hashed += 1
        return f"fake-v{self.version}${password.value}"

    def verify(self, password_hash: str | None, password: Password) -> bool:
        self.verified.append(password_hash)
        if password_hash is None:
            return False
        return password_hash.split("$", 1)[1] == password.value

    def needs_rehash(self, password_hash: str) -> bool:
        return not password_hash.startswith(f"fake-v{self.version}$")


class FakeTokenCodec(TokenCodec):
    """Claims as base64 JSON with a fixed 'signature'; tampering breaks the signature."""

    SIGNATURE = "fake-signature"

    def encode(self, claims: TokenClaims) -> str:
        body = json.dumps(attrs.asdict(claims), sort_keys=True).encode()
        return base64.urlsafe_b64encode(body).decode() + "." + self.SIGNATURE

    def decode(self, token: str) -> TokenClaims:
        try:
            body, signature = token.split(".")
            if signature != self.SIGNATURE:
                raise ValueError("bad signature")
            return TokenClaims(**json.loads(base64.urlsafe_b64decode(body)))
        except (ValueError, TypeError) as exc:
            raise AuthenticationFailed("invalid token") from exc


class FakeThrottle(LoginThrottle):
    """Allows ``limit`` failures per (client, username), then refuses."""

    def __init__(self, limit: int = 3) -> None:
        self.limit = limit
        self.failures: Counter[tuple[str, str]] = Counter()

    def check(self, client: str, username: str) -> None:
        if self.failures[(client, username)] >= self.limit:
            raise RateLimited(60)

    def failed(self, client: str, username: str) -> None:
        self.failures[(client, username)] += 1

    def succeeded(self, client: str, username: str) -> None:
        self.failures.pop((client, username), None)


class FakeSignupThrottle(SignupThrottle):
    """Allows ``limit`` sign-up attempts per client, then refuses without counting."""

    def __init__(self, limit: int = 3) -> None:
        self.limit = limit
        self.hits: Counter[str] = Counter()

    def hit(self, client: str) -> None:
        if self.hits[client] >= self.limit:
            raise RateLimited(3600, "too many sign-ups")
        self.hits[client] += 1


class _Faulty:
    """Wraps a repository and raises Unavailable once the shared budget of calls is spent."""

    def __init__(self, inner: object, budget: list[int]) -> None:
        self._inner, self._budget = inner, budget

    def __getattr__(self, name: str) -> object:
        method = getattr(self._inner, name)

        def call(*args: object, **kwargs: object) -> object:
            if self._budget[0] <= 0:
                raise Unavailable("connection dropped (injected)")
            self._budget[0] -= 1
            return method(*args, **kwargs)

        return call


class RacingSignupUnitOfWork(InMemoryUnitOfWork):
    """Its users repository never finds a name, as when another sign-up commits the same
    name between the use-case's check and its insert: only the store's constraint is left."""

    @property
    def users(self) -> UserRepository:
        return _Blind(super().users)  # type: ignore[return-value]


class RacingKeyUnitOfWork(InMemoryUnitOfWork):
    """Its key store finds nothing the first ``blind`` times it is asked, as when another
    create with the same key commits between the use-case's read and its insert."""

    def __init__(self, db: InMemoryDatabase, blind: list[int]) -> None:
        super().__init__(db)
        self._blind = blind

    @property
    def idempotency_keys(self) -> IdempotencyKeyStore:
        return _BlindKeys(super().idempotency_keys, self._blind)  # type: ignore[return-value]


class _BlindKeys:
    def __init__(self, inner: IdempotencyKeyStore, blind: list[int]) -> None:
        self._inner, self._blind = inner, blind

    def get(self, owner_id: UserId, key: IdempotencyKey) -> KeyedCreate | None:
        if self._blind[0] > 0:
            self._blind[0] -= 1
            return None
        return self._inner.get(owner_id, key)

    def __getattr__(self, name: str) -> object:
        return getattr(self._inner, name)


class _Blind:
    def __init__(self, inner: UserRepository) -> None:
        self._inner = inner

    def by_username(self, username: Username) -> None:
        return None

    def __getattr__(self, name: str) -> object:
        return getattr(self._inner, name)


class FaultyUnitOfWork(UnitOfWork):
    """An in-memory unit of work whose repositories fail after ``calls`` successful calls:
    a connection that drops half-way through a use-case."""

    def __init__(self, db: InMemoryDatabase, calls: int) -> None:
        self._inner = InMemoryUnitOfWork(db)
        self._budget = [calls]

    @property
    def tasks(self) -> TaskRepository:
        return _Faulty(self._inner.tasks, self._budget)  # type: ignore[return-value]

    @property
    def users(self) -> UserRepository:
        return _Faulty(self._inner.users, self._budget)  # type: ignore[return-value]

    @property
    def refresh_tokens(self) -> RefreshTokenStore:
        return _Faulty(self._inner.refresh_tokens, self._budget)  # type: ignore[return-value]

    @property
    def idempotency_keys(self) -> IdempotencyKeyStore:
        return _Faulty(self._inner.idempotency_keys, self._budget)  # type: ignore[return-value]

    @property
    def audit(self) -> AuditLog:
        return _Faulty(self._inner.audit, self._budget)  # type: ignore[return-value]

    def __enter__(self) -> FaultyUnitOfWork:
        self._inner.__enter__()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._inner.__exit__(exc_type, exc, tb)

    def commit(self) -> None:
        if self._budget[0] <= 0:
            raise Unavailable("connection dropped before commit (injected)")
        self._inner.commit()


class FakeTaskBatchReader(TaskBatchReader):
    """The optional batch read over a unit-of-work factory: each owner's ``recent``, and a
    count of how many batch reads were asked for."""

    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._uow = uow
        self.reads = 0

    def recent_by_owner(self, owner_ids: Sequence[UserId], limit: int) -> dict[UserId, list[Task]]:
        self.reads += 1
        with self._uow() as uow:
            return {owner: uow.tasks.recent(owner, limit) for owner in owner_ids}

    def by_ids(self, task_ids: Sequence[TaskId]) -> dict[TaskId, Task]:
        self.reads += 1
        with self._uow() as uow:
            found = (uow.tasks.get(task_id) for task_id in task_ids)
            return {task.id: task for task in found if task is not None}


class FakeTaskLog(TaskLog):
    """Keeps what a report wrote, in order."""

    def __init__(self) -> None:
        self.tasks: list[Task] = []
        self.summaries: list[tuple[UserId | None, int]] = []

    def task(self, task: Task) -> None:
        self.tasks.append(task)

    def summary(self, owner_id: UserId | None, count: int) -> None:
        self.summaries.append((owner_id, count))


class FakePasswordStrength(PasswordStrength):
    """Scores by length alone (a point per four characters, at most 4), a listed password
    or one holding a hint 0; remembers what it was asked."""

    COMMON = frozenset({"password", "12345678", "qwertyuiop", "iloveyou"})

    def __init__(self) -> None:
        self.asked: list[tuple[str, list[str]]] = []

    def assess(self, password: str, hints: Sequence[str]) -> PasswordAssessment:
        self.asked.append((password, list(hints)))
        lowered = password.lower()
        if lowered in self.COMMON or any(h and h.lower() in lowered for h in hints):
            return PasswordAssessment(0, "This is a very common password.", ("Add a word.",))
        return PasswordAssessment(min(4, len(password) // 4))


# --- jobs: schedules, runs, the trigger calendar, the dispatcher, dead letters ---------


@attrs.define
class FakeJobsTables:
    schedules: dict[int, Schedule] = attrs.Factory(dict)
    runs: dict[str, JobRun] = attrs.Factory(dict)
    next_id: int = 1

    def copy(self) -> FakeJobsTables:
        return FakeJobsTables(dict(self.schedules), dict(self.runs), self.next_id)


class FakeJobsStore:
    """The schedules and runs of an in-memory store; ``unit_of_work`` is the factory."""

    def __init__(self, db: InMemoryDatabase | None = None) -> None:
        self.db = db or InMemoryDatabase()
        self.tables = FakeJobsTables()

    def unit_of_work(self) -> FakeJobsUnitOfWork:
        return FakeJobsUnitOfWork(self)


class _FakeSchedules(ScheduleRepository):
    def __init__(self, tables: FakeJobsTables) -> None:
        self._t = tables

    def add(
        self, job: Job, trigger: Trigger, enabled: bool, next_due_at: datetime | None, at: datetime
    ) -> Schedule:
        made = Schedule(
            ScheduleId(self._t.next_id), job, trigger, enabled, next_due_at, False, at, at
        )
        self._t.next_id += 1
        self._t.schedules[made.id.value] = made
        return made

    def get(self, schedule_id: ScheduleId) -> Schedule | None:
        return self._t.schedules.get(schedule_id.value)

    def all(self) -> list[Schedule]:
        return [self._t.schedules[k] for k in sorted(self._t.schedules)]

    def due(self, now: datetime, limit: int) -> list[Schedule]:
        due = [
            s for s in self.all() if s.enabled and (s.next_due_at is None or s.next_due_at <= now)
        ]
        due.sort(key=lambda s: (s.next_due_at is not None, s.next_due_at or now, s.id.value))
        return due[:limit]

    def update(self, schedule: Schedule, expected: Schedule) -> bool:
        stored = self._t.schedules.get(schedule.id.value)
        if stored is None or stored.updated_at != expected.updated_at:
            return False
        self._t.schedules[schedule.id.value] = schedule
        return True

    def advance(
        self, schedule_id: ScheduleId, due_at: datetime | None, next_due_at: datetime | None
    ) -> bool:
        stored = self._t.schedules.get(schedule_id.value)
        if stored is None or stored.next_due_at != due_at:
            return False
        self._t.schedules[schedule_id.value] = attrs.evolve(stored, next_due_at=next_due_at)
        return True

    def remove(self, schedule_id: ScheduleId) -> bool:
        return self._t.schedules.pop(schedule_id.value, None) is not None


class _FakeRuns(JobRunStore):
    def __init__(self, tables: FakeJobsTables) -> None:
        self._t = tables

    def add(self, run: JobRun) -> None:
        if run.id in self._t.runs:
            raise Conflict("run already recorded")
        self._t.runs[run.id] = run

    def get(self, run_id: str) -> JobRun | None:
        return self._t.runs.get(run_id)

    def save(self, run: JobRun) -> bool:
        if run.id not in self._t.runs:
            return False
        self._t.runs[run.id] = run
        return True

    def newest(
        self, query: RunQuery, before: tuple[datetime, str] | None, limit: int
    ) -> list[JobRun]:
        found = [
            r
            for r in self._t.runs.values()
            if (query.schedule_id is None or r.schedule_id == query.schedule_id)
            and (query.outcome is None or r.outcome == query.outcome)
            and (query.since is None or r.queued_at >= query.since)
            and (query.until is None or r.queued_at < query.until)
            and (before is None or (r.queued_at, r.id) < before)
        ]
        found.sort(key=lambda r: (r.queued_at, r.id), reverse=True)
        return found[:limit]

    def purge(self, before: datetime, limit: int) -> int:
        old = sorted(
            (r for r in self._t.runs.values() if r.queued_at < before), key=lambda r: r.queued_at
        )
        for run in old[:limit]:
            del self._t.runs[run.id]
        return len(old[:limit])


class FakeJobsUnitOfWork(InMemoryUnitOfWork, JobsUnitOfWork):
    """The in-memory unit of work with schedules and runs; both become visible on commit."""

    def __init__(self, store: FakeJobsStore) -> None:
        self._store = store
        super().__init__(store.db)
        self._jobs = store.tables.copy()

    @property
    def schedules(self) -> ScheduleRepository:
        return _FakeSchedules(self._jobs)

    @property
    def runs(self) -> JobRunStore:
        return _FakeRuns(self._jobs)

    def __enter__(self) -> FakeJobsUnitOfWork:
        super().__enter__()
        self._jobs = self._store.tables.copy()
        return self

    def commit(self) -> None:
        super().commit()
        self._store.tables = self._jobs.copy()


class FakeTriggerCalendar(TriggerCalendar):
    """Intervals aligned to the epoch; cron only as ``M H * * *`` in UTC. ``never`` as the
    expression never fires; a zone other than UTC is unknown; anything else does not parse."""

    def next_after(self, trigger: Trigger, after: datetime) -> datetime | None:
        epoch = datetime(1970, 1, 1, tzinfo=UTC)
        if trigger.kind == "every":
            step = timedelta(seconds=trigger.every_seconds or 1)
            return epoch + ((after - epoch) // step + 1) * step
        if trigger.timezone != "UTC":
            raise InvalidField("timezone", "unknown time zone")
        if trigger.cron == "0 0 30 2 *":
            return None
        minute, hour, *rest = (trigger.cron or "").split(" ")
        if rest != ["*", "*", "*"] or not (minute.isdigit() and hour.isdigit()):
            raise InvalidField("cron", "does not parse")
        at = after.replace(hour=int(hour), minute=int(minute), second=0, microsecond=0)
        return at if at > after else at + timedelta(days=1)


class FakeTickLock(TickLock):
    """Every (name, tick) once, forever; ``down`` makes it unreachable."""

    def __init__(self) -> None:
        self.taken: set[tuple[str, str]] = set()
        self.down = False

    def acquire(self, name: str, tick: str, ttl: int) -> bool:
        if self.down:
            raise Unavailable("lock unreachable (injected)")
        if (name, tick) in self.taken:
            return False
        self.taken.add((name, tick))
        return True


class FakeDispatcher(JobDispatcher):
    """Keeps what was dispatched; ``down`` makes it unreachable."""

    def __init__(self) -> None:
        self.sent: list[JobRun] = []
        self.down = False

    def dispatch(self, run: JobRun) -> None:
        if self.down:
            raise Unavailable("broker unreachable (injected)")
        self.sent.append(run)


class FakeDeadLetters(DeadLetterQueue):
    """Dead letters in a list; replayed ones are kept in ``replayed``."""

    def __init__(self, letters: Sequence[DeadLetter] = ()) -> None:
        self.letters = list(letters)
        self.replayed: list[DeadLetter] = []

    def list(self, limit: int) -> list[DeadLetter]:
        return sorted(self.letters, key=lambda d: d.failed_at, reverse=True)[:limit]

    def _take(self, letter_id: str) -> DeadLetter | None:
        for letter in self.letters:
            if letter.id == letter_id:
                self.letters.remove(letter)
                return letter
        return None

    def replay(self, letter_id: str) -> bool:
        letter = self._take(letter_id)
        if letter is not None:
            self.replayed.append(letter)
        return letter is not None

    def discard(self, letter_id: str) -> bool:
        return self._take(letter_id) is not None

    def replay_all(self) -> int:
        count = len(self.letters)
        self.replayed += self.letters
        self.letters = []
        return count

    def discard_all(self) -> int:
        count, self.letters = len(self.letters), []
        return count


class RefusingManyUnitOfWork:
    """A unit-of-work factory over ``inner`` whose units refuse ``add_many`` with ``error``
    before writing anything (a shared write the store turns down); the rest is the inner
    unit's own."""

    def __init__(self, inner: UnitOfWorkFactory, error: Exception) -> None:
        self._inner = inner
        self._error = error

    def __call__(self) -> UnitOfWork:
        return _RefusingMany(self._inner(), self._error)  # type: ignore[return-value]


class _RefusingMany:
    def __init__(self, inner: UnitOfWork, error: Exception) -> None:
        self._inner, self._error = inner, error

    @property
    def tasks(self) -> TaskRepository:
        return _RefusingTasks(self._inner.tasks, self._error)  # type: ignore[return-value]

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    def __enter__(self) -> _RefusingMany:
        self._inner.__enter__()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._inner.__exit__(*exc)


class _RefusingTasks:
    def __init__(self, inner: TaskRepository, error: Exception) -> None:
        self._inner, self._error = inner, error

    def add_many(self, *_: Any) -> list[Task]:
        raise self._error

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)
