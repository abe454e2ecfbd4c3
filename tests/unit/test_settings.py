"""Settings.from_env: every variable, every refusal at once, unknown variables, the kept
development secret, weak production secrets and the repr."""

from __future__ import annotations

import secrets
import stat
from pathlib import Path

import pytest

from selteq_adapters.settings import (
    Rate,
    Settings,
    SettingsError,
    make_secret,
    redact_url,
    weak_secret,
)

SECRET = "Zq8-vR2kL0x_Tn5bW7yHcE1uJ4sG9dPa"  # exactly 32 bytes, no pattern
DEV = "a-development-secret-of-32-bytes!"
PG = "postgresql://selteq:db-password@db.internal:5432/selteq"


def load(tmp_path: Path, **env: str) -> Settings:
    return Settings.from_env(env, var_dir=str(tmp_path / "var"))


def dev(tmp_path: Path, **env: str) -> Settings:
    """Development or test settings with a secret given, as most tests want."""
    return load(tmp_path, **{"SELTEQ_JWT_SECRET": DEV, **env})


def test_defaults_match_the_documented_table(tmp_path: Path) -> None:
    s = dev(tmp_path)
    assert (s.env, s.database_url, s.redis_url) == ("development", "sqlite:///var/selteq.db", None)
    assert (s.host, s.port, s.signup) == ("127.0.0.1", 8000, True)
    assert (s.login_rate, s.login_rate_per_address) == (Rate(10, 60), Rate(100, 60))
    assert s.signup_rate == Rate(10, 3600)
    assert (s.access_ttl, s.refresh_ttl) == (300, 86_400)
    assert (s.db_pool_size, s.list_batch, s.log_format) == (8, 32, "text")
    assert (s.header_timeout, s.body_timeout, s.max_connections, s.backlog) == (10, 10, 8192, 1024)
    assert not s.production


def test_every_variable_is_read(tmp_path: Path) -> None:
    s = load(
        tmp_path,
        SELTEQ_ENV=" Production ",
        SELTEQ_DATABASE_URL=PG,
        SELTEQ_REDIS_URL="redis://:redis-password@cache:6379/2",
        SELTEQ_JWT_SECRET=SECRET,
        SELTEQ_JWT_ISSUER="issuer-x",
        SELTEQ_JWT_AUDIENCE="audience-x",
        SELTEQ_ACCESS_TTL="60",
        SELTEQ_REFRESH_TTL="3600",
        SELTEQ_HOST="0.0.0.0",
        SELTEQ_PORT="9000",
        SELTEQ_WORKERS="4",
        SELTEQ_SIGNUP="off",
        SELTEQ_LOGIN_RATE="5/second",
        SELTEQ_LOGIN_RATE_PER_ADDRESS="1000/hour",
        SELTEQ_MAX_BODY_BYTES="2048",
        SELTEQ_DB_POOL_SIZE="16",
        SELTEQ_HASH_CONCURRENCY="3",
        SELTEQ_LIST_BATCH="8",
        SELTEQ_REPORT_USER_ID="7",
        SELTEQ_REPORT_INTERVAL="30",
        SELTEQ_TASKS_LOG="/tmp/tasks.log",
        SELTEQ_LOG_LEVEL="debug",
        SELTEQ_LOG_FORMAT="JSON",
        SELTEQ_HEADER_TIMEOUT="5",
        SELTEQ_BODY_TIMEOUT="7",
        SELTEQ_MAX_CONNECTIONS="100",
        SELTEQ_BACKLOG="256",
        SELTEQ_BROKER_NAMESPACE="ns",
    )
    assert s == Settings(
        env="production",
        database_url=PG,
        redis_url="redis://:redis-password@cache:6379/2",
        jwt_secret=SECRET,
        jwt_issuer="issuer-x",
        jwt_audience="audience-x",
        access_ttl=60,
        refresh_ttl=3600,
        host="0.0.0.0",
        port=9000,
        workers=4,
        signup=False,
        login_rate=Rate(5, 1),
        login_rate_per_address=Rate(1000, 3600),
        max_body_bytes=2048,
        db_pool_size=16,
        hash_concurrency=3,
        list_batch=8,
        report_user_id=7,
        report_interval=30,
        tasks_log="/tmp/tasks.log",
        log_level="DEBUG",
        log_format="json",
        header_timeout=5,
        body_timeout=7,
        max_connections=100,
        backlog=256,
        broker_namespace="ns",
    )
    assert s.production


