"""Schemathesis against the live server's own OpenAPI document, authenticated with a real
token: no 5xx, and every response matches the schema it documents."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import urllib.request

import pytest

from .server import LiveServer

EXAMPLES_PER_OPERATION = "50"
SEED = "20261124"
BUDGET = 120


def _post_json(url: str, body: dict[str, str]) -> dict[str, object]:
    request = urllib.request.Request(  # noqa: S310 - a local http URL
        url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        answer: dict[str, object] = json.load(response)
    return answer


@pytest.mark.slow
def test_the_api_keeps_its_schema_and_never_answers_5xx(server: LiveServer) -> None:
    credentials = {"username": "fuzzer", "password": "correct horse battery"}
    _post_json(f"{server.url}/api/users/", credentials)
    token = _post_json(f"{server.url}/api/token/", credentials)["access_token"]
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "schemathesis.cli",
            "run",
            f"{server.url}/schema/openapi.json",
            "--checks",
            "not_a_server_error,response_schema_conformance",
            "--phases",
            "examples,coverage,fuzzing",
            "--max-examples",
            EXAMPLES_PER_OPERATION,
            "--seed",
            SEED,
            "--header",
            f"Authorization: Bearer {token}",
            "--generation-database",
            "none",
            "--no-color",
        ],
        cwd=server.workdir,
        capture_output=True,
        text=True,
        timeout=BUDGET,
        check=False,
    )
    report = result.stdout + result.stderr
    assert result.returncode == 0, report
    generated = re.search(r"(\d+) generated, (\d+) passed", report)
    assert generated is not None, report
    assert int(generated[1]) == int(generated[2]) >= 200
    access = [line for line in server.log().splitlines() if "selteq.http.access" in line]
    assert any(" GET /api/tasks 200 " in line for line in access), "the token was never accepted"
    assert not [line for line in access if re.search(r" 5\d\d [\d.]+ms$", line)]
