"""UserRepository contract and the schema's cascades, on every engine."""

from __future__ import annotations

from datetime import timedelta

import pytest

from selteq_adapters.db import Database
from selteq_core import Conflict, RefreshRecord, UserId, Username
from tests.integration.db import given
from tests.integration.db.engines import Engine, execute
from tests.integration.db.given import T0


def test_add_then_get_and_by_username(db: Database) -> None:
    made = given.user(db, "alice")
    assert made.id.value >= 1
    assert (made.username, made.password_hash, made.is_active) == (
        Username("alice"),
        "hash-of-alice",
        True,
    )
    assert made.created_at == made.updated_at == T0
    with db.unit_of_work() as uow:
        assert uow.users.get(made.id) == made
        assert uow.users.by_username(Username("alice")) == made


def test_unknown_users_are_none(db: Database) -> None:
    with db.unit_of_work() as uow:
        assert uow.users.get(UserId(987654321)) is None
        assert uow.users.by_username(Username("nobody")) is None


def test_a_taken_username_is_a_conflict_and_nothing_is_stored(db: Database) -> None:
    first = given.user(db, "alice")
    with pytest.raises(Conflict, match="username already taken"), db.unit_of_work() as uow:
        uow.users.add(Username("alice"), "other", T0)
    with db.unit_of_work() as uow:
        assert uow.users.by_username(Username("alice")) == first


def test_usernames_compare_exactly(db: Database) -> None:
    lower, upper = given.user(db, "alice"), given.user(db, "Alice")
    assert lower.id != upper.id
    with db.unit_of_work() as uow:
        assert uow.users.by_username(Username("ALICE")) is None
        assert uow.users.by_username(Username("Alice")) == upper


def test_set_password_hash_changes_hash_and_updated_at(db: Database) -> None:
    made = given.user(db, "alice")
    later = T0 + timedelta(days=1)
    with db.unit_of_work() as uow:
        uow.users.set_password_hash(made.id, "$argon2id$new", later)
        uow.commit()
    with db.unit_of_work() as uow:
        stored = uow.users.get(made.id)
    assert stored is not None
    assert (stored.password_hash, stored.updated_at, stored.created_at) == (
        "$argon2id$new",
        later,
        T0,
    )


def test_deleting_a_user_cascades_to_tasks_and_refresh_tokens(db: Database, engine: Engine) -> None:
    alice, bob = given.user(db, "alice"), given.user(db, "bob")
    doomed = given.task(db, alice.id, "alice's")
    kept = given.task(db, bob.id, "bob's")
    with db.unit_of_work() as uow:
        uow.refresh_tokens.add(RefreshRecord("jti-a", "fam-a", alice.id, T0, False, False), T0)
        uow.refresh_tokens.add(RefreshRecord("jti-b", "fam-b", bob.id, T0, False, False), T0)
        uow.commit()
    execute(engine.url, "DELETE FROM users WHERE id = ?", alice.id.value)
    with db.unit_of_work() as uow:
        assert uow.tasks.get(doomed.id) is None
        assert uow.refresh_tokens.get("jti-a") is None
        assert uow.tasks.get(kept.id) == kept
        assert uow.refresh_tokens.get("jti-b") is not None
