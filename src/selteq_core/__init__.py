"""Selteq's domain: tasks, users and sessions, with ports for any storage or transport.

Import what you need from here; the underscore modules are private.
``selteq_core.memory`` has in-memory adapters to try the library without a database.
"""

from ._admin import DeleteUser, GetUser, IsStaff, ListUsers, SetUserActive
from ._audit import AuditAction, AuditEntry, AuditPage
from ._auth import Login, Logout, RefreshSession, RegisterUser, SessionPolicy
from ._authenticate import Authenticate
from ._entities import KeyedCreate, RefreshRecord, Session, Task, TokenClaims, User
from ._errors import (
    AuthenticationFailed,
    Conflict,
    Forbidden,
    InvalidField,
    KeyReused,
    NotFound,
    PreconditionFailed,
    RateLimited,
    SelteqError,
    Unavailable,
)
from ._idempotency import KEY_TTL, PurgeIdempotencyKeys
from ._ordering import ORDERINGS, TaskOrder
from ._pace import LogTasksOneByOne
from ._paging import PAGE_MAX, TaskCursor, TaskPage, TaskQuery, UserPage
from ._password_rule import PasswordAssessment, PasswordRule
from ._passwords import ChangePassword, ResetPassword
from ._ports import (
    AuditLog,
    Clock,
    IdempotencyKeyStore,
    LoginThrottle,
    PasswordHasher,
    PasswordStrength,
    RefreshTokenStore,
    SignupThrottle,
    TaskBatchReader,
    TaskLog,
    TaskRepository,
    TickLock,
    TokenCodec,
    UnitOfWork,
    UnitOfWorkFactory,
    UserRepository,
)
from ._staff_actions import CountUserTasks, DeleteAnyTask, ListAuditLog, SetUserStaff
from ._task_pages import API_PAGE_SIZE, WEB_PAGE_SIZE, CountTasks, ListAllTasks, ListTaskPage
from ._tasks import (
    CreateTask,
    DeleteTask,
    GetTask,
    ListRecentTasks,
    ListRecentTasksBatch,
    LogTasks,
    RenameTask,
    ReportTasks,
)
from ._values import Duration, IdempotencyKey, Password, TaskId, Title, UserId, Username

__all__ = [
    "API_PAGE_SIZE",
    "KEY_TTL",
    "ORDERINGS",
    "PAGE_MAX",
    "WEB_PAGE_SIZE",
    "AuditAction",
    "AuditEntry",
    "AuditLog",
    "AuditPage",
    "Authenticate",
    "AuthenticationFailed",
    "ChangePassword",
    "Clock",
    "Conflict",
    "CountTasks",
    "CountUserTasks",
    "CreateTask",
    "DeleteAnyTask",
    "DeleteTask",
    "DeleteUser",
    "Duration",
    "Forbidden",
    "GetTask",
    "GetUser",
    "IdempotencyKey",
    "IdempotencyKeyStore",
    "InvalidField",
    "IsStaff",
    "KeyReused",
    "KeyedCreate",
    "ListAllTasks",
    "ListAuditLog",
    "ListRecentTasks",
    "ListRecentTasksBatch",
    "ListTaskPage",
    "ListUsers",
    "LogTasks",
    "LogTasksOneByOne",
    "Login",
    "LoginThrottle",
    "Logout",
    "NotFound",
    "Password",
    "PasswordAssessment",
    "PasswordHasher",
    "PasswordRule",
    "PasswordStrength",
    "PreconditionFailed",
    "PurgeIdempotencyKeys",
    "RateLimited",
    "RefreshRecord",
    "RefreshSession",
    "RefreshTokenStore",
    "RegisterUser",
    "RenameTask",
    "ReportTasks",
    "ResetPassword",
    "SelteqError",
    "Session",
    "SessionPolicy",
    "SetUserActive",
    "SetUserStaff",
    "SignupThrottle",
    "Task",
    "TaskBatchReader",
    "TaskCursor",
    "TaskId",
    "TaskLog",
    "TaskOrder",
    "TaskPage",
    "TaskQuery",
    "TaskRepository",
    "TickLock",
    "Title",
    "TokenClaims",
    "TokenCodec",
    "Unavailable",
    "UnitOfWork",
    "UnitOfWorkFactory",
    "User",
    "UserId",
    "UserPage",
    "UserRepository",
    "Username",
]
