"""Staff make and unmake staff, delete anyone's task, count a user's tasks and read the
audit log every staff action writes, on the fakes."""

from __future__ import annotations

import pytest

from selteq_core import (
    AuditAction,
    Conflict,
    DeleteAnyTask,
    Forbidden,
    InvalidField,
    NotFound,
    Unavailable,
)
from selteq_core.memory import InMemoryDatabase
from tests.fakes import FaultyUnitOfWork
from tests.unit.conftest import Core

PASSWORD = "correct horse"


def staff_and_alice(core: Core) -> tuple[int, int]:
    return (
        core.register("root", PASSWORD, staff=True).id.value,
        core.register("alice", PASSWORD).id.value,
    )


def actions(core: Core, staff: int) -> list[tuple[str, str, str, str]]:
    return [
        (e.actor.value, e.action.value, e.target, e.detail)
        for e in core.audit_log(staff, limit=100).entries
    ]


def test_make_and_unmake_staff_but_never_the_last(core: Core) -> None:
    root, alice = staff_and_alice(core)
    core.set_staff(root, alice, True)
    assert core.is_staff(alice)
    core.set_staff(alice, root, False)
    assert not core.is_staff(root)
    with pytest.raises(Conflict, match="last active staff"):
        core.set_staff(alice, alice, False)
    assert core.is_staff(alice)
    with pytest.raises(Forbidden):
        core.set_staff(root, alice, False)
    with pytest.raises(NotFound):
        core.set_staff(alice, 987654, True)
    with pytest.raises(TypeError):
        core.set_staff(alice, root, "yes")  # type: ignore[arg-type]
    assert actions(core, alice) == [
        ("alice", "unmake_staff", "root", ""),
        ("root", "make_staff", "alice", ""),
    ]


def test_staff_delete_anyones_task_and_the_log_names_it(core: Core) -> None:
    root, alice = staff_and_alice(core)
    task = core.create(alice, "her task", 5)
    with pytest.raises(Forbidden):
        core.delete_any_task(alice, task.id.value)
    core.delete_any_task(root, task.id.value)
    with pytest.raises(NotFound):
        core.get(alice, task.id.value)
    with pytest.raises(NotFound):
        core.delete_any_task(root, task.id.value)
    with pytest.raises(NotFound):
        core.delete_any_task(root, 0)
    (entry,) = core.audit_log(root).entries
    assert (entry.action, entry.target_id, entry.target, entry.detail) == (
        AuditAction.DELETE_TASK,
        task.id.value,
        "her task",
        "alice",
    )
    assert entry.action.on_task
    assert entry.at == core.clock.now()


def test_count_a_users_tasks_before_deleting_them(core: Core) -> None:
    root, alice = staff_and_alice(core)
    for n in range(3):
        core.create(alice, f"t{n}", 5)
    assert core.count_user_tasks(root, alice) == 3
    assert core.count_user_tasks(root, root) == 0
    with pytest.raises(Forbidden):
        core.count_user_tasks(alice, alice)
    with pytest.raises(NotFound):
        core.count_user_tasks(root, 987654)
    core.delete_user(root, alice)
    assert actions(core, root) == [("root", "delete_user", "alice", "3 tasks")]


def test_every_staff_action_is_logged_newest_first_and_paged(core: Core) -> None:
    root, alice = staff_and_alice(core)
    core.set_active(root, alice, False)
    core.clock.advance(60)
    core.set_active(root, alice, True)
    core.reset_password(root, alice, "a whole new password")
    core.set_staff(root, alice, True)
    core.set_staff(root, alice, False)
    task = core.create(alice, "t", 5)
    core.delete_any_task(root, task.id.value)
    core.delete_user(root, alice)
    assert [a for _, a, _, _ in actions(core, root)] == [
        "delete_user",
        "delete_task",
        "unmake_staff",
        "make_staff",
        "reset_password",
        "activate_user",
        "deactivate_user",
    ]
    first = core.audit_log(root, limit=3)
    assert first.next == first.entries[-1].id
    rest = core.audit_log(root, before=first.next, limit=10)
    assert len(rest.entries) == 4
    assert rest.next is None
    assert rest.entries[-1].at < rest.entries[0].at
    assert {e.actor_id.value for e in first.entries + rest.entries} == {root}
    with pytest.raises(Forbidden):
        core.audit_log(alice)
    with pytest.raises(InvalidField) as error:
        core.audit_log(root, before=0)
    assert set(error.value.fields) == {"before"}


def test_a_refused_action_writes_no_entry(core: Core) -> None:
    root, alice = staff_and_alice(core)
    with pytest.raises(Conflict):
        core.set_active(root, root, False)
    with pytest.raises(Conflict):
        core.delete_user(root, root)
    with pytest.raises(Forbidden):
        core.set_active(alice, root, False)
    assert actions(core, root) == []


def test_the_entry_and_the_action_are_kept_together_or_not_at_all(core: Core) -> None:
    root, alice = staff_and_alice(core)
    task = core.create(alice, "t", 5)
    db: InMemoryDatabase = core.db
    for calls in range(6):
        broken = DeleteAnyTask(lambda c=calls: FaultyUnitOfWork(db, c), core.clock)
        with pytest.raises(Unavailable):
            broken(root, task.id.value)
        assert core.get(alice, task.id.value) == task
        assert actions(core, root) == []
    core.delete_any_task(root, task.id.value)
    assert len(actions(core, root)) == 1


def test_users_filtered_by_active_and_staff(core: Core) -> None:
    root, alice = staff_and_alice(core)
    core.register("bob", PASSWORD)
    core.set_active(root, alice, False)

    def names(**flags: object) -> list[str]:
        return [u.username.value for u in core.list_users(root, **flags).users]  # type: ignore[arg-type]

    assert names() == ["root", "alice", "bob"]
    assert names(active=True) == ["root", "bob"]
    assert names(active=False, staff=False) == ["alice"]
    assert names(staff=True) == ["root"]
    counted = core.list_users(root, limit=1, active=True, total=True)
    assert (len(counted.users), counted.total) == (1, 2)
    assert core.list_users(root, "o", total=True).total == 2
    assert core.list_users(root).total is None
    with pytest.raises(InvalidField) as error:
        names(active="yes")
    assert set(error.value.fields) == {"active"}


def test_staff_filter_every_task_by_owner_name_and_see_each_owner(core: Core) -> None:
    root, alice = staff_and_alice(core)
    bob = core.register("bob", PASSWORD).id.value
    core.create(alice, "hers", 5)
    core.clock.advance(1)
    core.create(bob, "his", 5)
    every = core.all_tasks(root)
    assert {t.title.value: every.owners[t.owner_id].value for t in every.tasks} == {
        "hers": "alice",
        "his": "bob",
    }
    hers = core.all_tasks(root, owner_name=" alice ")
    assert [t.title.value for t in hers.tasks] == ["hers"]
    assert core.all_tasks(root, owner_name="nobody").tasks == []
    assert core.all_tasks(root, owner=bob, owner_name="alice").tasks == []
    assert len(core.all_tasks(root, owner_name="").tasks) == 2
    assert core.all_tasks(root, limit=1, total=True).total == 2
    assert core.all_tasks(root, owner_name="bob", search="HIS", total=True).total == 1
    assert core.all_tasks(root, owner_name="nobody", total=True).total == 0
    assert core.all_tasks(root).total is None
    with pytest.raises(InvalidField) as error:
        core.all_tasks(root, owner_name="no spaces")
    assert set(error.value.fields) == {"owner_name"}
