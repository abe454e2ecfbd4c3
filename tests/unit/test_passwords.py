"""Changing my password: the current one is needed, my other sessions end, mine stays."""

from __future__ import annotations

import pytest

from selteq_core import AuthenticationFailed, InvalidField
from tests.unit.conftest import Core

PASSWORD = "correct horse"


def test_change_password_keeps_my_session_and_ends_the_others(core: Core) -> None:
    alice = core.register("alice", PASSWORD).id.value
    mine, other = core.login("alice", PASSWORD), core.login("alice", PASSWORD)
    family = core.authenticate.family(mine.access_token)
    assert family is not None
    core.change_password(alice, PASSWORD, "a better secret", keep_family=family)
    with pytest.raises(AuthenticationFailed):
        core.refresh(other.refresh_token)
    assert core.refresh(mine.refresh_token).access_token
    with pytest.raises(AuthenticationFailed):
        core.login("alice", PASSWORD)
    assert core.login("alice", "a better secret").access_token


def test_without_a_family_every_session_ends(core: Core) -> None:
    alice = core.register("alice", PASSWORD).id.value
    session = core.login("alice", PASSWORD)
    core.change_password(alice, PASSWORD, "a better secret")
    with pytest.raises(AuthenticationFailed):
        core.refresh(session.refresh_token)


@pytest.mark.parametrize(
    ("current", "new", "field"),
    [
        ("wrong password", "a better secret", "current_password"),
        ("short", "a better secret", "current_password"),
        (PASSWORD, "short", "new_password"),
    ],
)
def test_a_wrong_current_or_a_bad_new_password_changes_nothing(
    core: Core, current: str, new: str, field: str
) -> None:
    alice = core.register("alice", PASSWORD).id.value
    session = core.login("alice", PASSWORD)
    before = core.db._snapshot()
    with pytest.raises(InvalidField) as error:
        core.change_password(alice, current, new)
    assert set(error.value.fields) == {field}
    assert core.db._snapshot() == before
    assert core.refresh(session.refresh_token).access_token


def test_a_user_gone_cannot_change_a_password(core: Core) -> None:
    staff = core.register("root", PASSWORD, staff=True).id.value
    alice = core.register("alice", PASSWORD).id.value
    core.set_active(staff, alice, False)
    with pytest.raises(AuthenticationFailed):
        core.change_password(alice, PASSWORD, "a better secret")
