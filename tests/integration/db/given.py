"""Small builders for the contract suite: rows made through the repositories themselves."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from selteq_adapters.db import Database
from selteq_core import Duration, Task, Title, User, UserId, Username

T0 = datetime(2026, 3, 4, 5, 6, 7, 123456, tzinfo=UTC)


def user(db: Database, name: str = "alice", at: datetime = T0) -> User:
    with db.unit_of_work() as uow:
        made = uow.users.add(Username(name), f"hash-of-{name}", at)
        uow.commit()
    return made


def task(
    db: Database, owner: UserId, title: str = "task", at: datetime = T0, minutes: int = 15
) -> Task:
    with db.unit_of_work() as uow:
        made = uow.tasks.add(owner, Title(title), Duration(minutes), at)
        uow.commit()
    return made


def tasks(db: Database, owner: UserId, count: int, start: datetime = T0) -> list[Task]:
    """``count`` tasks, one second apart, titled t0, t1, …"""
    return [task(db, owner, f"t{n}", start + timedelta(seconds=n)) for n in range(count)]
