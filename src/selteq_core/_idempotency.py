"""Creating a task once per idempotency key: the rule of the IETF httpapi
Idempotency-Key draft, stated by the core so every store and edge keeps it alike.

The key is remembered in the same transaction as the task, so a task exists exactly when
its key does. Of two creates with one key at once, the store lets one add the key; the
other's transaction rolls back (its task with it) and it answers what the first stored.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timedelta

import attrs

from ._entities import KeyedCreate, Task
from ._errors import Conflict, KeyReused, Unavailable
from ._ports import Clock, UnitOfWorkFactory
from ._values import Duration, IdempotencyKey, Title, UserId, require_utc

KEY_TTL = timedelta(hours=24)
"""How long a key stands for its create; after that it may stand for a new one."""
_ATTEMPTS = 3


def fingerprint(title: str, duration: int) -> str:
    """The request as asked (before trimming): a retry must ask for exactly the same."""
    return hashlib.sha256(json.dumps([title, duration]).encode()).hexdigest()


def create_once(
    uow: UnitOfWorkFactory,
    owner: UserId,
    key: IdempotencyKey,
    asked: str,
    fields: tuple[Title, Duration],
    at: datetime,
    ttl: timedelta = KEY_TTL,
) -> Task:
    """The task this key made within ``ttl``, or a new one made now and remembered under
    the key. KeyReused when the key stands for another request."""
    for _ in range(_ATTEMPTS):
        with uow() as work:
            found = work.idempotency_keys.get(owner, key)
            if found is not None and found.expired(at, ttl):
                work.idempotency_keys.remove(owner, key)
                found = None
            if found is not None:
                if found.fingerprint != asked:
                    raise KeyReused()
                return found.task
            task = work.tasks.add(owner, *fields, at)
            try:
                work.idempotency_keys.add(KeyedCreate(owner, key, asked, task))
            except Conflict:
                continue  # a create with this key committed first: answer what it stored
            work.commit()
            return task
    raise Unavailable("the idempotency key stays contended")


@attrs.frozen
class PurgeIdempotencyKeys:
    """Forget the keys that no longer stand for their create (older than ``ttl``), in
    batches of ``batch_size``, each its own short transaction: a backlog of millions
    never holds a long lock, and a purge cut off part-way keeps what it already did.
    Only reads and deletes what has expired, so running it twice, or on two replicas at
    once, is harmless. The number of keys forgotten."""

    uow: UnitOfWorkFactory
    clock: Clock
    ttl: timedelta = KEY_TTL
    batch_size: int = 1000

    def __call__(self) -> int:
        if self.batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        before = require_utc(self.clock.now()) - self.ttl
        purged = 0
        while True:
            with self.uow() as work:
                count = work.idempotency_keys.purge(before, self.batch_size)
                work.commit()
            purged += count
            if count < self.batch_size:
                return purged
