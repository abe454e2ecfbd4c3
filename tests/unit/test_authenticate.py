"""Authenticate's rules on the token and its user, against in-memory fakes."""

from __future__ import annotations

import pytest

from selteq_core import AuthenticationFailed, TokenClaims, UserId
from selteq_core._authenticate import RECHECK_AFTER
from selteq_core._tokens import LEEWAY, UserStates
from tests.unit.conftest import Core

PASSWORD = "correct horse"


def access(
    core: Core, sub: str, *, ahead: int = 0, lifetime: int = 300, nbf: int | None = None
) -> str:
    """An access token signed by the fake codec, issued ``ahead`` seconds from now."""
    iat = int(core.clock.now().timestamp()) + ahead
    return core.codec.encode(TokenClaims(sub, "access", "j", iat, iat + lifetime, nbf=nbf))


@pytest.fixture
def user_id(core: Core) -> UserId:
    return core.register("alice", PASSWORD).id


def test_a_token_issued_by_the_rules_names_its_user(core: Core, user_id: UserId) -> None:
    assert core.authenticate(access(core, str(user_id))) == user_id
    assert core.authenticate(access(core, str(user_id), ahead=LEEWAY)) == user_id
    assert core.authenticate(access(core, str(user_id), nbf=0)) == user_id


@pytest.mark.parametrize(
    "sub", [" 1", "1 ", "\u0661", "1_0", "01", "+1", "-1", "0", "1.0", "", "x"]
)
def test_a_subject_that_is_not_a_plain_positive_decimal_is_refused(core: Core, sub: str) -> None:
    core.register("alice", PASSWORD)  # user 1 exists: only the spelling is wrong
    with pytest.raises(AuthenticationFailed):
        core.authenticate(access(core, sub))


def test_a_huge_subject_is_refused(core: Core) -> None:
    with pytest.raises(AuthenticationFailed):
        core.authenticate(access(core, "9" * 40))


def test_tokens_from_the_future_or_not_yet_valid_are_refused(core: Core, user_id: UserId) -> None:
    for token in (
        access(core, str(user_id), ahead=LEEWAY + 1),
        access(core, str(user_id), nbf=int(core.clock.now().timestamp()) + LEEWAY + 1),
    ):
        with pytest.raises(AuthenticationFailed):
            core.authenticate(token)


def test_a_token_living_longer_than_the_policy_is_refused(core: Core, user_id: UserId) -> None:
    assert core.authenticate(access(core, str(user_id), lifetime=300)) == user_id
    with pytest.raises(AuthenticationFailed):
        core.authenticate(access(core, str(user_id), lifetime=301))


def test_a_user_that_does_not_exist_is_refused_at_the_first_read(core: Core) -> None:
    with pytest.raises(AuthenticationFailed):
        core.authenticate(access(core, "7"))
    with pytest.raises(AuthenticationFailed):
        core.authenticate.remembered(UserId(7))  # the refusal is remembered too


def test_a_users_state_is_remembered_for_a_few_seconds(core: Core, user_id: UserId) -> None:
    assert core.authenticate.remembered(user_id) is False
    core.authenticate(access(core, str(user_id)))
    assert core.authenticate.remembered(user_id) is True
    core.clock.advance(RECHECK_AFTER)
    assert core.authenticate.remembered(user_id) is False


def test_the_memory_of_users_is_bounded() -> None:
    states = UserStates(fresh_for=5, size=3)
    for n in range(1, 4):
        states.put(UserId(n), True, 0.0)
    assert states.get(UserId(1), 1.0) is True
    states.put(UserId(4), False, 1.0)
    assert [states.get(UserId(n), 1.0) for n in range(1, 5)] == [None, None, None, False]
    assert states.get(UserId(4), 6.0) is None
