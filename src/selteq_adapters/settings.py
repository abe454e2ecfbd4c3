"""Settings: read from the environment once, at the edge, into one frozen object."""

from __future__ import annotations

import contextlib
import ipaddress
import os
import re
import secrets
import tempfile
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import attrs

DEFAULT_DATABASE_URL = "sqlite:///var/selteq.db"
MIN_SECRET_BYTES = 32
_RATE = re.compile(r"^\s*(\d+)\s*/\s*(second|minute|hour|day)\s*$")
_PERIODS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


class SettingsError(ValueError):
    """A setting is malformed, or production was asked to run with an insecure default."""


@attrs.frozen
class Rate:
    """``count`` events per ``period`` seconds, written like ``10/minute``."""

    count: int
    period: int

    @classmethod
    def parse(cls, text: str, name: str) -> Rate:
        match = _RATE.match(text)
        if match is None or int(match[1]) < 1:
            raise SettingsError(f"{name} must look like '10/minute', got {text!r}")
        return cls(int(match[1]), _PERIODS[match[2]])


_SECRET_KEYS = {"password", "pwd"}
_ODBC_SECRET = re.compile(r"(?i)\b(pwd|password)\s*=\s*(\{(?:[^}]|\}\})*\}|[^;]*)")


def redact_url(url: str) -> str:
    """The URL with any password replaced, fit for a log line.

    The user-info password runs to the last ``@`` (passwords may contain ``@``); an
    ``odbc_connect`` string is decoded first and its PWD hidden, braces and all."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "<unparseable url>"
    netloc = parts.netloc
    if "@" in netloc:
        userinfo, host = netloc.rsplit("@", 1)
        user, has_password, _ = userinfo.partition(":")
        netloc = f"{user}:***@{host}" if has_password else f"{user}@{host}"
    query = []
    for key, value in parse_qsl(parts.query, keep_blank_values=True):
        if key.lower() in _SECRET_KEYS:
            value = "***"
        elif key.lower() == "odbc_connect":
            value = _ODBC_SECRET.sub(r"\1=***", value)
        query.append(f"{key}={value}")
    redacted = f"{parts.scheme}://{netloc}{parts.path}"
    return redacted + ("?" + "&".join(query) if query else "")


@attrs.frozen
class Settings:
    """Every setting Selteq reads; see the README's Settings table for each variable."""

    env: str = "development"
    database_url: str = attrs.field(default=DEFAULT_DATABASE_URL, repr=redact_url)
    broker_namespace: str = "selteq"
    redis_url: str | None = attrs.field(
        default=None, repr=lambda u: "None" if u is None else redact_url(u)
    )
    jwt_secret: str = attrs.field(default="", repr=False)
    jwt_issuer: str = "selteq"
    jwt_audience: str = "selteq-api"
    access_ttl: int = 300
    refresh_ttl: int = 86_400
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 2
    signup: bool = True
    login_rate: Rate = Rate(10, 60)
    login_rate_per_address: Rate = Rate(100, 60)
    max_body_bytes: int = 64 * 1024
    db_pool_size: int = 8
    # Bounded database waits: a connection attempt, a wait for a pooled connection, and the
    # deadline of one call from the HTTP adapter (503 past it).
    db_connect_timeout: int = 3
    db_acquire_timeout: int = 3
    db_timeout: int = 4
    hash_concurrency: int = 1
    list_batch: int = 16
    report_user_id: int = 1
    report_interval: int = 60
    tasks_log: str = "var/tasks.log"
    log_level: str = "INFO"
    # Sign-up throttle (docs/decisions/0243): attempts per client address, taken names
    # included; SELTEQ_SIGNUP_RATE, like SELTEQ_LOGIN_RATE, is "count/period".
    signup_rate: Rate = Rate(10, 3600)
    # --- Operations: metrics and proxies (docs/operations.md) ---
    # metrics: SELTEQ_METRICS, every process records and exports Prometheus metrics.
    # metrics_allow: SELTEQ_METRICS_ALLOW, client networks that may read the API's /metrics.
    # metrics_port: SELTEQ_METRICS_PORT, the scheduler's and the watcher's metrics listener.
    # trusted_proxies: SELTEQ_TRUSTED_PROXIES, peers whose forwarded client address is believed.
    # proxy_header: SELTEQ_PROXY_HEADER, which header those proxies write.
    metrics: bool = False
    metrics_allow: tuple[str, ...] = ("127.0.0.1/32", "::1/128")
    metrics_port: int = 9464
    trusted_proxies: tuple[str, ...] = ()
    proxy_header: str = "x-forwarded-for"

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
        cls, environ: Mapping[str, str] | None = None, *, var_dir: str = "var"
    ) -> Settings:
        """Read ``SELTEQ_*`` variables. In development a missing JWT secret is generated once
        and kept in ``var/jwt-secret``; in production every insecure default is refused."""
        env = os.environ if environ is None else environ
        get = env.get
        settings = cls(
            env=get("SELTEQ_ENV", "development").strip().lower(),
            database_url=get("SELTEQ_DATABASE_URL", DEFAULT_DATABASE_URL),
            redis_url=get("SELTEQ_REDIS_URL") or None,
            broker_namespace=get("SELTEQ_BROKER_NAMESPACE", "").strip() or "selteq",
            jwt_secret=get("SELTEQ_JWT_SECRET", ""),
            jwt_issuer=get("SELTEQ_JWT_ISSUER", "selteq"),
            jwt_audience=get("SELTEQ_JWT_AUDIENCE", "selteq-api"),
            access_ttl=_int(env, "SELTEQ_ACCESS_TTL", 300, minimum=1),
            refresh_ttl=_int(env, "SELTEQ_REFRESH_TTL", 86_400, minimum=1),
            host=get("SELTEQ_HOST", "127.0.0.1"),
            port=_int(env, "SELTEQ_PORT", 8000, minimum=0, maximum=65535),
            workers=_int(env, "SELTEQ_WORKERS", 2, minimum=1),
            signup=_bool(env, "SELTEQ_SIGNUP", True),
            login_rate=Rate.parse(get("SELTEQ_LOGIN_RATE", "10/minute"), "SELTEQ_LOGIN_RATE"),
            login_rate_per_address=Rate.parse(
                get("SELTEQ_LOGIN_RATE_PER_ADDRESS", "100/minute"), "SELTEQ_LOGIN_RATE_PER_ADDRESS"
            ),
            max_body_bytes=_int(env, "SELTEQ_MAX_BODY_BYTES", 64 * 1024, minimum=1024),
            db_pool_size=_int(env, "SELTEQ_DB_POOL_SIZE", 8, minimum=1),
            db_connect_timeout=_int(env, "SELTEQ_DB_CONNECT_TIMEOUT", 3, minimum=1, maximum=60),
            db_acquire_timeout=_int(env, "SELTEQ_DB_ACQUIRE_TIMEOUT", 3, minimum=1, maximum=60),
            db_timeout=_int(env, "SELTEQ_DB_TIMEOUT", 4, minimum=1, maximum=300),
            hash_concurrency=_int(env, "SELTEQ_HASH_CONCURRENCY", 1, minimum=1),
            list_batch=_int(env, "SELTEQ_LIST_BATCH", 16, minimum=1, maximum=100),
            report_user_id=_int(env, "SELTEQ_REPORT_USER_ID", 1, minimum=1),
            report_interval=_int(env, "SELTEQ_REPORT_INTERVAL", 60, minimum=1),
            tasks_log=get("SELTEQ_TASKS_LOG", "var/tasks.log"),
            log_level=get("SELTEQ_LOG_LEVEL", "INFO").upper(),
            # Sign-up throttle (docs/decisions/0243).
            signup_rate=Rate.parse(get("SELTEQ_SIGNUP_RATE", "10/hour"), "SELTEQ_SIGNUP_RATE"),
            # --- Operations: metrics and proxies ---
            metrics=_bool(env, "SELTEQ_METRICS", False),
            metrics_allow=_networks(env, "SELTEQ_METRICS_ALLOW", "127.0.0.1/32,::1/128"),
            metrics_port=_int(env, "SELTEQ_METRICS_PORT", 9464, minimum=1, maximum=65535),
            trusted_proxies=_networks(env, "SELTEQ_TRUSTED_PROXIES", ""),
            proxy_header=_choice(
                env, "SELTEQ_PROXY_HEADER", "x-forwarded-for", {"x-forwarded-for", "forwarded"}
            ),
        )
        if settings.env not in {"development", "production", "test"}:
            raise SettingsError("SELTEQ_ENV must be development, production or test")
        if settings.log_level not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
            raise SettingsError("SELTEQ_LOG_LEVEL must be DEBUG, INFO, WARNING, ERROR or CRITICAL")
        if settings.jwt_secret and len(settings.jwt_secret.encode()) < MIN_SECRET_BYTES:
            raise SettingsError(f"SELTEQ_JWT_SECRET must be at least {MIN_SECRET_BYTES} bytes")
        if settings.production:
            settings.check_production()
        elif not settings.jwt_secret:
            settings = attrs.evolve(settings, jwt_secret=_dev_secret(Path(var_dir)))
        return settings

    def check_production(self) -> None:
        """Refuse to start production with a weak or default configuration."""
        problems = []
        if len(self.jwt_secret.encode()) < MIN_SECRET_BYTES:
            problems.append(f"SELTEQ_JWT_SECRET must be set to at least {MIN_SECRET_BYTES} bytes")
        if self.database_url.lower().startswith("sqlite:"):
            problems.append("SELTEQ_DATABASE_URL must name a server database, not SQLite")
        # Rate limits need one store for every worker (docs/decisions/0242).
        if self.server_workers > 1 and self.redis_url is None:
            problems.append(
                "SELTEQ_REDIS_URL must be set when SELTEQ_WORKERS is above 1, so every worker"
                " counts failed logins and sign-ups in one store"
            )
        if problems:
            raise SettingsError("refusing to start in production: " + "; ".join(problems))