def test_empty_values_mean_the_default(tmp_path: Path) -> None:
    s = dev(tmp_path, SELTEQ_PORT="", SELTEQ_SIGNUP=" ", SELTEQ_REDIS_URL="")
    assert (s.port, s.signup, s.redis_url) == (8000, True, None)


@pytest.mark.parametrize(
    ("text", "rate"),
    [("10/minute", Rate(10, 60)), (" 3 / second ", Rate(3, 1)), ("1/day", Rate(1, 86_400))],
)
def test_rates_parse(text: str, rate: Rate) -> None:
    assert Rate.parse(text, "X") == rate


@pytest.mark.parametrize(("text", "value"), [("1", True), ("YES", True), ("no", False)])
def test_booleans_parse(tmp_path: Path, text: str, value: bool) -> None:
    assert dev(tmp_path, SELTEQ_SIGNUP=text).signup is value


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("SELTEQ_ENV", "staging"),
        ("SELTEQ_ACCESS_TTL", "0"),
        ("SELTEQ_ACCESS_TTL", "five"),
        ("SELTEQ_REFRESH_TTL", "-1"),
        ("SELTEQ_PORT", "http"),
        ("SELTEQ_PORT", "-1"),
        ("SELTEQ_WORKERS", "0"),
        ("SELTEQ_LIST_BATCH", "0"),
        ("SELTEQ_LIST_BATCH", "101"),
        ("SELTEQ_SIGNUP", "maybe"),
        ("SELTEQ_LOGIN_RATE", "10 per minute"),
        ("SELTEQ_LOGIN_RATE", "0/minute"),
        ("SELTEQ_LOGIN_RATE", "10/week"),
        ("SELTEQ_LOGIN_RATE_PER_ADDRESS", "-5/minute"),
        ("SELTEQ_SIGNUP_RATE", "5 an hour"),
        ("SELTEQ_MAX_BODY_BYTES", "100"),
        ("SELTEQ_DB_POOL_SIZE", "0"),
        ("SELTEQ_HASH_CONCURRENCY", "0"),
        ("SELTEQ_REPORT_USER_ID", "0"),
        ("SELTEQ_REPORT_INTERVAL", "1.5"),
        ("SELTEQ_LOG_FORMAT", "xml"),
        ("SELTEQ_HEADER_TIMEOUT", "61"),
        ("SELTEQ_BODY_TIMEOUT", "0"),
        ("SELTEQ_MAX_CONNECTIONS", "1"),
        ("SELTEQ_BACKLOG", "10"),
        ("SELTEQ_DATABASE_URL", "mysql://h/db"),
        ("SELTEQ_DATABASE_URL", "postgresql://host:port/db"),
        ("SELTEQ_REDIS_URL", "http://cache:6379"),
        ("SELTEQ_REDIS_URL", "redis://cache:99999/0"),
        ("SELTEQ_REDIS_URL", "redis://cache:6379/zero"),
        ("SELTEQ_REDIS_URL", "redis:///0"),
    ],
)
def test_a_bad_value_names_its_variable(tmp_path: Path, name: str, value: str) -> None:
    with pytest.raises(SettingsError, match=name):
        load(tmp_path, **{name: value})


@pytest.mark.parametrize("secret", ["", SECRET[:-1], "é" * 15])
def test_production_refuses_a_missing_or_short_secret(tmp_path: Path, secret: str) -> None:
    with pytest.raises(SettingsError, match="SELTEQ_JWT_SECRET"):
        load(tmp_path, SELTEQ_ENV="production", SELTEQ_DATABASE_URL=PG, SELTEQ_JWT_SECRET=secret)
    assert not (tmp_path / "var").exists()  # production never invents a secret


def test_production_refuses_sqlite_and_lists_every_problem(tmp_path: Path) -> None:
    with pytest.raises(SettingsError) as refused:
        load(tmp_path, SELTEQ_ENV="production")
    assert "SELTEQ_JWT_SECRET" in str(refused.value)
    assert "SELTEQ_DATABASE_URL" in str(refused.value)


def test_production_accepts_32_bytes_counted_in_utf8(tmp_path: Path) -> None:
    for secret in (SECRET, "é" + SECRET[2:]):
        s = load(
            tmp_path,
            SELTEQ_ENV="production",
            SELTEQ_DATABASE_URL=PG,
            SELTEQ_JWT_SECRET=secret,
            SELTEQ_WORKERS="1",
        )
        assert s.jwt_secret == secret


