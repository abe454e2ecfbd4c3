"""Seeding through the project's own adapters: migrate, bulk-insert users and tasks.

Every user gets the same password, hashed once with the real argon2id hasher, so seeding
1,000 users costs one hash instead of a thousand. Tasks go round-robin over the users with
increasing timestamps, in chunks, so the table can grow from one size to the next.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from selteq_adapters.container import Container, bootstrap
from selteq_adapters.settings import Settings
from selteq_core import Password, TokenClaims

if TYPE_CHECKING:
    from .provision import BenchDatabase

CHUNK = 50_000
EPOCH = datetime(2024, 1, 1, tzinfo=UTC)


def username(n: int) -> str:
    return f"bench-user-{n:05d}"


class Seeder:
    """Owns the run's container (built from the same settings as the server)."""

    def __init__(self, settings: Settings, users: int, password: str) -> None:
        self.settings, self.users, self.password = settings, users, password
        self.container: Container = bootstrap(settings)
        self.tasks = 0
        self.user_ids: list[int] = []
        self.seconds = 0.0

    def close(self) -> None:
        self.container.close()

    def prepare(self) -> None:
        """Migrate the empty database and insert the users with one shared hash."""
        started = time.perf_counter()
        database = self.container.database
        database.migrate()
        password_hash = self.container.hasher.hash(Password(self.password))
        self.user_ids = database.bulk_insert_users(
            (username(n), password_hash, EPOCH) for n in range(1, self.users + 1)
        )
        self.seconds += time.perf_counter() - started

    def _rows(self, start: int, stop: int) -> Iterator[tuple[int, str, int, datetime, datetime]]:
        for n in range(start, stop):
            at = EPOCH + timedelta(seconds=n)
            yield (self.user_ids[n % self.users], f"seed task {n}", n % 240 + 1, at, at)

    def grow_to(self, tasks: int) -> None:
        """Insert seeded tasks until there are ``tasks`` of them."""
        started = time.perf_counter()
        while self.tasks < tasks:
            stop = min(tasks, self.tasks + CHUNK)
            self.container.database.bulk_insert_tasks(self._rows(self.tasks, stop))
            self.tasks = stop
        self.seconds += time.perf_counter() - started

    def token(self, user_id: int, ttl: int) -> str:
        """An access token for the user, signed with the project's codec and the run's
        secret: the server checks it like any token from a login, without the argon2 cost."""
        now = int(time.time())
        claims = TokenClaims(
            sub=str(user_id), typ="access", jti=secrets.token_urlsafe(18), iat=now, exp=now + ttl
        )
        return self.container.codec.encode(claims)

    def write_fixtures(self, path: Path, ttl: int) -> int:
        """One line per user owning a task: name, a fresh access token, their newest task
        ids. Tokens are minted rather than bought with 1,000 logins (minutes of argon2)."""
        recent = self.container.list_recent_tasks
        lines = []
        for n, user_id in enumerate(self.user_ids, start=1):
            ids = ",".join(str(task.id.value) for task in recent(user_id))
            if ids:
                lines.append(f"{username(n)}\t{self.token(user_id, ttl)}\t{ids}\n")
        path.write_text("".join(lines))
        return len(lines)


def seed_for_load(
    settings: Settings, db: BenchDatabase, users: int, tasks: int, fixtures: Path, ttl: int
) -> str:
    """Seed ``users`` and ``tasks``, settle the database and write wrk's fixtures file, for
    the tools that load one size (``bench.whatif``, ``bench.profile``); the password."""
    seeder = Seeder(settings, users, secrets.token_urlsafe(12))
    try:
        seeder.prepare()
        seeder.grow_to(tasks)
        db.settle()
        seeder.write_fixtures(fixtures, ttl)
    finally:
        seeder.close()
    return seeder.password
