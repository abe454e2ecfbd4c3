"""deploy/docker-compose.yml: valid Compose, started in the right order, documented, and
configured so production starts only once the placeholders are replaced."""

from __future__ import annotations

import copy
import hashlib
import json
import re
import shutil
import subprocess
from typing import Any

import jsonschema  # type: ignore[import-untyped]
import pytest

from . import _files as files

APP_SERVICES = ("migrate", "api", "worker", "scheduler")


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return files.load_compose()


@pytest.fixture(scope="module")
def example_env() -> dict[str, str]:
    return files.read_env_file(files.ENV_EXAMPLE)


def _validator() -> Any:
    schema = json.loads(files.SCHEMA.read_text())
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def test_the_vendored_schema_is_the_recorded_file() -> None:
    source = files.SCHEMA.with_suffix(".SOURCE").read_text()
    recorded = re.search(r"^sha256:\s+([0-9a-f]{64})$", source, re.M)
    assert recorded is not None
    assert hashlib.sha256(files.SCHEMA.read_bytes()).hexdigest() == recorded[1]


def test_compose_file_matches_the_compose_specification_schema(
    compose: dict[str, Any], example_env: dict[str, str]
) -> None:
    validator = _validator()
    for document in (compose, files.interpolate(compose, example_env)):
        errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(document)]
        assert errors == []


def test_the_schema_rejects_a_broken_compose_file(compose: dict[str, Any]) -> None:
    validator = _validator()
    broken = copy.deepcopy(compose)
    broken["services"]["mssql-init"]["depends_on"]["mssql"]["condition"] = "service_finished"
    broken["services"]["redis"]["comand"] = ["redis-server"]
    paths = sorted(str(list(e.absolute_path)) for e in validator.iter_errors(broken))
    assert paths == ["['services', 'mssql-init', 'depends_on']", "['services', 'redis']"]