@pytest.mark.parametrize("env", ["development", "test"])
def test_outside_production_the_kept_secret_is_read(tmp_path: Path, env: str) -> None:
    path, made = make_secret(tmp_path / "var")
    assert made
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load(tmp_path, SELTEQ_ENV=env).jwt_secret == path.read_text()
    assert make_secret(tmp_path / "var") == (path, False)  # idempotent
    assert load(tmp_path, SELTEQ_ENV=env).jwt_secret == path.read_text()


def test_reading_settings_never_makes_a_secret(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match=r"run `make run` or `selteq secret`"):
        load(tmp_path)
    assert not (tmp_path / "var").exists()


def test_a_given_secret_wins_and_nothing_is_written(tmp_path: Path) -> None:
    assert load(tmp_path, SELTEQ_JWT_SECRET=SECRET).jwt_secret == SECRET
    assert not (tmp_path / "var").exists()


def test_the_repr_never_shows_a_secret_or_a_password(tmp_path: Path) -> None:
    s = load(
        tmp_path,
        SELTEQ_ENV="production",
        SELTEQ_DATABASE_URL=PG,
        SELTEQ_REDIS_URL="rediss://default:redis-password@cache:6380/0",
        SELTEQ_JWT_SECRET=SECRET,
    )
    for shown in (repr(s), str(s)):
        assert SECRET not in shown
        assert "db-password" not in shown
        assert "redis-password" not in shown
        assert "db.internal" in shown  # still useful for finding the server


@pytest.mark.parametrize(
    "url",
    [
        "mssql://sa:Secret1@host:1433/db?driver=ODBC+Driver+18+for+SQL+Server",
        "odbc://?odbc_connect=DRIVER%3D%7BFreeTDS%7D%3BUID%3Dsa%3BPWD%3DSecret1%3BDATABASE%3Dx",
        "odbc://?odbc_connect=DRIVER={FreeTDS};UID=sa;Pwd=Secret1;DATABASE=x",
        "postgresql://u@host/db?password=Secret1&sslmode=require",
    ],
)
def test_redact_url_hides_the_password(url: str) -> None:
    assert "Secret1" not in redact_url(url)


@pytest.mark.parametrize(
    "url",
    [
        pytest.param("mssql://sa:p@ss-word@host:1433/db", id="at-sign-in-password"),
        pytest.param("odbc://?odbc_connect=UID%3Dsa%3BPWD%3Dp%40ss-word%3B", id="encoded-pwd"),
        pytest.param("odbc://?odbc_connect=UID=sa;PWD={p;ss-word};", id="braced-pwd"),
    ],
)
def test_redact_url_hides_a_password_with_special_characters(url: str) -> None:
    assert "ss-word" not in redact_url(url)


def test_a_port_above_65535_is_refused(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="SELTEQ_PORT"):
        load(tmp_path, SELTEQ_PORT="70000")


def test_an_empty_kept_secret_is_replaced_not_used(tmp_path: Path) -> None:
    (tmp_path / "var").mkdir()
    (tmp_path / "var" / "jwt-secret").write_text("")  # a crash or a racing reader's view
    with pytest.raises(SettingsError, match="SELTEQ_JWT_SECRET"):
        load(tmp_path)
    make_secret(tmp_path / "var")
    assert len(load(tmp_path).jwt_secret.encode()) >= 32


def test_a_short_secret_is_refused_in_every_environment(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="SELTEQ_JWT_SECRET"):
        load(tmp_path, SELTEQ_ENV="development", SELTEQ_JWT_SECRET="short")


def test_an_unknown_log_level_is_refused(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="SELTEQ_LOG_LEVEL"):
        dev(tmp_path, SELTEQ_LOG_LEVEL="chatty")


def test_production_refuses_sqlite_in_any_case(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="SQLite"):
        load(
            tmp_path,
            SELTEQ_ENV="production",
            SELTEQ_JWT_SECRET=SECRET,
            SELTEQ_DATABASE_URL="SQLITE:///x.db",
        )


