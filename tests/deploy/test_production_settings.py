"""The settings a deployed container reads: the image's ENV, then deploy/.env (from the
example), then the compose ``environment``, in Docker's order of precedence. Production
must refuse the example's placeholders and start once real values replace them."""

from __future__ import annotations

import re
import secrets
from pathlib import Path
from urllib.parse import quote

import pytest

from selteq_adapters.db.url import parse_database_url
from selteq_adapters.settings import Settings, SettingsError

from . import _files as files
from ._files import odbc_pairs

# SQL Server's default password policy, which the container applies to MSSQL_SA_PASSWORD
# (it stops at start-up otherwise): 8+ characters from three of these four sets.
_CHARACTER_SETS = (r"[A-Z]", r"[a-z]", r"[0-9]", r"[^A-Za-z0-9]")


def sql_server_accepts(password: str) -> bool:
    sets = sum(bool(re.search(pattern, password)) for pattern in _CHARACTER_SETS)
    return len(password) >= 8 and sets >= 3


def container_environment(service: str, overrides: dict[str, str]) -> dict[str, str]:
    """What ``service``'s process sees, with ``overrides`` edited into deploy/.env: the
    image's ENV, then the compose ``environment`` (deploy/.env only fills it in)."""
    env_file = files.read_env_file(files.ENV_EXAMPLE) | overrides
    compose = files.interpolate(files.load_compose(), env_file)
    image = files.dockerfile_stages(files.DOCKERFILE.read_text())[-1].environment()
    environment: dict[str, str] = compose["services"][service]["environment"]
    return image | environment


def test_the_compose_database_url_is_sql_server_through_odbc_driver_18() -> None:
    url = parse_database_url(container_environment("api", {})["SELTEQ_DATABASE_URL"])
    assert url.dialect == "mssql"
    assert odbc_pairs(url) == {
        "DRIVER": "ODBC Driver 18 for SQL Server",
        "SERVER": "tcp:mssql,1433",
        "DATABASE": "selteq",
        "UID": "selteq_app",
        "PWD": files.read_env_file(files.ENV_EXAMPLE)["SELTEQ_APP_DB_PASSWORD"],
        "TrustServerCertificate": "yes",
    }


def test_the_example_placeholders_are_refused() -> None:
    example = files.read_env_file(files.ENV_EXAMPLE)
    assert not sql_server_accepts(example["MSSQL_SA_PASSWORD"])
    for service in ("migrate", "api", "worker", "scheduler"):
        with pytest.raises(SettingsError, match=r"SELTEQ_JWT_SECRET must be .*32 bytes"):
            Settings.from_env(container_environment(service, {}))


def test_the_password_policy_check_tells_strong_from_weak() -> None:
    assert sql_server_accepts("Tasks-2025.selteq")
    assert not sql_server_accepts("change-me")
    assert not sql_server_accepts("Sh0rt-1")


def test_production_starts_once_the_placeholders_are_replaced(tmp_path: Path) -> None:
    password = "Selteq-" + secrets.token_hex(8) + "-Db"
    jwt_secret = secrets.token_urlsafe(48)
    assert sql_server_accepts(password)
    env = container_environment(
        "api", {"SELTEQ_APP_DB_PASSWORD": password, "SELTEQ_JWT_SECRET": jwt_secret}
    )
    settings = Settings.from_env(env, var_dir=str(tmp_path))
    assert settings.production
    assert settings.jwt_secret == jwt_secret
    assert settings.database_url == (
        f"mssql://selteq_app:{quote(password, safe='')}@mssql:1433/selteq"
        "?driver=ODBC+Driver+18+for+SQL+Server&TrustServerCertificate=yes"
    )
    assert settings.redis_url == "redis://redis:6379/0"
    assert (settings.host, settings.port, settings.workers) == ("0.0.0.0", 8000, 4)
    assert settings.signup is False
    assert password not in repr(settings)
    assert odbc_pairs(parse_database_url(settings.database_url))["PWD"] == password
    assert list(tmp_path.iterdir()) == []
