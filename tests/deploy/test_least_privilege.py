"""deploy/: the sa password reaches only SQL Server and its init step, the application and
the migration each log in as their own login with the rights docs/operations.md lists, and
every image is pinned to a version."""

from __future__ import annotations

import re
from typing import Any

import pytest

from selteq_adapters.db.url import parse_database_url

from . import _files as files
from ._files import odbc_pairs

SA_PASSWORD = "Sa-Only-3x4mple.pw"
APP_SERVICES = ("migrate", "api", "worker", "scheduler")
VERSION_TAG = re.compile(
    r":(?:[^:@/]*\d+\.\d+[^:@/]*|\d{4}-CU\d+[^:@/]*)(?:@sha256:[0-9a-f]{64})?$"
)


@pytest.fixture(scope="module")
def services() -> dict[str, Any]:
    env = files.read_env_file(files.ENV_EXAMPLE) | {"MSSQL_SA_PASSWORD": SA_PASSWORD}
    services: dict[str, Any] = files.interpolate(files.load_compose(), env)["services"]
    return services


def test_no_application_service_receives_the_sa_password(services: dict[str, Any]) -> None:
    for name, service in services.items():
        sees_it = SA_PASSWORD in repr(service)
        assert sees_it == (name in {"mssql", "mssql-init"}), name
        assert "env_file" not in service, name  # deploy/.env holds the sa password


def test_the_application_and_the_migration_use_their_own_logins(
    services: dict[str, Any],
) -> None:
    logins = {
        name: odbc_pairs(parse_database_url(services[name]["environment"]["SELTEQ_DATABASE_URL"]))
        for name in APP_SERVICES
    }
    assert {name: pairs["UID"] for name, pairs in logins.items()} == {
        "migrate": "selteq_migrate",
        "api": "selteq_app",
        "worker": "selteq_app",
        "scheduler": "selteq_app",
    }
    example = files.read_env_file(files.ENV_EXAMPLE)
    assert logins["api"]["PWD"] == example["SELTEQ_APP_DB_PASSWORD"]
    assert logins["migrate"]["PWD"] == example["SELTEQ_MIGRATE_DB_PASSWORD"]
    init = services["mssql-init"]["environment"]
    assert init["APP_DB_PASSWORD"] == example["SELTEQ_APP_DB_PASSWORD"]
    assert init["MIGRATE_DB_PASSWORD"] == example["SELTEQ_MIGRATE_DB_PASSWORD"]


def granted(sql: str) -> dict[str, set[str]]:
    """Each login the script creates, with the roles it joins and the rights it is granted
    (``SELECT ON SCHEMA::dbo``), read statement by statement."""
    text = re.sub(r"--[^\n]*", "", sql)
    logins = set(re.findall(r"\bCREATE\s+LOGIN\s+(\w+)", text, re.I))
    users = dict(re.findall(r"\bCREATE\s+USER\s+(\w+)\s+FOR\s+LOGIN\s+(\w+)", text, re.I))
    rights: dict[str, set[str]] = {login: set() for login in logins}
    for role, user in re.findall(r"\bALTER\s+ROLE\s+(\w+)\s+ADD\s+MEMBER\s+(\w+)", text, re.I):
        rights[users[user]].add(role)
    grants = re.findall(r"\bGRANT\s+([\w\s,]+?)\s+ON\s+(\S+)\s+TO\s+(\w+)", text, re.I)
    for permissions, target, user in grants:
        for permission in permissions.split(","):
            rights[users[user]].add(f"{permission.strip().upper()} ON {target.rstrip(';')}")
    return rights


def documented() -> dict[str, set[str]]:
    """The table between the sql-rights markers in docs/: login | used by | rights."""
    begin, end = "<!-- sql-rights:begin -->", "<!-- sql-rights:end -->"
    [section] = [
        text.split(begin, 1)[1].split(end, 1)[0]
        for path in sorted((files.ROOT / "docs").glob("*.md"))
        if begin in (text := path.read_text())
    ]
    rows = re.findall(r"^\|\s*`(\w+)`\s*\|[^|]*\|([^|]*)\|", section, re.M)
    return {login: set(re.findall(r"`([^`]+)`", rights)) for login, rights in rows}


def test_the_init_step_grants_exactly_the_documented_rights() -> None:
    sql = files.INIT_SQL.read_text()
    assert granted(sql) == documented()
    assert granted(sql)["selteq_app"] == {
        f"{p} ON SCHEMA::dbo" for p in ("SELECT", "INSERT", "UPDATE", "DELETE")
    }
    assert "$(APP_DB_PASSWORD)" in sql
    assert "$(MIGRATE_DB_PASSWORD)" in sql
    assert not re.search(r"\b(db_owner|sysadmin|CONTROL)\b", re.sub(r"--[^\n]*", "", sql))


def test_the_rights_reader_sees_a_grant_that_was_not_documented() -> None:
    extra = files.INIT_SQL.read_text() + "\nGRANT ALTER ON SCHEMA::dbo TO selteq_app;\n"
    assert granted(extra) != documented()


def test_every_image_is_pinned_to_a_version() -> None:
    images = [
        service["image"]
        for service in files.load_compose()["services"].values()
        if "build" not in service  # selteq:local is built from this repository
    ]
    stages = files.dockerfile_stages(files.DOCKERFILE.read_text())
    images += [stage.base for stage in stages if stage.base not in {s.name for s in stages}]
    assert len(images) >= 4
    for image in images:
        assert VERSION_TAG.search(image), image
        assert "latest" not in image, image


@pytest.mark.parametrize("image", ["redis:7", "mcr.microsoft.com/mssql/server:2022-latest", "x"])
def test_the_pin_check_refuses_a_floating_tag(image: str) -> None:
    assert VERSION_TAG.search(image) is None or "latest" in image