@pytest.mark.parametrize(
    ("env", "redis", "workers", "embedded"),
    [
        ({}, None, "4", True),  # development serves one process whatever SELTEQ_WORKERS says
        ({"SELTEQ_ENV": "production"}, None, "1", True),
        ({"SELTEQ_ENV": "production"}, "redis://127.0.0.1:6379/0", "4", False),
        ({}, "redis://127.0.0.1:6379/0", "1", False),  # the scheduler process sends it
    ],
)
def test_the_minute_job_runs_in_the_api_only_as_its_single_process(
    tmp_path: Path, env: dict[str, str], redis: str | None, workers: str, embedded: bool
) -> None:
    extra = dict(env, SELTEQ_WORKERS=workers, SELTEQ_JWT_SECRET=DEV)
    if redis:
        extra["SELTEQ_REDIS_URL"] = redis
    if env.get("SELTEQ_ENV") == "production":
        extra |= {"SELTEQ_JWT_SECRET": SECRET, "SELTEQ_DATABASE_URL": "postgresql://h/db"}
    assert load(tmp_path, **extra).embedded_jobs is embedded


def test_production_refuses_several_workers_without_redis(tmp_path: Path) -> None:
    """Each worker would count failed logins on its own (docs/decisions/0242)."""
    production = {
        "SELTEQ_ENV": "production",
        "SELTEQ_DATABASE_URL": PG,
        "SELTEQ_JWT_SECRET": SECRET,
    }
    with pytest.raises(SettingsError, match="SELTEQ_REDIS_URL must be set"):
        load(tmp_path, **production, SELTEQ_WORKERS="2")
    assert load(tmp_path, **production, SELTEQ_WORKERS="1").server_workers == 1
    shared = load(tmp_path, **production, SELTEQ_WORKERS="2", SELTEQ_REDIS_URL="redis://r:6379/0")
    assert shared.server_workers == 2
    assert dev(tmp_path, SELTEQ_WORKERS="4").server_workers == 1  # development: one process


def test_every_problem_is_named_in_one_message(tmp_path: Path) -> None:
    with pytest.raises(SettingsError) as refused:
        dev(
            tmp_path,
            SELTEQ_PORT="http",
            SELTEQ_WORKERS="0",
            SELTEQ_DATABASE_URL="mysql://h/db",
            SELTEQ_REDIS_URL="http://cache",
        )
    message = str(refused.value)
    for name in ("SELTEQ_PORT", "SELTEQ_WORKERS", "SELTEQ_DATABASE_URL", "SELTEQ_REDIS_URL"):
        assert name in message
    assert len(refused.value.problems) == 4
    assert "\n" not in message


def test_an_unknown_variable_is_a_warning_outside_production(tmp_path: Path) -> None:
    heard: list[str] = []
    env = {"SELTEQ_JWT_SECRET": DEV, "SELTEQ_PROT": "9000", "SELTEQ_PASSWORD": "x"}
    s = Settings.from_env(env, var_dir=str(tmp_path), warn=heard.append)
    assert s.port == 8000
    assert heard == ["warning: unknown variable SELTEQ_PROT (did you mean SELTEQ_PORT?)"]


def test_an_unknown_variable_is_refused_in_production(tmp_path: Path) -> None:
    with pytest.raises(
        SettingsError, match=r"SELTEQ_DATABSE_URL \(did you mean SELTEQ_DATABASE_URL"
    ):
        load(
            tmp_path,
            SELTEQ_ENV="production",
            SELTEQ_DATABASE_URL=PG,
            SELTEQ_DATABSE_URL=PG,
            SELTEQ_JWT_SECRET=SECRET,
        )


@pytest.mark.parametrize(
    ("secret", "reason"),
    [
        ("a" * 32, "repeated pattern"),
        ("change-me" * 4, "repeated pattern"),
        ("0123456789abcdef" * 2, "repeated pattern"),
        ("please-Change-Me-before-deploying-42", "placeholder"),
        ("my-example-jwt-signing-key-0123456789", "placeholder"),
        ("aaaabbbbaaaabbbbaaaabbbbaaaabbbbX", "entropy"),
        ("abababababababababababababababab" + "cdcdcdcd", "entropy"),
        ("short", "32 bytes"),
    ],
)
def test_production_refuses_a_weak_secret_and_says_how_to_make_one(
    tmp_path: Path, secret: str, reason: str
) -> None:
    with pytest.raises(SettingsError, match=reason) as refused:
        load(tmp_path, SELTEQ_ENV="production", SELTEQ_DATABASE_URL=PG, SELTEQ_JWT_SECRET=secret)
    assert "secrets.token_urlsafe(48)" in str(refused.value)


def test_generated_secrets_are_strong() -> None:
    for _ in range(200):
        assert weak_secret(secrets.token_urlsafe(48)) is None
        assert weak_secret(secrets.token_hex(32)) is None
