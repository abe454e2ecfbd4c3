"""Staff rules on the fakes: who may act, sessions ended at once, one active staff kept."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from selteq_core import (
    AuthenticationFailed,
    Conflict,
    Forbidden,
    InvalidField,
    NotFound,
    UserId,
)
from tests.unit.conftest import Core

PASSWORD = "correct horse"


def staff_and_alice(core: Core) -> tuple[int, int]:
    staff = core.register("root", PASSWORD, staff=True)
    alice = core.register("alice", PASSWORD)
    assert (staff.is_staff, alice.is_staff) == (True, False)
    return staff.id.value, alice.id.value


def refresh_works(core: Core, refresh_token: str) -> bool:
    try:
        core.refresh(refresh_token)
    except AuthenticationFailed:
        return False
    return True


def test_staff_list_users_by_page_and_search(core: Core) -> None:
    staff, _ = staff_and_alice(core)
    for name in ("bob", "Alicia", "a_b", "axb"):
        core.register(name, PASSWORD)
    first = core.list_users(staff, limit=2)
    assert [u.username.value for u in first.users] == ["root", "alice"]
    assert first.next == first.users[-1].id.value
    rest = core.list_users(staff, after=first.next, limit=10)
    assert [u.username.value for u in rest.users] == ["bob", "Alicia", "a_b", "axb"]
    assert rest.next is None
    assert [u.username.value for u in core.list_users(staff, "ALI").users] == ["alice", "Alicia"]
    assert [u.username.value for u in core.list_users(staff, "_").users] == ["a_b"]
    assert core.list_users(staff, "%").users == []


def test_deactivating_ends_every_session_at_once_and_activating_lets_them_back(
    core: Core,
) -> None:
    staff, alice = staff_and_alice(core)
    phone, laptop = core.login("alice", PASSWORD), core.login("alice", PASSWORD)
    assert core.authenticate(phone.access_token) == UserId(alice)  # remembered as active
    core.set_active(staff, alice, False)
    assert not refresh_works(core, phone.refresh_token)
    assert not refresh_works(core, laptop.refresh_token)
    with pytest.raises(AuthenticationFailed):
        core.authenticate(phone.access_token)
    with pytest.raises(AuthenticationFailed):
        core.login("alice", PASSWORD)
    core.set_active(staff, alice, False)  # already inactive: no change, no error
    core.set_active(staff, alice, True)
    assert core.authenticate(core.login("alice", PASSWORD).access_token) == UserId(alice)


def test_reset_password_ends_their_sessions_and_the_new_one_works(core: Core) -> None:
    staff, alice = staff_and_alice(core)
    session = core.login("alice", PASSWORD)
    core.reset_password(staff, alice, "a brand new one")
    assert not refresh_works(core, session.refresh_token)
    with pytest.raises(AuthenticationFailed):
        core.login("alice", PASSWORD)
    assert core.login("alice", "a brand new one").access_token
    with pytest.raises(InvalidField) as error:
        core.reset_password(staff, alice, "short")
    assert set(error.value.fields) == {"new_password"}


def test_delete_user_takes_their_tasks_and_sessions(core: Core) -> None:
    staff, alice = staff_and_alice(core)
    task = core.create(alice, "doomed", 5)
    session = core.login("alice", PASSWORD)
    assert core.authenticate(session.access_token) == UserId(alice)
    core.delete_user(staff, alice)
    with pytest.raises(AuthenticationFailed):
        core.authenticate(session.access_token)
    with pytest.raises(NotFound):
        core.get(alice, task.id.value)
    assert not refresh_works(core, session.refresh_token)
    with pytest.raises(NotFound):
        core.delete_user(staff, alice)
    with pytest.raises(NotFound):
        core.set_active(staff, 0, True)


def test_the_last_active_staff_account_stays(core: Core) -> None:
    staff, _ = staff_and_alice(core)
    with pytest.raises(Conflict):
        core.set_active(staff, staff, False)
    with pytest.raises(Conflict):
        core.delete_user(staff, staff)
    assert core.list_users(staff).users[0].is_active
    other = core.register("admin2", PASSWORD, staff=True).id.value
    core.set_active(staff, other, False)  # one active staff left: allowed
    with pytest.raises(Conflict):
        core.set_active(staff, staff, False)
    core.set_active(staff, other, True)
    core.delete_user(other, staff)  # the other staff remains
    with pytest.raises(Conflict):
        core.delete_user(other, other)


def test_an_inactive_staff_account_can_go_while_another_stays_active(core: Core) -> None:
    staff, _ = staff_and_alice(core)
    other = core.register("admin2", PASSWORD, staff=True).id.value
    core.set_active(staff, other, False)
    core.delete_user(staff, other)


def test_staff_read_one_user_and_who_is_staff_now(core: Core) -> None:
    staff, alice = staff_and_alice(core)
    assert core.get_user(staff, alice).username.value == "alice"
    for missing in (0, 987):
        with pytest.raises(NotFound):
            core.get_user(staff, missing)
    assert (core.is_staff(staff), core.is_staff(alice), core.is_staff(987)) == (True, False, False)
    other = core.register("admin2", PASSWORD, staff=True).id.value
    assert core.is_staff(other)
    core.set_active(staff, other, False)
    assert not core.is_staff(other)  # an inactive staff account may not act as staff


def admin_calls(core: Core, target: int) -> list[Callable[[int], object]]:
    return [
        lambda actor: core.list_users(actor),
        lambda actor: core.set_active(actor, target, False),
        lambda actor: core.set_active(actor, target, True),
        lambda actor: core.reset_password(actor, target, "hijacked password"),
        lambda actor: core.delete_user(actor, target),
        lambda actor: core.all_tasks(actor),
        lambda actor: core.get_user(actor, target),
    ]


@pytest.mark.parametrize("call", range(7))
def test_non_staff_are_forbidden_and_nothing_changes(core: Core, call: int) -> None:
    staff, alice = staff_and_alice(core)
    bob = core.register("bob", PASSWORD).id.value
    core.create(bob, "bob's", 5)
    before = core.db._snapshot()
    for actor in (alice, 987):
        with pytest.raises(Forbidden):
            admin_calls(core, bob)[call](actor)
    core.set_active(staff, staff, True)
    inactive_staff = core.register("admin2", PASSWORD, staff=True).id.value
    core.set_active(staff, inactive_staff, False)
    before = core.db._snapshot()
    with pytest.raises(Forbidden):
        admin_calls(core, bob)[call](inactive_staff)
    assert core.db._snapshot() == before
