"""The core's use-cases end to end on every engine, wired by the real container."""

from __future__ import annotations

import pytest

from selteq_adapters.container import Container, Overrides, bootstrap
from selteq_adapters.db import Database
from selteq_adapters.hashing import Argon2PasswordHasher
from selteq_adapters.settings import Settings
from selteq_core import (
    AuthenticationFailed,
    Conflict,
    NotFound,
    ReportTasks,
)
from selteq_core.memory import ManualClock

PASSWORD = "correct horse battery"


@pytest.fixture
def app(db: Database, settings: Settings) -> Container:
    """The container on the engine's database, with argon2id at its cheapest (the database is
    under test here, not the hash cost). Not closed: the engine owns the pool."""
    hasher = Argon2PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    return bootstrap(settings, Overrides(database=db, clock=ManualClock(), hasher=hasher))


def test_register_stores_an_argon2_hash_and_refuses_a_taken_name(
    app: Container, db: Database
) -> None:
    alice = app.register_user("alice", PASSWORD)
    with db.unit_of_work() as uow:
        stored = uow.users.by_username(alice.username)
    assert stored == alice
    assert alice.password_hash.startswith("$argon2id$")
    assert app.login("alice", PASSWORD).access_token
    with pytest.raises(Conflict):
        app.register_user("alice", "another password")


def test_tasks_lifecycle_with_ownership(app: Container) -> None:
    alice = app.register_user("alice", PASSWORD).id.value
    bob = app.register_user("bob", PASSWORD).id.value
    made = app.create_task(alice, "  Write report ", 45)
    assert made.title.value == "Write report"
    assert app.get_task(alice, made.id.value) == made
    with pytest.raises(NotFound):
        app.get_task(bob, made.id.value)
    with pytest.raises(NotFound):
        app.rename_task(bob, made.id.value, "hijacked")
    with pytest.raises(NotFound):
        app.delete_task(bob, made.id.value)
    assert app.get_task(alice, made.id.value) == made

    assert isinstance(app.clock, ManualClock)
    app.clock.advance(90)
    renamed = app.rename_task(alice, made.id.value, "Write the report")
    assert (renamed.title.value, renamed.duration, renamed.created_at) == (
        "Write the report",
        made.duration,
        made.created_at,
    )
    assert renamed.updated_at == app.clock.now()
    assert app.get_task(alice, made.id.value) == renamed

    app.delete_task(alice, made.id.value)
    with pytest.raises(NotFound):
        app.get_task(alice, made.id.value)
    with pytest.raises(NotFound):
        app.delete_task(alice, made.id.value)


def test_list_recent_is_the_last_four_newest_first(app: Container) -> None:
    alice = app.register_user("alice", PASSWORD).id.value
    bob = app.register_user("bob", PASSWORD).id.value
    assert isinstance(app.clock, ManualClock)
    for n in range(6):
        app.create_task(alice, f"t{n}", n + 1)
        app.clock.advance(1)
    app.create_task(bob, "bob's", 5)
    assert [t.title.value for t in app.list_task_page(alice).tasks] == ["t5", "t4", "t3", "t2"]


def test_report_streams_every_task_in_batches(app: Container, db: Database) -> None:
    alice = app.register_user("alice", PASSWORD).id.value
    bob = app.register_user("bob", PASSWORD).id.value
    made = [app.create_task(owner, f"t{n}", 5) for n in range(5) for owner in (alice, bob)]
    report = ReportTasks(db.unit_of_work, batch_size=3)
    assert list(report()) == sorted(made, key=lambda t: t.id)
    assert [t.owner_id.value for t in report(bob)] == [bob] * 5


def test_a_refresh_token_replayed_revokes_the_session(app: Container) -> None:
    app.register_user("alice", PASSWORD)
    session = app.login("alice", PASSWORD, "127.0.0.1")
    renewed = app.refresh_session(session.refresh_token)
    with pytest.raises(AuthenticationFailed):
        app.refresh_session(session.refresh_token)
    with pytest.raises(AuthenticationFailed):
        app.refresh_session(renewed.refresh_token)
