"""Every setting Selteq reads, declared once: name, type, default, variable and meaning.

``docs/operations.md`` lists them. A field's environment variable is ``SELTEQ_`` and its
name in capitals.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import attrs

from selteq_adapters.db.url import redact_url

from ._declare import Rate, lower, networks, origins, otlp_endpoint, setting, upper

DEFAULT_DATABASE_URL = "sqlite:///var/selteq.db"


def _redacted(url: str | None) -> str:
    return "None" if url is None else redact_url(url)


@attrs.frozen
class Settings:
    """Read from the environment once, at the edge (``load_settings``), then passed in."""

    env: str = setting(
        "development",
        "development, test or production; production refuses insecure defaults at start",
        normalize=lower,
        choices=("development", "test", "production"),
    )
    database_url: str = setting(
        DEFAULT_DATABASE_URL,
        "sqlite:///file, postgresql://, mssql:// or odbc://?odbc_connect=...",
        repr=_redacted,
    )
    redis_url: str | None = setting(
        None,
        "redis:// or rediss:// URL: the Dramatiq broker and shared stores; unset = embedded",
        repr=_redacted,
    )
    broker_namespace: str = setting("selteq", "prefix of every Redis key the broker writes")
    jwt_secret: str = setting(
        "",
        "HMAC key for tokens; in development kept in var/jwt-secret by `selteq secret`",
        repr=False,
    )
    jwt_issuer: str = setting("selteq", "the tokens' iss claim")
    jwt_audience: str = setting("selteq-api", "the tokens' aud claim")
    access_ttl: int = setting(300, "access token lifetime, seconds", minimum=1)
    refresh_ttl: int = setting(86_400, "refresh token lifetime, seconds", minimum=1)
    host: str = setting("127.0.0.1", "address selteq-api listens on")
    port: int = setting(8000, "port selteq-api listens on", minimum=0, maximum=65535)
    workers: int = setting(2, "selteq-api processes in production (development: 1)", minimum=1)
    signup: bool = setting(True, "POST /api/users/ open to anyone")
    login_rate: Rate = setting(
        Rate(10, 60), "failed logins per address and username", parse=Rate.parse
    )
    login_rate_per_address: Rate = setting(
        Rate(100, 60), "failed logins per address, any username", parse=Rate.parse
    )
    signup_rate: Rate = setting(
        Rate(10, 3600), "sign-up attempts per client address", parse=Rate.parse
    )
    cors_origins: tuple[str, ...] = setting(
        (),
        "browser origins (scheme://host[:port], comma separated) whose pages may call the"
        " API; '*' any origin, refused in production; none by default",
        parse=origins,
    )
    max_body_bytes: int = setting(64 * 1024, "largest request body accepted", minimum=1024)
    db_pool_size: int = setting(
        8, "database connections per process, and the threads that use them", minimum=1
    )
    db_connect_timeout: int = setting(
        3, "seconds opening a database connection may take", minimum=1, maximum=60
    )
    db_acquire_timeout: int = setting(
        3, "seconds a call waits for a free pooled connection", minimum=1, maximum=60
    )
    db_timeout: int = setting(
        4, "seconds a request waits for one database call before a 503", minimum=1, maximum=300
    )
    hash_concurrency: int = setting(1, "password hashes computed at once per process", minimum=1)
    list_batch: int = setting(
        32, "requests of one kind answered by one statement", minimum=1, maximum=100
    )
    report_user_id: int = setting(1, "whose tasks the minute job reports", minimum=1)
    report_interval: int = setting(60, "seconds between the job's reports", minimum=1)
    purge_interval: int = setting(
        3600, "seconds between purges of expired idempotency keys", minimum=1
    )
    tasks_log: str = setting("var/tasks.log", "the watcher's rotating log file")
    log_level: str = setting(
        "INFO",
        "the lowest level logged",
        normalize=upper,
        choices=("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"),
    )
    log_format: str = setting(
        "text",
        "text (one escaped line per record) or json (one object per line)",
        normalize=lower,
        choices=("text", "json"),
    )
    # Connection hygiene of selteq-api (docs/operations.md, "Timeouts and limits").
    header_timeout: int = setting(
        10,
        "seconds to receive a request's head, counted from the connection's opening or the"
        " previous response (so it is also the keep-alive idle timeout)",
        minimum=1,
        maximum=60,
    )
    body_timeout: int = setting(
        10, "seconds to receive a request's whole body once its head is in", minimum=1
    )
    max_connections: int = setting(
        8192, "open connections per server process; more wait in the backlog", minimum=16
    )
    backlog: int = setting(
        1024, "connections the kernel queues for the server (capped by somaxconn)", minimum=128
    )

    # Operations (docs/operations.md, "Metrics" and "The client address behind a proxy").
    metrics: bool = setting(False, "every process records and serves Prometheus metrics")
    metrics_allow: tuple[str, ...] = setting(
        ("127.0.0.1/32", "::1/128"),
        "client networks that may read the API's /metrics (comma separated)",
        parse=networks,
    )
    metrics_port: int = setting(
        9464, "the scheduler's and the watcher's metrics listener", minimum=1, maximum=65535
    )
    trusted_proxies: tuple[str, ...] = setting(
        (), "peers whose forwarded client address is believed (comma separated)", parse=networks
    )
    proxy_header: str = setting(
        "x-forwarded-for",
        "the one header those proxies write",
        normalize=lower,
        choices=("x-forwarded-for", "forwarded"),
    )

    otlp_endpoint: str | None = setting(
        None,
        "OTLP/HTTP collector (http://host:4318): spans of requests, SQL statements and jobs"
        " go to its /v1/traces; unset = no tracing",
        parse=otlp_endpoint,
    )

    @property
    def production(self) -> bool:
        return self.env == "production"

    @property
    def server_workers(self) -> int:
        """API server processes: ``workers`` in production, one otherwise."""
        return self.workers if self.production else 1

    @property
    def embedded_jobs(self) -> bool:
        """Without Redis the API runs the minute job itself, but only when it is the only
        server process, so the job runs once per tick, not once per worker."""
        return self.redis_url is None and self.server_workers == 1

    @classmethod
    def from_env(
        cls,
        environ: Mapping[str, str] | None = None,
        *,
        var_dir: str = "var",
        warn: Callable[[str], object] | None = None,
    ) -> Settings:
        """Read every ``SELTEQ_*`` variable; raise one SettingsError naming every problem.

        Outside production a missing JWT secret is read from ``var_dir/jwt-secret`` (made by
        ``selteq secret``); nothing is ever written. ``warn`` hears about unknown variables
        outside production (in production they are errors)."""
        from ._read import read

        return read(cls, environ, var_dir=var_dir, warn=warn)
