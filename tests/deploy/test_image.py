"""deploy/Dockerfile: a locked, multi-stage, non-root image with Microsoft's ODBC driver and
no secret in it; and the driver it installs is the one every mssql:// URL names."""

from __future__ import annotations

import importlib.util
import re
import tomllib
from urllib.parse import parse_qs, urlsplit

import attrs
import pytest

from selteq_adapters.db import url as db_url

from . import _files as files
from ._files import odbc_pairs


@attrs.frozen
class Dockerfile:
    text: str
    stages: list[files.Stage]

    @property
    def final(self) -> files.Stage:
        return self.stages[-1]

    @property
    def final_run(self) -> str:
        return "\n".join(self.final.arguments("RUN"))


@pytest.fixture(scope="module")
def image() -> Dockerfile:
    text = files.DOCKERFILE.read_text()
    return Dockerfile(text, files.dockerfile_stages(text))


def test_the_image_is_multi_stage_on_python_311_slim_bookworm(image: Dockerfile) -> None:
    assert len(image.stages) >= 2
    assert image.final.base == "python:3.11.11-slim-bookworm"
    builder = {stage.name: stage for stage in image.stages}["builder"]
    assert builder.base == image.final.base
    copies = image.final.arguments("COPY")
    assert "--from=builder /opt/venv /opt/venv" in copies
    assert image.final.environment()["PATH"].startswith("/opt/venv/bin:")


def test_dependencies_come_from_the_lock_file_only(image: Dockerfile) -> None:
    installs = [run for stage in image.stages for run in stage.arguments("RUN") if "uv sync" in run]
    assert installs
    for run in installs:
        assert "--frozen" in run, run
        assert "--no-dev" in run, run
    assert not re.search(r"\bpip3? install\b|\buv pip\b|\buv add\b|\buv lock\b", image.text)


def test_the_final_stage_runs_as_an_unprivileged_user(image: Dockerfile) -> None:
    users = image.final.arguments("USER")
    assert users, "the final stage sets no USER"
    uid = users[-1].split(":")[0]
    assert uid not in {"root", "0"}
    created = re.search(r"useradd .*--uid (\d+)", image.final_run)
    assert created is not None
    assert created[1] == uid


def test_msodbcsql18_comes_from_microsofts_signed_debian_12_repository(image: Dockerfile) -> None:
    assert re.search(r"ACCEPT_EULA=Y apt-get install [^;]*\bmsodbcsql18\b", image.final_run)
    assert re.search(r"apt-get install [^;]*\bunixodbc\b", image.final_run)
    assert "signed-by=/usr/share/keyrings/microsoft-prod.gpg" in image.final_run
    assert "https://packages.microsoft.com/debian/12/prod bookworm main" in image.final_run
    assert "apt-key" not in image.text
    assert "rm -rf /var/lib/apt/lists/*" in image.final_run


def test_no_secret_is_baked_into_the_image(image: Dockerfile) -> None:
    secrets = r"SELTEQ_JWT_SECRET|MSSQL_SA_PASSWORD|SQLCMDPASSWORD|SELTEQ_PASSWORD"
    assert not re.search(secrets, image.text)
    for stage in image.stages:
        for instruction in stage.instructions:
            if instruction.keyword in {"ENV", "ARG"}:
                assert not re.search(r"(?i)secret|passw|pwd|token", instruction.arguments), (
                    instruction
                )
    ignore = (files.DEPLOY / "Dockerfile.dockerignore").read_text().splitlines()
    patterns = [line.strip() for line in ignore if line.strip() and not line.startswith("#")]
    assert patterns[0] == "*", "the build context is an allow-list"
    assert sorted(p for p in patterns if p.startswith("!")) == [
        "!README.md",
        "!pyproject.toml",
        "!src/",
        "!uv.lock",
    ]


def test_the_default_command_is_the_api_with_a_readiness_healthcheck(image: Dockerfile) -> None:
    assert image.final.arguments("CMD") == ['["selteq-api"]']
    (healthcheck,) = image.final.arguments("HEALTHCHECK")
    assert "/health/ready" in healthcheck
    assert image.final.arguments("EXPOSE") == [image.final.environment()["SELTEQ_PORT"]]


def test_every_compose_command_is_installed_by_the_image() -> None:
    scripts = tomllib.loads((files.ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    services = files.load_compose()["services"]
    for name in ("migrate", "api", "worker", "scheduler"):
        program, *arguments = services[name]["command"]
        if program == "dramatiq":
            assert importlib.util.find_spec(arguments[0]) is not None, arguments[0]
        else:
            assert program in scripts, name


def _driver_for(package: str) -> str:
    """Microsoft's packages register their driver as "ODBC Driver <major> for SQL Server"."""
    match = re.fullmatch(r"msodbcsql(\d+)", package)
    assert match is not None, package
    return f"ODBC Driver {match[1]} for SQL Server"


def test_the_image_driver_the_compose_url_and_the_db_default_agree(image: Dockerfile) -> None:
    (package,) = set(re.findall(r"\bmsodbcsql\d+\b", image.final_run))
    driver = _driver_for(package)
    assert f'odbcinst -q -d -n "{driver}"' in image.final_run
    compose = files.interpolate(files.load_compose(), files.read_env_file(files.ENV_EXAMPLE))
    compose_url = compose["services"]["api"]["environment"]["SELTEQ_DATABASE_URL"]
    assert parse_qs(urlsplit(compose_url).query)["driver"] == [driver]
    assert driver == db_url.MSSQL_DRIVER
    default = db_url.parse_database_url("mssql://user:pw@db:1433/selteq")
    assert odbc_pairs(default)["DRIVER"] == driver