def test_docker_compose_accepts_the_file_where_the_plugin_exists(tmp_path: Any) -> None:
    docker = shutil.which("docker")
    if docker is None:
        pytest.skip("no docker client on this machine")
    probe = subprocess.run(
        [docker, "compose", "version"], capture_output=True, text=True, timeout=60, check=False
    )
    if probe.returncode != 0:
        reason = (probe.stderr.strip().splitlines() or ["no output"])[0]
        pytest.skip(f"`docker compose` is not available here (no engine expected): {reason}")
    short = subprocess.run(
        [docker, "compose", "version", "--short"], capture_output=True, text=True, check=True
    ).stdout.strip()
    major, minor = (int(part) for part in short.lstrip("v").split(".")[:2])
    assert (major, minor) >= (2, 20), f"Compose {short}: deploy/ needs 2.20 or later"
    deploy = tmp_path / "deploy"
    deploy.mkdir()
    shutil.copy(files.COMPOSE_FILE, deploy / "docker-compose.yml")
    shutil.copy(files.ENV_EXAMPLE, deploy / ".env")
    result = subprocess.run(
        [docker, "compose", "-f", str(deploy / "docker-compose.yml"), "config", "-q"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_the_docs_and_compose_name_the_same_services(compose: dict[str, Any]) -> None:
    named = files.documented_services()
    assert named == set(compose["services"])
    section = files.documented_deploy_section()
    for command in (
        "cp deploy/.env.example deploy/.env",
        "docker compose -f deploy/docker-compose.yml up --build",
        "docker compose -f deploy/docker-compose.yml run --rm api selteq user --username admin",
        'python -c "import secrets; print(secrets.token_urlsafe(48))"',
    ):
        assert command in section


def _conditions(service: dict[str, Any]) -> dict[str, str]:
    return {name: dep["condition"] for name, dep in service.get("depends_on", {}).items()}


def test_nothing_starts_before_what_it_needs(compose: dict[str, Any]) -> None:
    services = compose["services"]
    for name in ("api", "worker", "scheduler"):
        assert _conditions(services[name]) == {
            "migrate": "service_completed_successfully",
            "redis": "service_healthy",
        }, name
    assert _conditions(services["migrate"]) == {
        "mssql": "service_healthy",
        "mssql-init": "service_completed_successfully",
    }
    assert _conditions(services["mssql-init"]) == {"mssql": "service_healthy"}


def test_every_awaited_service_can_satisfy_its_condition(compose: dict[str, Any]) -> None:
    """A healthy-condition target needs a live healthcheck; a completion target must not be
    restarted, or it would run again and again."""
    services = compose["services"]
    for service in services.values():
        for target, condition in _conditions(service).items():
            awaited = services[target]
            if condition == "service_healthy":
                assert awaited["healthcheck"]["test"], target
                assert not awaited["healthcheck"].get("disable", False), target
            if condition == "service_completed_successfully":
                assert awaited["restart"] == "no", target


def test_healthchecks_use_the_tools_in_their_images(compose: dict[str, Any]) -> None:
    services = compose["services"]
    mssql = services["mssql"]["healthcheck"]["test"]
    assert mssql[:3] == ["CMD", "/opt/mssql-tools18/bin/sqlcmd", "-C"]
    assert services["mssql-init"]["entrypoint"] == ["/opt/mssql-tools18/bin/sqlcmd"]
    assert services["mssql-init"]["command"][-2:] == ["-i", "/init/mssql-init.sql"]
    assert "./mssql-init.sql:/init/mssql-init.sql:ro" in services["mssql-init"]["volumes"]
    assert "IF DB_ID(N'selteq') IS NULL CREATE DATABASE selteq;" in files.INIT_SQL.read_text()
    assert services["redis"]["healthcheck"]["test"] == ["CMD", "redis-cli", "ping"]
    api = services["api"]
    assert "/health/ready" in " ".join(api["healthcheck"]["test"])
    assert "8000:8000" in api["ports"]
    for name in ("migrate", "worker", "scheduler"):
        assert services[name]["healthcheck"] == {"disable": True}, name


def test_app_services_run_the_selteq_image_in_production(
    compose: dict[str, Any], example_env: dict[str, str]
) -> None:
    services = files.interpolate(compose, example_env)["services"]
    images = {services[name]["image"] for name in APP_SERVICES}
    assert len(images) == 1
    for name in APP_SERVICES:
        service = services[name]
        assert service["build"] == {"context": "..", "dockerfile": "deploy/Dockerfile"}, name
        assert "env_file" not in service, name  # deploy/.env holds the sa password
        assert service["environment"]["SELTEQ_ENV"] == "production", name
        assert service["environment"]["SELTEQ_REDIS_URL"] == "redis://redis:6379/0", name


def test_example_env_defines_every_variable_compose_reads(
    compose: dict[str, Any], example_env: dict[str, str]
) -> None:
    files.interpolate(compose, example_env)
    read = set(re.findall(r"\$\{([A-Za-z_][A-Za-z0-9_]*)", files.COMPOSE_FILE.read_text()))
    assert read - {"MSSQL_PID"} <= set(example_env)
    assert set(example_env) <= read  # no line in the example that nothing reads
    for required in ("MSSQL_SA_PASSWORD", "SELTEQ_APP_DB_PASSWORD", "SELTEQ_JWT_SECRET"):
        with pytest.raises(files.InterpolationError, match=required):
            files.interpolate(compose, {k: v for k, v in example_env.items() if k != required})


def test_env_file_with_the_secrets_is_git_ignored() -> None:
    git = shutil.which("git")
    if git is None or not (files.ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    ignored = subprocess.run(
        [git, "check-ignore", "-q", "deploy/.env"], cwd=files.ROOT, check=False
    )
    assert ignored.returncode == 0
    example = subprocess.run(
        [git, "check-ignore", "-q", "deploy/.env.example"], cwd=files.ROOT, check=False
    )
    assert example.returncode == 1
