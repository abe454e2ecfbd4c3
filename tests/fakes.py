"""In-memory fakes of the core's ports, for the core's unit tests: fast, no I/O.

The task/user/token storage fakes are the shipped ``selteq_core.memory`` adapters; the
ones here stand in for cryptography and add fault injection.
"""

from __future__ import annotations

import base64
import json
from collections import Counter
from collections.abc import Sequence
from types import TracebackType

import attrs

from selteq_core import (
    AuditLog,
    AuthenticationFailed,
    IdempotencyKey,
    IdempotencyKeyStore,
    KeyedCreate,
    LoginThrottle,
    Password,
    PasswordAssessment,
    PasswordHasher,
    PasswordStrength,
    RateLimited,
    RefreshTokenStore,
    SignupThrottle,
    Task,
    TaskBatchReader,
    TaskLog,
    TaskRepository,
    TokenClaims,
    TokenCodec,
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