def _int(
    env: Mapping[str, str], name: str, default: int, *, minimum: int, maximum: int = 2**31 - 1
) -> int:
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a whole number, got {raw!r}") from None
    if not minimum <= value <= maximum:
        raise SettingsError(f"{name} must be between {minimum} and {maximum}, got {value}")
    return value


def _bool(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return default
    if raw.strip().lower() in _TRUE:
        return True
    if raw.strip().lower() in _FALSE:
        return False
    raise SettingsError(f"{name} must be true or false, got {raw!r}")


def _networks(env: Mapping[str, str], name: str, default: str) -> tuple[str, ...]:
    """Comma-separated addresses or CIDR ranges, each normalised (``10.0.0.1`` becomes
    ``10.0.0.1/32``); a host address with bits set past the prefix is refused."""
    raw = env.get(name)
    text = default if raw is None else raw
    try:
        return tuple(
            str(ipaddress.ip_network(item.strip())) for item in text.split(",") if item.strip()
        )
    except ValueError as exc:
        raise SettingsError(f"{name} must list addresses or CIDR ranges: {exc}") from None


def _choice(env: Mapping[str, str], name: str, default: str, allowed: set[str]) -> str:
    value = (env.get(name) or default).strip().lower()
    if value not in allowed:
        raise SettingsError(f"{name} must be one of {', '.join(sorted(allowed))}, got {value!r}")
    return value


def _dev_secret(var_dir: Path) -> str:
    """A random secret made on first use and kept, so tokens survive a restart.

    Written to a private temporary file and linked into place, so a racing process sees
    either no file or the whole secret; a kept file too short to be a secret is replaced."""
    path = var_dir / "jwt-secret"
    kept = _read_secret(path)
    if kept is not None:
        return kept
    var_dir.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=var_dir, prefix=".jwt-secret.")
    try:
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(48))
        if path.exists() and _read_secret(path) is None:
            path.unlink(missing_ok=True)  # an empty or truncated file from a crash
        with contextlib.suppress(FileExistsError):
            os.link(temporary, path)
    finally:
        os.unlink(temporary)
    kept = _read_secret(path)
    if kept is None:
        raise SettingsError(f"could not keep a JWT secret in {path}")
    return kept


def _read_secret(path: Path) -> str | None:
    try:
        secret = path.read_text().strip()
    except FileNotFoundError:
        return None
    return secret if len(secret.encode()) >= MIN_SECRET_BYTES else None
