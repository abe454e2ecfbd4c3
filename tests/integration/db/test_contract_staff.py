"""Staff actions and their audit log, a user's page with search, order and total, and the
password rule, through the real container on every engine."""

from __future__ import annotations

import pytest

from selteq_adapters.container import Container, Overrides, bootstrap
from selteq_adapters.db import Database
from selteq_adapters.hashing import Argon2PasswordHasher
from selteq_adapters.settings import Settings
from selteq_core import AuditAction, Conflict, Forbidden, InvalidField, NotFound
from selteq_core.memory import ManualClock
from tests.integration.db.given import T0

PASSWORD = "correct horse battery"


@pytest.fixture
def app(db: Database, settings: Settings) -> Container:
    hasher = Argon2PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    return bootstrap(settings, Overrides(database=db, clock=ManualClock(T0), hasher=hasher))


def test_a_users_page_searched_sorted_and_counted(app: Container) -> None:
    alice = app.register_user("alice", PASSWORD).id.value
    assert isinstance(app.clock, ManualClock)
    for n, minutes in enumerate([30, 5, 90, 5, 60]):
        app.create_task(alice, f"task_{n}" if n % 2 else f"task {n}", minutes)
        app.clock.advance(1)
    page = app.list_task_page(alice, limit=2, ordering="-duration", total=True)
    assert ([t.title.value for t in page.tasks], page.total) == (["task 2", "task 4"], 5)
    second = app.list_task_page(alice, page.next, 2, ordering="-duration")
    assert [t.title.value for t in second.tasks] == ["task 0", "task_3"]
    assert app.list_task_page(alice, second.previous, 2, ordering="-duration", total=True) == page
    found = app.list_task_page(alice, search="_", ordering="created_at", total=True)
    assert ([t.title.value for t in found.tasks], found.total) == (["task_1", "task_3"], 2)
    assert app.count_tasks(alice) == 5
    assert app.count_tasks(alice, "TASK_") == 2
    with pytest.raises(InvalidField):
        app.list_task_page(alice, page.next, 2)


def test_staff_actions_are_logged_on_every_engine(app: Container) -> None:
    root = app.register_user("root", PASSWORD, staff=True).id.value
    alice = app.register_user("alice", PASSWORD).id.value
    task = app.create_task(alice, "her task", 5)
    assert app.count_user_tasks(root, alice) == 1
    every = app.list_all_tasks(root, owner_name="alice")
    assert [(t.title.value, every.owners[t.owner_id].value) for t in every.tasks] == [
        ("her task", "alice")
    ]
    app.set_user_staff(root, alice, True)
    assert [u.username.value for u in app.list_users(root, staff=True).users] == ["root", "alice"]
    app.set_user_staff(alice, root, False)
    with pytest.raises(Conflict):
        app.set_user_staff(alice, alice, False)
    app.set_user_active(alice, root, False)
    assert [u.username.value for u in app.list_users(alice, active=False).users] == ["root"]
    app.set_user_active(alice, root, True)
    app.reset_password(alice, root, "a whole new password")
    app.delete_any_task(alice, task.id.value)
    with pytest.raises(NotFound):
        app.delete_any_task(alice, task.id.value)
    with pytest.raises(Forbidden):
        app.list_audit_log(root)
    app.set_user_staff(alice, root, True)
    app.delete_user(root, alice)
    log = app.list_audit_log(root, limit=100)
    assert [(e.actor.value, e.action, e.target, e.detail) for e in log.entries] == [
        ("root", AuditAction.DELETE_USER, "alice", "0 tasks"),
        ("alice", AuditAction.MAKE_STAFF, "root", ""),
        ("alice", AuditAction.DELETE_TASK, "her task", "alice"),
        ("alice", AuditAction.RESET_PASSWORD, "root", ""),
        ("alice", AuditAction.ACTIVATE_USER, "root", ""),
        ("alice", AuditAction.DEACTIVATE_USER, "root", ""),
        ("alice", AuditAction.UNMAKE_STAFF, "root", ""),
        ("root", AuditAction.MAKE_STAFF, "alice", ""),
    ]
    assert all(e.at == T0 for e in log.entries)
    assert log.entries[2].target_id == task.id.value
    first = app.list_audit_log(root, limit=3)
    rest = app.list_audit_log(root, first.next, 10)
    assert first.entries + rest.entries == log.entries
    assert rest.next is None


def test_a_refused_action_leaves_no_entry(app: Container) -> None:
    root = app.register_user("root", PASSWORD, staff=True).id.value
    with pytest.raises(Conflict):
        app.delete_user(root, root)
    with pytest.raises(Conflict):
        app.set_user_staff(root, root, False)
    assert app.list_audit_log(root).entries == []


def test_the_password_rule_is_wired_for_sign_up_change_and_reset(app: Container) -> None:
    with pytest.raises(InvalidField) as error:
        app.register_user("alice", "password")
    assert error.value.fields["password"].startswith("is too easy to guess")
    with pytest.raises(InvalidField) as error:
        app.register_user("alice", "alice2026")
    assert error.value.fields == {"password": "is too similar to the username"}
    root = app.register_user("root", PASSWORD, staff=True).id.value
    alice = app.register_user("alice", PASSWORD).id.value
    with pytest.raises(InvalidField) as error:
        app.change_password(alice, PASSWORD, PASSWORD)
    assert error.value.fields == {"new_password": "must be different from the current password"}
    with pytest.raises(InvalidField) as error:
        app.reset_password(root, alice, "12345678")
    assert set(error.value.fields) == {"new_password"}
