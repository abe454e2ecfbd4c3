"""The one composition root: which adapter implements which port, decided in one place.

``bootstrap(settings, overrides)`` is called once per process by the app factory, the
worker module and each CLI command; nothing here runs at import time and nothing connects
until first use. The edges receive a ``Container``: use-cases and a few services, typed by
the core's ports. Tests swap adapters with a typed ``Overrides``, never by patching.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

import attrs
import dramatiq

from selteq_core import (
    Authenticate,
    ChangePassword,
    Clock,
    CountTasks,
    CountUserTasks,
    CreateTask,
    CreateTasksBatch,
    DeleteAnyTask,
    DeleteTask,
    DeleteUser,
    GetAnyTask,
    GetTask,
    GetTasksBatch,
    GetUser,
    IsStaff,
    JobsUnitOfWorkFactory,
    ListAllTasks,
    ListAuditLog,
    ListRecentTasksBatch,
    ListTaskPage,
    ListUsers,
    Login,
    LoginThrottle,
    Logout,
    LogTasks,
    LogTasksOneByOne,
    PasswordHasher,
    PasswordRule,
    PurgeIdempotencyKeys,
    RefreshSession,
    RegisterUser,
    RenameTask,
    ReportTasks,
    ResetPassword,
    SessionPolicy,
    SetUserActive,
    SetUserStaff,
    SignupThrottle,
    TaskBatchReader,
    TaskLog,
    TickLock,
    TokenCodec,
    Unavailable,
    UnitOfWorkFactory,
)

from .db.uow import CALLER_GONE
from .logs import REQUEST_ID, AccessLog, RequestIdFilter, configure_logging, file_handler
from .settings import Settings, SettingsError, load_settings, redact_url
from .tracing import NO_TRACING, SpanFactory, Tracing, start_tracing

if TYPE_CHECKING:
    import redis
    from opentelemetry.sdk.trace.export import SpanExporter
    from opentelemetry.trace import TracerProvider

    from .db import Database
    from .jobs import JobsDesk

# The edges import only this module of the adapters: what it re-exports is what they may
# use besides the container itself (reading settings, setting up logging).
__all__ = [
    "CALLER_GONE",
    "REQUEST_ID",
    "AccessLog",
    "Container",
    "Overrides",
    "RequestIdFilter",
    "Settings",
    "SettingsError",
    "SpanFactory",
    "bootstrap",
    "configure_logging",
    "file_handler",
    "load_settings",
    "redact_url",
]

log = logging.getLogger("selteq.ready")

BROWSER_REUSE_WINDOW = 30
"""Seconds in which the browser's just-spent refresh token still buys a sibling pair: long
enough for tabs restored together and a request overtaken in a busy queue, short enough
that a cookie replayed later is caught (docs/decisions/0430)."""


@attrs.frozen
class Overrides:
    """Adapters to use in place of the real ones (tests); ``None`` keeps the real one.

    A store given as ``uow`` offers no batch read unless ``batch_reader`` is given too: the
    real database's batch read would see other data than the given store."""

    clock: Clock | None = None
    database: Database | None = None
    uow: UnitOfWorkFactory | None = None
    batch_reader: TaskBatchReader | None = None
    hasher: PasswordHasher | None = None
    codec: TokenCodec | None = None
    throttle: LoginThrottle | None = None
    signup_throttle: SignupThrottle | None = None
    redis: redis.Redis | None = None
    task_log: TaskLog | None = None
    span_exporter: SpanExporter | None = None
    """Receives every span as it ends, in place of the OTLP exporter; turns tracing on."""
    jobs_uow: JobsUnitOfWorkFactory | None = None
    """Holds the schedules and runs; the database's when not given."""


