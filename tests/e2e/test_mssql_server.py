"""``selteq-api`` served on SQL Server (``SELTEQ_DATABASE_URL=mssql://…``, Microsoft's ODBC
Driver 18): the README's task calls with curl, each as documented, and a clean log."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from typing import Any

import pytest

from tests import services
from tests.integration.db.engines import MssqlServer, query

from .server import LiveServer, live_server

PASSWORD = "correct horse battery"


@pytest.fixture(scope="module")
def database_url(mssql: MssqlServer) -> str:
    return mssql.create("mssql-odbc18")


@pytest.fixture(scope="module")
def mssql_server(
    database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    folder = tmp_path_factory.mktemp("mssql")
    with live_server(folder, SELTEQ_DATABASE_URL=database_url) as running:
        yield running


def curl(*args: str) -> tuple[int, dict[str, str], Any]:
    """Run curl; the status, the response headers (lower-case names) and the JSON body."""
    binary = shutil.which("curl")
    if binary is None:
        services.missing("curl is not installed")
    done = subprocess.run(
        [binary, "-sS", "-D", "-", *args], capture_output=True, text=True, timeout=30, check=True
    )
    head, _, body = done.stdout.replace("\r\n", "\n").partition("\n\n")
    status_line, *lines = head.splitlines()
    headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines)}
    return int(status_line.split()[1]), headers, json.loads(body) if body.strip() else None


def test_the_readme_task_calls_on_sql_server(mssql_server: LiveServer, database_url: str) -> None:
    api = f"{mssql_server.url}/api"
    account = json.dumps({"username": "alice", "password": PASSWORD})
    as_json = ("-H", "Content-Type: application/json")
    assert curl(f"{api}/users/", *as_json, "-d", account)[0] == 201
    assert curl(f"{api}/users/", *as_json, "-d", account)[0] == 409
    status, _, tokens = curl(f"{api}/token/", *as_json, "-d", account)
    assert status == 200
    auth = ("-H", f"Authorization: Bearer {tokens['access_token']}")
    created = curl(
        f"{api}/tasks/", *auth, "-H", "Idempotency-Key: report-1",
        "-F", "title=Write the report", "-F", "duration=45",
    )  # fmt: skip
    assert created[0] == 201
    task_id = created[2]["id"]
    status, _, listed = curl(f"{api}/tasks/", *auth)
    assert (status, [task["id"] for task in listed]) == (200, [task_id])
    status, headers, read = curl(f"{api}/tasks/{task_id}/", *auth)
    assert (status, read["title"], read["duration"]) == (200, "Write the report", 45)
    renamed = curl(
        "-X", "PATCH", f"{api}/tasks/{task_id}/", *auth, *as_json,
        "-H", f"If-Match: {headers['etag']}", "-d", '{"title": "Send the report"}',
    )  # fmt: skip
    assert (renamed[0], renamed[2]["title"]) == (200, "Send the report")
    assert query(database_url, "SELECT title FROM tasks") == [("Send the report",)]
    assert curl("-X", "DELETE", f"{api}/tasks/{task_id}/", *auth)[0] == 204
    assert curl(f"{api}/tasks/{task_id}/", *auth)[0] == 404
    assert curl(f"{mssql_server.url}/health/ready")[0] == 200
    log = mssql_server.log()
    assert " WARNING " not in log, log
    assert " ERROR " not in log, log
