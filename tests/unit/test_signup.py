"""Sign-up's throttle and hashing rules, and the login lock-out's reach, against fakes."""

from __future__ import annotations

import pytest

from selteq_core import (
    AuthenticationFailed,
    Conflict,
    InvalidField,
    RateLimited,
    RegisterUser,
    Username,
)
from selteq_core.memory import InMemoryDatabase, ManualClock
from tests.fakes import FakeHasher, FakeSignupThrottle, RacingSignupUnitOfWork
from tests.unit.conftest import Core

PASSWORD = "correct horse"


def test_a_taken_username_is_refused_without_hashing_the_password(core: Core) -> None:
    core.register("alice", PASSWORD)
    hashed = core.hasher.hashed
    for _ in range(2):
        with pytest.raises(Conflict):
            core.register("alice", "another password", "10.0.0.1")
    assert core.hasher.hashed == hashed


def test_a_free_username_is_hashed_once(core: Core) -> None:
    core.register("alice", PASSWORD, "10.0.0.1")
    assert core.hasher.hashed == 1


def test_the_store_still_refuses_a_name_taken_after_the_check() -> None:
    db = InMemoryDatabase()
    clock = ManualClock()
    RegisterUser(db.unit_of_work, FakeHasher(), clock, FakeSignupThrottle())("alice", PASSWORD)
    racing = RegisterUser(
        lambda: RacingSignupUnitOfWork(db), FakeHasher(), clock, FakeSignupThrottle()
    )
    with pytest.raises(Conflict):
        racing("alice", "another password", "10.0.0.1")
    with db.unit_of_work() as uow:
        stored = uow.users.by_username(Username("alice"))
    assert stored is not None
    assert stored.password_hash.endswith(PASSWORD)


def test_sign_ups_are_counted_per_address_taken_names_included(core: Core) -> None:
    limit = core.signup_throttle.limit
    core.register("alice", PASSWORD, "10.0.0.1")
    for _ in range(limit - 1):
        with pytest.raises(Conflict):
            core.register("alice", PASSWORD, "10.0.0.1")
    hashed = core.hasher.hashed
    with pytest.raises(RateLimited) as limited:
        core.register("bob", PASSWORD, "10.0.0.1")
    assert str(limited.value) == "too many sign-ups"
    assert core.hasher.hashed == hashed  # refused before any read or hash
    core.register("bob", PASSWORD, "10.0.0.2")  # another address has its own allowance


def test_invalid_fields_are_not_counted(core: Core) -> None:
    for _ in range(core.signup_throttle.limit + 1):
        with pytest.raises(InvalidField):
            core.register("bad name", PASSWORD, "10.0.0.1")
    assert core.signup_throttle.hits["10.0.0.1"] == 0
    core.register("alice", PASSWORD, "10.0.0.1")


def test_a_caller_without_an_address_is_not_counted(core: Core) -> None:
    for n in range(core.signup_throttle.limit + 1):
        core.register(f"user{n}", PASSWORD)
    assert not core.signup_throttle.hits


def test_failures_from_other_addresses_never_refuse_a_login(core: Core) -> None:
    core.register("alice", PASSWORD)
    for n in range(3 * core.throttle.limit):
        with pytest.raises(AuthenticationFailed) as failed:
            core.login("alice", "wrong password", f"10.0.1.{n % 3}")
        assert not isinstance(failed.value, RateLimited)
    core.login("alice", PASSWORD, "10.0.2.1")


def test_the_correct_password_is_refused_while_its_address_is_limited(core: Core) -> None:
    core.register("alice", PASSWORD)
    for _ in range(core.throttle.limit):
        with pytest.raises(AuthenticationFailed):
            core.login("alice", "wrong password", "10.0.0.1")
    verified = len(core.hasher.verified)
    with pytest.raises(RateLimited):
        core.login("alice", PASSWORD, "10.0.0.1")
    assert len(core.hasher.verified) == verified  # refused before any check
