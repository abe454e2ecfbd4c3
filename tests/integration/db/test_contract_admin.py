"""Roles, pages and staff rules on every engine: the repositories' new reads and writes,
and the use-cases through the real container."""

from __future__ import annotations

from datetime import timedelta

import pytest

from selteq_adapters.container import Container, Overrides, bootstrap
from selteq_adapters.db import Database
from selteq_adapters.hashing import Argon2PasswordHasher
from selteq_adapters.settings import Settings
from selteq_core import (
    AuthenticationFailed,
    Conflict,
    Forbidden,
    InvalidField,
    ListRecentTasks,
    NotFound,
    RefreshRecord,
    TaskCursor,
    TaskQuery,
    Title,
    UserId,
    Username,
)
from selteq_core.memory import ManualClock
from tests.integration.db import given
from tests.integration.db.given import T0

PASSWORD = "correct horse battery"


@pytest.fixture
def app(db: Database, settings: Settings) -> Container:
    hasher = Argon2PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    return bootstrap(settings, Overrides(database=db, clock=ManualClock(T0), hasher=hasher))


def test_a_user_is_staff_only_when_made_so(db: Database) -> None:
    with db.unit_of_work() as uow:
        staff = uow.users.add(Username("root"), "h", T0, is_staff=True)
        plain = uow.users.add(Username("alice"), "h", T0)
        uow.commit()
    with db.unit_of_work() as uow:
        assert uow.users.get(staff.id) == staff
        assert uow.users.get(plain.id) == plain
        assert (staff.is_staff, plain.is_staff) == (True, False)
        assert uow.users.active_staff() == 1


def test_set_active_and_remove(db: Database) -> None:
    alice = given.user(db, "alice")
    later = T0 + timedelta(hours=1)
    with db.unit_of_work() as uow:
        assert uow.users.set_active(alice.id, False, later)
        assert not uow.users.set_active(UserId(987654), False, later)
        uow.commit()
    with db.unit_of_work() as uow:
        stored = uow.users.get(alice.id)
        assert stored is not None
        assert (stored.is_active, stored.updated_at) == (False, later)
        assert uow.users.remove(alice.id)
        assert not uow.users.remove(alice.id)
        uow.commit()
    with db.unit_of_work() as uow:
        assert uow.users.get(alice.id) is None


def test_users_page_in_id_order_and_search_escapes_wildcards(db: Database) -> None:
    names = ["alice", "Alicia", "bob", "a_b", "axb", "a.b"]
    made = [given.user(db, name) for name in names]
    with db.unit_of_work() as uow:
        assert uow.users.page("", None, 3) == made[:3]
        assert uow.users.page("", made[2].id, 100) == made[3:]
        found = {
            term: [u.username.value for u in uow.users.page(term, None, 100)]
            for term in ("ALI", "_", "%", "!", "[a]", "a.")
        }
    assert found == {
        "ALI": ["alice", "Alicia"],
        "_": ["a_b"],
        "%": [],
        "!": [],
        "[a]": [],
        "a.": ["a.b"],
    }


def test_revoke_user_keeps_one_family_and_touches_no_one_else(db: Database) -> None:
    alice, bob = given.user(db, "alice"), given.user(db, "bob")
    later = T0 + timedelta(days=1)
    with db.unit_of_work() as uow:
        for jti, family, owner in [
            ("a1", "fa", alice),
            ("a2", "fa", alice),
            ("a3", "fb", alice),
            ("b1", "fc", bob),
        ]:
            uow.refresh_tokens.add(RefreshRecord(jti, family, owner.id, later, False, False), T0)
        assert uow.refresh_tokens.revoke_user(alice.id, T0, keep_family="fb") == 2
        assert uow.refresh_tokens.revoke_user(alice.id, T0, keep_family="fb") == 0
        uow.commit()
    with db.unit_of_work() as uow:
        revoked = {jti: uow.refresh_tokens.get(jti).revoked for jti in ("a1", "a2", "a3", "b1")}  # type: ignore[union-attr]
        assert uow.refresh_tokens.revoke_user(alice.id, T0) == 1
    assert revoked == {"a1": True, "a2": True, "a3": False, "b1": False}