@attrs.frozen(kw_only=True)
class Container:
    """What a process needs, typed by the core's ports; the edges use only this."""

    settings: Settings
    clock: Clock
    create_task: CreateTask
    create_tasks_batch: CreateTasksBatch | None
    """``create_task`` without idempotency keys, written in batches when
    ``SELTEQ_LIST_BATCH`` > 1, else None."""
    list_recent_tasks_batch: ListRecentTasksBatch | None
    """The batch read when the store offers one and ``SELTEQ_LIST_BATCH`` > 1, else None."""
    list_task_page: ListTaskPage
    get_task: GetTask
    get_tasks_batch: GetTasksBatch | None
    """``get_task`` read in batches, on the same terms as ``list_recent_tasks_batch``."""
    rename_task: RenameTask
    delete_task: DeleteTask
    register_user: RegisterUser
    login: Login
    authenticate: Authenticate
    refresh_session: RefreshSession
    resume_session: RefreshSession
    """The browser's: the same rotation with a short reuse window (docs/decisions/0430)."""
    logout: Logout
    change_password: ChangePassword
    list_users: ListUsers
    get_user: GetUser
    is_staff: IsStaff
    set_user_active: SetUserActive
    reset_password: ResetPassword
    delete_user: DeleteUser
    list_all_tasks: ListAllTasks
    report_tasks: ReportTasks
    log_tasks: LogTasks
    log_tasks_one_by_one: LogTasksOneByOne
    """The watcher's ``--one-by-one`` walk: the same records as ``log_tasks``."""
    purge_idempotency_keys: PurgeIdempotencyKeys
    """Forgets expired idempotency keys in bounded batches; run every
    ``SELTEQ_PURGE_INTERVAL`` seconds by the scheduler's worker or the embedded jobs."""
    broker: dramatiq.Broker
    """Redis when ``SELTEQ_REDIS_URL`` is set, else an in-process stub; no actor declared."""
    tick_lock: TickLock | None
    """Lets scheduler replicas send once per tick between them; None without Redis."""
    migrate: Callable[[], list[str]]
    fill_pool: Callable[[float], int]
    """Opens and warms the database pool within the seconds given, before a server takes
    load; the connections open (0 when the units of work are not the database's)."""
    ping_database: Callable[[], None]
    """``SELECT 1`` on a pooled connection; Unavailable when the database does not answer."""
    readiness: Callable[[], dict[str, bool]]
    """Which backing services answer now: ``database``, and ``redis`` when configured."""
    tracer_provider: TracerProvider | None = None
    """OpenTelemetry's provider when tracing is on (SELTEQ_OTLP_ENDPOINT), else None."""
    span: SpanFactory = NO_TRACING.span
    """``with container.span(name, **attributes):`` a traced unit of work (a no-op when off)."""
    _closers: tuple[Callable[[], None], ...] = attrs.field(alias="closers")
    count_tasks: CountTasks
    set_user_staff: SetUserStaff
    delete_any_task: DeleteAnyTask
    get_any_task: GetAnyTask
    count_user_tasks: CountUserTasks
    list_audit_log: ListAuditLog
    jobs: JobsDesk
    """Schedules, runs and dead letters (staff use-cases), the scheduler's tick
    (``jobs.run_due_schedules()``, also the embedded mode's) and the worker's run recorder."""

    def close(self) -> None:
        for close in self._closers:
            close()


