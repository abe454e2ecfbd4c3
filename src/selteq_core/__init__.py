"""Selteq's domain: tasks, users and sessions, with ports for any storage or transport.

Import what you need from here; the underscore modules are private.
``selteq_core.memory`` has in-memory adapters to try the library without a database.
"""

from ._auth import Login, Logout, RefreshSession, RegisterUser, SessionPolicy
from ._authenticate import Authenticate
from ._entities import KeyedCreate, RefreshRecord, Session, Task, TokenClaims, User
from ._errors import (
    AuthenticationFailed,
    Conflict,
    InvalidField,
    KeyReused,
    NotFound,
    RateLimited,
    SelteqError,
    Unavailable,
)
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
    "Authenticate",
    "AuthenticationFailed",
    "Clock",
    "Conflict",
    "CreateTask",
    "DeleteTask",
    "Duration",
    "GetTask",
    "IdempotencyKey",
    "IdempotencyKeyStore",
    "InvalidField",
    "KeyReused",
    "KeyedCreate",
    "ListRecentTasks",
    "ListRecentTasksBatch",
    "LogTasks",
    "Login",
    "LoginThrottle",
    "Logout",
    "NotFound",
    "Password",
    "PasswordHasher",
    "RateLimited",
    "RefreshRecord",
    "RefreshSession",
    "RefreshTokenStore",
    "RegisterUser",
    "RenameTask",
    "ReportTasks",
    "SelteqError",
    "Session",
    "SessionPolicy",
    "SignupThrottle",
    "Task",
    "TaskBatchReader",
    "TaskId",
    "TaskLog",
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
    "UserRepository",
    "Username",
]
