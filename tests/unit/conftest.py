"""Core use-cases wired to in-memory fakes."""

from __future__ import annotations

import attrs
import pytest

from selteq_core import (
    Authenticate,
    ChangePassword,
    CountTasks,
    CountUserTasks,
    CreateTask,
    DeleteAnyTask,
    DeleteTask,
    DeleteUser,
    GetTask,
    GetUser,
    IsStaff,
    ListAllTasks,
    ListAuditLog,
    ListRecentTasks,
    ListTaskPage,
    ListUsers,
    Login,
    Logout,
    RefreshSession,
    RegisterUser,
    RenameTask,
    ReportTasks,
    ResetPassword,
    SetUserActive,
    SetUserStaff,
)
from selteq_core.memory import InMemoryDatabase, ManualClock
from tests.fakes import FakeHasher, FakeSignupThrottle, FakeThrottle, FakeTokenCodec


@attrs.define(slots=False)
class Core:
    db: InMemoryDatabase
    clock: ManualClock
    hasher: FakeHasher
    codec: FakeTokenCodec
    throttle: FakeThrottle
    signup_throttle: FakeSignupThrottle = attrs.field(factory=FakeSignupThrottle)

    def __attrs_post_init__(self) -> None:
        uow = self.db.unit_of_work
        self.create = CreateTask(uow, self.clock)
        self.recent = ListRecentTasks(uow)
        self.get = GetTask(uow)
        self.rename = RenameTask(uow, self.clock)
        self.delete = DeleteTask(uow)
        self.report = ReportTasks(uow, batch_size=3)
        self.register = RegisterUser(uow, self.hasher, self.clock, self.signup_throttle)
        self.login = Login(uow, self.hasher, self.codec, self.clock, self.throttle)
        self.authenticate = Authenticate(self.codec, self.clock, uow)
        self.refresh = RefreshSession(uow, self.codec, self.clock)
        self.logout = Logout(uow, self.codec, self.clock)
        self.page = ListTaskPage(uow)
        self.change_password = ChangePassword(uow, self.hasher, self.clock)
        self.list_users = ListUsers(uow)
        self.get_user = GetUser(uow)
        self.is_staff = IsStaff(uow)
        self.set_active = SetUserActive(uow, self.clock, self.authenticate.forget)
        self.reset_password = ResetPassword(uow, self.hasher, self.clock)
        self.delete_user = DeleteUser(uow, self.clock, self.authenticate.forget)
        self.all_tasks = ListAllTasks(uow)
        self.count_tasks = CountTasks(uow)
        self.set_staff = SetUserStaff(uow, self.clock, self.authenticate.forget)
        self.delete_any_task = DeleteAnyTask(uow, self.clock)
        self.count_user_tasks = CountUserTasks(uow)
        self.audit_log = ListAuditLog(uow)


@pytest.fixture
def core() -> Core:
    return Core(InMemoryDatabase(), ManualClock(), FakeHasher(), FakeTokenCodec(), FakeThrottle())
