"""Sign-up, login, token checks, rotation and logout against in-memory fakes."""

from __future__ import annotations

import pytest

from selteq_core import (
    AuthenticationFailed,
    Conflict,
    InvalidField,
    Password,
    RateLimited,
    UserId,
    Username,
)
from tests.unit.conftest import Core

PASSWORD = "correct horse"


def test_register_hashes_the_password(core: Core) -> None:
    user = core.register("alice", PASSWORD)
    assert user.username == Username("alice")
    assert user.password_hash == core.hasher.hash(Password(PASSWORD))
    assert PASSWORD not in repr(user)
    assert user.password_hash not in repr(user)


def test_register_refuses_a_taken_username(core: Core) -> None:
    core.register("alice", PASSWORD)
    with pytest.raises(Conflict):
        core.register("alice", "another password")


def test_register_names_bad_fields(core: Core) -> None:
    with pytest.raises(InvalidField) as error:
        core.register("bad name", "short")
    assert set(error.value.fields) == {"username", "password"}


def test_login_gives_tokens_that_authenticate(core: Core) -> None:
    user = core.register("alice", PASSWORD)
    session = core.login("alice", PASSWORD, "10.0.0.1")
    assert (session.expires_in, session.refresh_expires_in, session.token_type) == (
        300,
        86_400,
        "Bearer",
    )
    assert core.authenticate(session.access_token) == user.id


def test_unknown_user_costs_a_full_check_and_reads_like_a_wrong_password(core: Core) -> None:
    core.register("alice", PASSWORD)
    with pytest.raises(AuthenticationFailed) as unknown:
        core.login("nobody", PASSWORD)
    with pytest.raises(AuthenticationFailed) as wrong:
        core.login("alice", "wrong password")
    assert str(unknown.value) == str(wrong.value)
    assert core.hasher.verified[0] is None  # the unknown user still ran verify()
    assert len(core.hasher.verified) == 2


def test_login_is_throttled_after_repeated_failures(core: Core) -> None:
    core.register("alice", PASSWORD)
    for _ in range(core.throttle.limit):
        with pytest.raises(AuthenticationFailed):
            core.login("alice", "wrong password", "10.0.0.1")
    with pytest.raises(RateLimited) as limited:
        core.login("alice", PASSWORD, "10.0.0.1")
    assert limited.value.retry_after >= 1
    core.login("alice", PASSWORD, "10.0.0.2")  # another address is not affected


def test_login_rehashes_when_parameters_change(core: Core) -> None:
    core.register("alice", PASSWORD)
    core.hasher.version = 2
    core.login("alice", PASSWORD)
    with core.db.unit_of_work() as uow:
        stored = uow.users.by_username(Username("alice"))
    assert stored is not None
    assert stored.password_hash.startswith("fake-v2$")


def test_access_token_expires_by_the_clock(core: Core) -> None:
    core.register("alice", PASSWORD)
    session = core.login("alice", PASSWORD)
    core.clock.advance(299)
    assert core.authenticate(session.access_token) == UserId(1)
    core.clock.advance(1)
    with pytest.raises(AuthenticationFailed):
        core.authenticate(session.access_token)


def test_token_kinds_are_not_interchangeable(core: Core) -> None:
    core.register("alice", PASSWORD)
    session = core.login("alice", PASSWORD)
    with pytest.raises(AuthenticationFailed):
        core.authenticate(session.refresh_token)
    with pytest.raises(AuthenticationFailed):
        core.refresh(session.access_token)


def test_tampered_token_is_refused(core: Core) -> None:
    core.register("alice", PASSWORD)
    token = core.login("alice", PASSWORD).access_token
    with pytest.raises(AuthenticationFailed):
        core.authenticate(token[:-1] + "x")


def test_refresh_rotates_and_reuse_revokes_the_family(core: Core) -> None:
    core.register("alice", PASSWORD)
    first = core.login("alice", PASSWORD)
    second = core.refresh(first.refresh_token)
    assert second.refresh_token != first.refresh_token
    with pytest.raises(AuthenticationFailed):
        core.refresh(first.refresh_token)  # replayed: the whole family dies
    with pytest.raises(AuthenticationFailed):
        core.refresh(second.refresh_token)


def test_other_sessions_survive_a_revoked_family(core: Core) -> None:
    core.register("alice", PASSWORD)
    laptop = core.login("alice", PASSWORD)
    phone = core.login("alice", PASSWORD)
    core.logout(laptop.refresh_token)
    with pytest.raises(AuthenticationFailed):
        core.refresh(laptop.refresh_token)
    assert core.refresh(phone.refresh_token).access_token


def test_expired_refresh_token_is_refused(core: Core) -> None:
    core.register("alice", PASSWORD)
    session = core.login("alice", PASSWORD)
    core.clock.advance(86_400)
    with pytest.raises(AuthenticationFailed):
        core.refresh(session.refresh_token)


def test_logout_accepts_garbage_quietly(core: Core) -> None:
    core.logout("not a token")
    core.register("alice", PASSWORD)
    session = core.login("alice", PASSWORD)
    core.logout(session.access_token)  # wrong kind: nothing to revoke
    assert core.refresh(session.refresh_token).access_token


def test_inactive_user_cannot_log_in(core: Core) -> None:
    import attrs

    user = core.register("alice", PASSWORD)
    with core.db.unit_of_work() as uow:
        uow.users._t.users[user.id] = attrs.evolve(user, is_active=False)  # type: ignore[attr-defined]
        uow.commit()
    with pytest.raises(AuthenticationFailed):
        core.login("alice", PASSWORD)


def test_a_logout_racing_a_refresh_wins(core: Core) -> None:
    """The refresh read its record before the logout committed; mark_used must still refuse."""
    core.register("alice", PASSWORD)
    session = core.login("alice", PASSWORD)
    claims = core.codec.decode(session.refresh_token)
    with core.db.unit_of_work() as uow:
        uow.refresh_tokens.revoke_family(claims.fam or "", core.clock.now())
        uow.commit()
    with core.db.unit_of_work() as uow:
        assert uow.refresh_tokens.mark_used(claims.jti, core.clock.now()) is False