def bootstrap(settings: Settings | None = None, overrides: Overrides | None = None) -> Container:
    """Build the container from settings (the environment's when not given)."""
    from .broker import make_broker
    from .clock import SystemClock
    from .hashing import Argon2PasswordHasher
    from .jobs import build_jobs
    from .strength import ZxcvbnPasswordStrength
    from .tasklog import LoggingTaskLog
    from .throttle import build_throttles
    from .ticklock import RedisTickLock
    from .tokens import PyJwtTokenCodec

    settings = settings or Settings.from_env()
    given = overrides or Overrides()
    clock = given.clock or SystemClock()
    tracing = _tracing(settings, given.span_exporter)
    database = given.database or _database(settings, tracing)
    uow = given.uow or database.unit_of_work
    if given.uow is None:
        batch_reader: TaskBatchReader | None = given.batch_reader or database.batch_reader()
    else:
        batch_reader = given.batch_reader
    hasher = given.hasher or Argon2PasswordHasher(concurrency=settings.hash_concurrency)
    codec = given.codec or PyJwtTokenCodec(
        settings.jwt_secret, issuer=settings.jwt_issuer, audience=settings.jwt_audience
    )
    client = given.redis or _redis(settings)
    # Keyed by the namespace, like the broker: deployments sharing one Redis count apart.
    throttles = build_throttles(settings, client, key_prefix=f"{settings.broker_namespace}:limits")
    throttle = given.throttle or throttles.login
    signup_throttle = given.signup_throttle or throttles.signup
    broker = make_broker(settings, client)
    closers: list[Callable[[], None]] = []
    if settings.metrics:  # SELTEQ_METRICS: login outcomes and the pool (selteq_adapters.metrics)
        from .metrics import CountedLoginThrottle, PoolGauges

        throttle = CountedLoginThrottle(throttle)
        closers.append(PoolGauges(database.pool_stats).start().close)
    policy = SessionPolicy(access_ttl=settings.access_ttl, refresh_ttl=settings.refresh_ttl)
    report = ReportTasks(uow)
    task_log = given.task_log or LoggingTaskLog()
    authenticate = Authenticate(codec, clock, uow, policy)
    rule = PasswordRule(ZxcvbnPasswordStrength())
    tick_lock = None if client is None else RedisTickLock(client)
    log_tasks = LogTasks(report, task_log)
    purge_keys = PurgeIdempotencyKeys(uow, clock)
    closers += [broker.close, database.close, tracing.shutdown]
    if client is not None:
        closers.append(client.close)
    return Container(
        settings=settings,
        clock=clock,
        create_task=CreateTask(uow, clock),
        create_tasks_batch=CreateTasksBatch(uow, clock) if settings.list_batch > 1 else None,
        list_recent_tasks_batch=(
            ListRecentTasksBatch(batch_reader)
            if batch_reader is not None and settings.list_batch > 1
            else None
        ),
        list_task_page=ListTaskPage(uow),
        get_task=GetTask(uow),
        get_tasks_batch=(
            GetTasksBatch(batch_reader)
            if batch_reader is not None and settings.list_batch > 1
            else None
        ),
        rename_task=RenameTask(uow, clock),
        delete_task=DeleteTask(uow),
        register_user=RegisterUser(uow, hasher, clock, signup_throttle, rule=rule),
        login=Login(uow, hasher, codec, clock, throttle, policy),
        authenticate=authenticate,
        refresh_session=RefreshSession(uow, codec, clock, policy),
        resume_session=RefreshSession(uow, codec, clock, policy, BROWSER_REUSE_WINDOW),
        logout=Logout(uow, codec, clock),
        change_password=ChangePassword(uow, hasher, clock, rule=rule),
        list_users=ListUsers(uow),
        get_user=GetUser(uow),
        is_staff=IsStaff(uow),
        set_user_active=SetUserActive(uow, clock, authenticate.forget),
        reset_password=ResetPassword(uow, hasher, clock, rule=rule),
        delete_user=DeleteUser(uow, clock, authenticate.forget),
        list_all_tasks=ListAllTasks(uow),
        report_tasks=report,
        log_tasks=log_tasks,
        log_tasks_one_by_one=LogTasksOneByOne(report, task_log, clock),
        purge_idempotency_keys=purge_keys,
        broker=broker,
        tick_lock=tick_lock,
        migrate=database.migrate,
        fill_pool=database.fill_pool if given.uow is None else _nothing_to_fill,
        ping_database=database.ping,
        readiness=_readiness(database.ping, client),
        tracer_provider=tracing.provider,
        span=tracing.span,
        closers=tuple(closers),
        count_tasks=CountTasks(uow),
        set_user_staff=SetUserStaff(uow, clock, authenticate.forget),
        delete_any_task=DeleteAnyTask(uow, clock),
        get_any_task=GetAnyTask(uow),
        count_user_tasks=CountUserTasks(uow),
        list_audit_log=ListAuditLog(uow),
        jobs=build_jobs(
            settings,
            uow=given.jobs_uow or database.jobs_unit_of_work,
            clock=clock,
            broker=broker,
            client=client,
            tick_lock=tick_lock,
            log_tasks=log_tasks,
            purge_keys=purge_keys,
        ),
    )


def _tracing(settings: Settings, exporter: SpanExporter | None) -> Tracing:
    """Tracing when an endpoint (or a test's exporter) is given; else nothing is imported."""
    if settings.otlp_endpoint is None and exporter is None:
        return NO_TRACING
    return start_tracing(settings.otlp_endpoint, exporter)


def _database(settings: Settings, tracing: Tracing) -> Database:
    from .db import open_database

    return open_database(
        settings.database_url,
        pool_size=settings.db_pool_size,
        connect_timeout=settings.db_connect_timeout,
        acquire_timeout=settings.db_acquire_timeout,
        statement_timeout=settings.db_timeout,
        statement_span=None if tracing.provider is None else tracing.statement_span,
    )


def _nothing_to_fill(_timeout: float) -> int:
    return 0


def _redis(settings: Settings) -> redis.Redis | None:
    """The process's one Redis client (broker, throttle, tick lock, readiness); short
    timeouts, so a Redis that stops answering costs seconds, never a hang."""
    if settings.redis_url is None:
        return None
    import redis

    return redis.Redis.from_url(
        settings.redis_url, socket_connect_timeout=2, socket_timeout=2, health_check_interval=30
    )


def _readiness(
    ping_database: Callable[[], None], client: redis.Redis | None
) -> Callable[[], dict[str, bool]]:
    def readiness() -> dict[str, bool]:
        checks = {"database": _answers(ping_database)}
        if client is not None:
            checks["redis"] = _answers(client.ping)
        return checks

    return readiness


def _answers(probe: Callable[[], object]) -> bool:
    import redis

    try:
        return probe() is not False
    except (Unavailable, redis.RedisError) as error:
        log.warning("not ready: %s", type(error).__name__)
        return False
