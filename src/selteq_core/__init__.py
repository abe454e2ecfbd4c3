"""Selteq's domain: tasks, users and sessions, with ports for any storage or transport.

Import what you need from here; the underscore modules are private.
``selteq_core.memory`` has in-memory adapters to try the library without a database.
"""

from ._admin import DeleteUser, GetUser, IsStaff, ListUsers, SetUserActive
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
from ._pace import LogTasksOneByOne
from ._paging import PAGE_MAX, TaskCursor, TaskPage, TaskQuery, UserPage
from ._passwords import ChangePassword, ResetPassword
from ._ports import (
    Clock,
    IdempotencyKeyStore,
    LoginThrottle,
    PasswordHasher,
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
from ._task_pages import ListAllTasks, ListTaskPage
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
    "KEY_TTL",
    "PAGE_MAX",
    "Authenticate",
    "AuthenticationFailed",
    "ChangePassword",
    "Clock",
    "Conflict",
    "CreateTask",
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
    "PasswordHasher",
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
    "SignupThrottle",
    "Task",
    "TaskBatchReader",
    "TaskCursor",
    "TaskId",
    "TaskLog",
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
