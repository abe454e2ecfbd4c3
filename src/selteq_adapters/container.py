"""The one composition root: which adapter implements which port, decided in one place.

``bootstrap(settings, **overrides)`` is called once per process by the app factory, the
worker module and each CLI command. Nothing here runs at import time. Tests swap adapters
by passing overrides, never by patching modules.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import attrs

from selteq_core import (
    Authenticate,
    Clock,
    CreateTask,
    DeleteTask,
    GetTask,
    ListRecentTasks,
    Login,
    LoginThrottle,
    Logout,
    PasswordHasher,
    RefreshSession,
    RegisterUser,
    RenameTask,
    ReportTasks,
    SessionPolicy,
    TokenCodec,
    Unavailable,
    UnitOfWorkFactory,
)

from .clock import SystemClock
from .db.pool import WouldBlock
from .settings import Settings

if TYPE_CHECKING:
    import dramatiq
    import redis

    from .db import Database
    from .ticklock import RedisTickLock

report_log = logging.getLogger("selteq.report")

__all__ = ["Container", "WouldBlock", "bootstrap"]


@attrs.define
class Container:
    """Everything a process needs, typed by the ports; the edges use only this."""

    settings: Settings
    clock: Clock
    database: Database
    uow: UnitOfWorkFactory
    hasher: PasswordHasher
    codec: TokenCodec
    throttle: LoginThrottle
    redis: redis.Redis | None
    create_task: CreateTask
    list_recent_tasks: ListRecentTasks
    get_task: GetTask
    list_recent_tasks_at_once: ListRecentTasks
    """The same reads on a warm idle connection or not at all (WouldBlock): an event loop
    calls these and falls back to ``list_recent_tasks`` / ``get_task`` in a thread."""
    get_task_at_once: GetTask
    rename_task: RenameTask
    delete_task: DeleteTask
    register_user: RegisterUser
    login: Login
    authenticate: Authenticate
    refresh_session: RefreshSession
    logout: Logout
    report_tasks: ReportTasks
    _broker: dramatiq.Broker | None = None

    def report_user_tasks(self, user_id: int) -> int:
        """Log one record per task of the user (title, duration, timestamps) and a summary.

        Shared by the Dramatiq actor and the API's embedded minute job."""
        count = 0
        for task in self.report_tasks(user_id):
            count += 1
            report_log.info(
                "user %s task %s: title=%r duration=%s created_at=%s updated_at=%s",
                user_id,
                task.id.value,
                task.title.value,
                task.duration.minutes,
                task.created_at.isoformat(),
                task.updated_at.isoformat(),
                extra={"task_id": task.id.value, "user_id": user_id},
            )
        report_log.info("user %s has %d task(s)", user_id, count)
        return count

    def broker(self) -> dramatiq.Broker:
        """The Dramatiq broker: Redis when ``SELTEQ_REDIS_URL`` is set, else an in-process stub."""
        if self._broker is None:
            from .broker import make_broker

            self._broker = make_broker(self.settings)
        return self._broker

    def readiness(self) -> dict[str, bool]:
        """Which backing services answer now: the database, and Redis when configured."""
        checks = {"database": _answers(self.database.ping)}
        if self.redis is not None:
            checks["redis"] = _answers(self.redis.ping)
        return checks

    def tick_lock(self) -> RedisTickLock:
        """The per-tick lock that lets several scheduler replicas send once between them."""
        if self.redis is None:
            raise RuntimeError("the tick lock needs SELTEQ_REDIS_URL")
        from .ticklock import RedisTickLock

        return RedisTickLock(self.redis)

    def close(self) -> None:
        if self._broker is not None:
            self._broker.close()
        self.database.close()
        if self.redis is not None:
            self.redis.close()


def _answers(probe: Callable[[], object]) -> bool:
    import redis

    try:
        return probe() is not False
    except (Unavailable, redis.RedisError) as error:
        logging.getLogger("selteq.ready").warning("not ready: %s", type(error).__name__)
        return False


def bootstrap(settings: Settings | None = None, **overrides: Any) -> Container:
    """Build the container from settings; any keyword replaces that adapter (for tests)."""
    settings = settings or Settings.from_env()
    made: dict[str, Any] = {}

    def part(name: str, build: Callable[[], Any]) -> Any:
        if name not in made:
            made[name] = overrides[name] if name in overrides else build()
        return made[name]

    clock: Clock = part("clock", SystemClock)
    database: Database = part("database", lambda: _database(settings))
    uow: UnitOfWorkFactory = part("uow", lambda: database.unit_of_work)
    at_once: UnitOfWorkFactory = part(
        "uow_at_once", lambda: _at_once(settings, database, None if "uow" not in overrides else uow)
    )
    hasher: PasswordHasher = part("hasher", lambda: _hasher(settings))
    codec: TokenCodec = part("codec", lambda: _codec(settings))
    client = part("redis", lambda: _redis(settings))
    throttle: LoginThrottle = part("throttle", lambda: _throttle(settings, clock, client))
    policy = SessionPolicy(access_ttl=settings.access_ttl, refresh_ttl=settings.refresh_ttl)
    unknown = set(overrides) - set(made)
    if unknown:
        raise TypeError(f"bootstrap() got unknown overrides: {sorted(unknown)}")
    return Container(
        settings=settings,
        clock=clock,
        database=database,
        uow=uow,
        hasher=hasher,
        codec=codec,
        throttle=throttle,
        redis=client,
        create_task=CreateTask(uow, clock),
        list_recent_tasks=ListRecentTasks(uow),
        get_task=GetTask(uow),
        list_recent_tasks_at_once=ListRecentTasks(at_once),
        get_task_at_once=GetTask(at_once),
        rename_task=RenameTask(uow, clock),
        delete_task=DeleteTask(uow),
        register_user=RegisterUser(uow, hasher, clock),
        login=Login(uow, hasher, codec, clock, throttle, policy),
        authenticate=Authenticate(codec, clock),
        refresh_session=RefreshSession(uow, codec, clock, policy),
        logout=Logout(uow, codec, clock),
        report_tasks=ReportTasks(uow),
    )


def _database(settings: Settings) -> Database:
    from .db import open_database

    return open_database(settings.database_url, pool_size=settings.db_pool_size)


def _at_once(
    settings: Settings, database: Database, given: UnitOfWorkFactory | None
) -> UnitOfWorkFactory:
    """Units of work that never wait.

    A unit-of-work factory given in place of the database's (in memory, in tests) serves
    both paths: it has nothing to wait for."""
    return given if given is not None else database.unit_of_work_at_once


def _hasher(settings: Settings) -> PasswordHasher:
    from .security import Argon2PasswordHasher

    return Argon2PasswordHasher(concurrency=settings.hash_concurrency)


def _codec(settings: Settings) -> TokenCodec:
    from .security import PyJwtTokenCodec

    return PyJwtTokenCodec(
        settings.jwt_secret, issuer=settings.jwt_issuer, audience=settings.jwt_audience
    )


def _redis(settings: Settings) -> redis.Redis | None:
    if settings.redis_url is None:
        return None
    import redis

    return redis.Redis.from_url(
        settings.redis_url, socket_connect_timeout=2, socket_timeout=2, health_check_interval=30
    )


def _throttle(settings: Settings, clock: Clock, client: redis.Redis | None) -> LoginThrottle:
    from .throttle import MemoryLoginThrottle, RedisLoginThrottle

    if client is None:
        return MemoryLoginThrottle(settings.login_rate, settings.login_rate_per_address, clock)
    return RedisLoginThrottle(client, settings.login_rate, settings.login_rate_per_address)