def test_newest_pages_by_keyset_with_filters(db: Database) -> None:
    alice, bob = given.user(db, "alice"), given.user(db, "bob")
    same = T0 + timedelta(hours=1)
    rows = [
        given.task(db, alice.id, "Write REPORT", T0),
        given.task(db, bob.id, "100% done", same),
        given.task(db, alice.id, "under_score", same),
        given.task(db, bob.id, "[x] box!", T0 + timedelta(days=1)),
    ]
    newest = sorted(rows, key=lambda t: (t.created_at, t.id), reverse=True)
    with db.unit_of_work() as uow:
        assert uow.tasks.newest(TaskQuery(), 10) == newest
        assert uow.tasks.newest(TaskQuery(), 2) == newest[:2]
        after = TaskQuery(before=TaskCursor.of(newest[1]))
        assert uow.tasks.newest(after, 10) == newest[2:]
        mine = TaskQuery(owner=alice.id)
        assert uow.tasks.newest(mine, 10) == [rows[2], rows[0]]
        assert uow.tasks.newest(TaskQuery(owner=alice.id, before=TaskCursor.of(rows[2])), 10) == [
            rows[0]
        ]
        window = TaskQuery(created_from=same, created_to=same + timedelta(microseconds=1))
        assert uow.tasks.newest(window, 10) == [rows[2], rows[1]]
        found = {
            term: [t.title.value for t in uow.tasks.newest(TaskQuery(title_contains=term), 10)]
            for term in ("report", "%", "_", "[x]", "x] b", "!")
        }
    assert found == {
        "report": ["Write REPORT"],
        "%": ["100% done"],
        "_": ["under_score"],
        "[x]": ["[x] box!"],
        "x] b": ["[x] box!"],
        "!": ["[x] box!"],
    }
    assert all(isinstance(t.title, Title) for t in newest)


def test_my_pages_and_everyones_through_the_container(app: Container, db: Database) -> None:
    root = app.register_user("root", PASSWORD, staff=True).id.value
    alice = app.register_user("alice", PASSWORD).id.value
    assert isinstance(app.clock, ManualClock)
    for n in range(6):
        app.create_task(alice, f"t{n}", 5)
        app.clock.advance(1)
    first = app.list_task_page(alice)
    assert list(first.tasks) == ListRecentTasks(db.unit_of_work)(alice)  # the same 4 newest
    assert [t.title.value for t in app.list_task_page(alice, first.next).tasks] == ["t1", "t0"]
    assert app.list_task_page(alice, first.next).next is None
    every = app.list_all_tasks(root, search="T5")
    assert [t.title.value for t in every.tasks] == ["t5"]
    with pytest.raises(Forbidden):
        app.list_all_tasks(alice)
    with pytest.raises(InvalidField):
        app.list_task_page(alice, "not-a-cursor")


def test_staff_rules_through_the_container(app: Container) -> None:
    root = app.register_user("root", PASSWORD, staff=True).id.value
    alice = app.register_user("alice", PASSWORD).id.value
    app.create_task(alice, "hers", 5)
    session = app.login("alice", PASSWORD)
    assert [u.username.value for u in app.list_users(root, search="ali").users] == ["alice"]
    app.set_user_active(root, alice, False)
    with pytest.raises(AuthenticationFailed):
        app.refresh_session(session.refresh_token)
    with pytest.raises(AuthenticationFailed):
        app.authenticate(session.access_token)
    app.set_user_active(root, alice, True)
    app.reset_password(root, alice, "a whole new password")
    assert app.login("alice", "a whole new password").access_token
    with pytest.raises(Conflict):
        app.set_user_active(root, root, False)
    with pytest.raises(Conflict):
        app.delete_user(root, root)
    with pytest.raises(Forbidden):
        app.delete_user(alice, root)
    app.delete_user(root, alice)
    with pytest.raises(NotFound):
        app.delete_user(root, alice)
    assert app.list_all_tasks(root).tasks == []
    assert [u.username.value for u in app.list_users(root).users] == ["root"]


def test_change_password_on_every_engine(app: Container) -> None:
    alice = app.register_user("alice", PASSWORD).id.value
    mine, other = app.login("alice", PASSWORD), app.login("alice", PASSWORD)
    family = app.authenticate.family(mine.access_token)
    app.change_password(alice, PASSWORD, "a better secret", keep_family=family)
    with pytest.raises(AuthenticationFailed):
        app.refresh_session(other.refresh_token)
    assert app.refresh_session(mine.refresh_token).access_token
    with pytest.raises(AuthenticationFailed):
        app.login("alice", PASSWORD)
