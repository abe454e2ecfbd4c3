"""The browser's refresh rules on the fakes: a short reuse window for requests sent together,
replays after it, and why a session ended (docs/decisions/0430)."""

from __future__ import annotations

import pytest

from selteq_core import AccountDeactivated, AuthenticationFailed, RefreshSession, SessionEnded
from tests.unit.conftest import Core

PASSWORD = "correct horse"
WINDOW = 10


def browser(core: Core) -> RefreshSession:
    return RefreshSession(core.db.unit_of_work, core.codec, core.clock, reuse_window=WINDOW)


def test_requests_sent_together_all_get_a_sibling_pair(core: Core) -> None:
    core.register("alice", PASSWORD)
    first = core.login("alice", PASSWORD)
    resume = browser(core)
    siblings = [resume(first.refresh_token) for _ in range(10)]
    assert len({s.refresh_token for s in siblings}) == 10
    core.clock.advance(WINDOW + 1)
    assert all(resume(s.refresh_token).access_token for s in siblings)


def test_a_spent_token_after_the_window_revokes_the_family(core: Core) -> None:
    core.register("alice", PASSWORD)
    first = core.login("alice", PASSWORD)
    resume = browser(core)
    later = resume(first.refresh_token)
    core.clock.advance(WINDOW + 1)
    with pytest.raises(SessionEnded) as ended:
        resume(first.refresh_token)
    assert ended.value.why == "ended"
    with pytest.raises(SessionEnded):
        resume(later.refresh_token)


def test_the_api_keeps_no_window(core: Core) -> None:
    core.register("alice", PASSWORD)
    first = core.login("alice", PASSWORD)
    core.refresh(first.refresh_token)
    with pytest.raises(AuthenticationFailed):
        core.refresh(first.refresh_token)


def test_a_sign_out_ends_every_sibling_even_inside_the_window(core: Core) -> None:
    core.register("alice", PASSWORD)
    first = core.login("alice", PASSWORD)
    resume = browser(core)
    sibling = resume(first.refresh_token)
    core.logout(sibling.refresh_token)
    for token in (first.refresh_token, sibling.refresh_token):
        with pytest.raises(SessionEnded) as ended:
            resume(token)
        assert ended.value.why == "ended"


def test_a_password_changed_elsewhere_is_named(core: Core) -> None:
    alice = core.register("alice", PASSWORD)
    here = core.login("alice", PASSWORD)
    core.clock.advance(60)
    core.change_password(alice.id.value, PASSWORD, "a much newer secret", None)
    with pytest.raises(SessionEnded) as ended:
        browser(core)(here.refresh_token)
    assert ended.value.why == "password"
    assert ended.value.user_id == alice.id.value


def test_a_deactivation_is_named_and_told_at_sign_in_after_the_right_password(
    core: Core,
) -> None:
    staff = core.register("root", PASSWORD, staff=True)
    alice = core.register("alice", PASSWORD)
    here = core.login("alice", PASSWORD)
    core.set_active(staff.id.value, alice.id.value, False)
    with pytest.raises(SessionEnded) as ended:
        browser(core)(here.refresh_token)
    assert ended.value.why == "deactivated"
    with pytest.raises(AccountDeactivated):
        core.login("alice", PASSWORD)
    with pytest.raises(AuthenticationFailed) as wrong:
        core.login("alice", "not the password")
    assert not isinstance(wrong.value, AccountDeactivated)


def test_each_pair_names_whom_it_was_issued_to_as_the_row_says_now(core: Core) -> None:
    """The web's header shows the name, and offers the staff pages, from the pair the trade
    issues: the row read for the trade, never a second read."""
    user = core.register("alice", PASSWORD)
    first = core.login("alice", PASSWORD)
    assert (first.username, first.is_staff) == ("alice", False)
    with core.db.unit_of_work() as uow:
        uow.users.set_staff(user.id, True, core.clock.now())
        uow.commit()
    later = browser(core)(first.refresh_token)
    assert (later.username, later.is_staff) == ("alice", True)
