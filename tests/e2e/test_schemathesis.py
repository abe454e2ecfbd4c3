"""Schemathesis against the live server's own OpenAPI document, authenticated with a real
token: no 5xx, and every response matches the schema it documents, request by request and
along the document's links (the stateful phase); then raw bytes, not only JSON values,
into every route that reads a body: no 5xx either."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import urllib.request
from collections import Counter
from pathlib import Path

import httpx
import hypothesis
import pytest
from hypothesis import strategies as st

from .server import LiveServer

EXAMPLES_PER_OPERATION = "50"
SEED = "20261124"
BUDGET = 120
# positive_data_acceptance (every schema-valid request is accepted) is left out: JSON Schema
# calls 30.0 an integer while the contract refuses a float duration ("never a bool or a
# float"), and a `before` cursor is opaque, so a schema-valid 30.0 or forged cursor is
# rightly a 400 that no keyword can announce; schemathesis also sends an empty `If-Match`
# despite its tag-list pattern. Every limit is a keyword (test_openapi_contract.py).
ALL_CHECKS = ("--checks", "all", "--exclude-checks", "positive_data_acceptance")
# Scenarios along the document's own links only: links schemathesis infers besides (from
# Location headers and names) would share the same budget, and the fuzzing phase already
# calls every operation. Each scenario signs up or logs in (an argon2 hash each), so few.
STATEFUL_CONFIG = """
[phases.stateful]
max-steps = 8

[phases.stateful.inference]
algorithms = []
"""
STATEFUL_SCENARIOS = "30"
STATEFUL_BUDGET = 300


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
            *ALL_CHECKS,
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
    assert any(" GET /api/tasks/ 200 " in line for line in access), "the token was never accepted"
    assert not [line for line in access if re.search(r" 5\d\d [\d.]+ms$", line)]


def _transitions(report: Path) -> Counter[str]:
    """How often each link was followed, from schemathesis' NDJSON event log."""
    followed: Counter[str] = Counter()
    for line in report.read_text().splitlines():
        followed.update(re.findall(r'"transition": ?\{"id": ?"([^"]+)"', line))
    return followed


@pytest.mark.slow
def test_following_the_documents_links_keeps_the_schema_and_never_answers_5xx(
    server: LiveServer,
) -> None:
    credentials = {"username": "stateful", "password": "correct horse battery"}
    _post_json(f"{server.url}/api/users/", credentials)
    token = _post_json(f"{server.url}/api/token/", credentials)["access_token"]
    config = server.workdir / "stateful.toml"
    config.write_text(STATEFUL_CONFIG)
    events = server.workdir / "stateful.ndjson"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "schemathesis.cli",
            "--config-file",
            str(config),
            "run",
            f"{server.url}/schema/openapi.json",
            *ALL_CHECKS,
            "--phases",
            "stateful",
            "--max-examples",
            STATEFUL_SCENARIOS,
            "--seed",
            SEED,
            "--header",
            f"Authorization: Bearer {token}",
            "--generation-database",
            "none",
            "--report",
            "ndjson",
            "--report-ndjson-path",
            str(events),
            "--no-color",
        ],
        cwd=server.workdir,
        capture_output=True,
        text=True,
        timeout=STATEFUL_BUDGET,
        check=False,
    )
    report = result.stdout + result.stderr
    assert result.returncode == 0, report
    assert "No issues found" in report, report
    followed = _transitions(events)
    assert followed["POST /api/tasks/ -> [201] get -> GET /api/tasks/{task_id}/"] >= 1, followed
    assert followed["POST /api/users/ -> [201] logIn -> POST /api/token/"] >= 1, followed
    assert sum(1 for link in followed if link.startswith("POST /api/tasks/ -> [201]")) >= 3
    assert sum(followed.values()) >= 10, followed
    access = [line for line in server.log().splitlines() if "selteq.http.access" in line]
    assert not [line for line in access if re.search(r" 5\d\d [\d.]+ms$", line)]


BODY_ROUTES = (
    ("POST", "/api/tasks/"),
    ("PUT", "/api/tasks/{task}/"),
    ("POST", "/api/token/"),
    ("POST", "/api/token/refresh/"),
    ("POST", "/api/token/revoke/"),
    ("POST", "/api/users/"),
)
CONTENT_TYPES = (
    "application/json",
    "application/json; charset=latin-1",
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=fuzz",
    "multipart/form-data",
    "text/plain",
)
VALID = (
    b'{"title": "ok", "duration": 5, "username": "fuzzer", "password": "x", "refresh": "x"}',
    b"username=fuzzer&password=correct+horse+battery&refresh=x",
    b'--fuzz\r\nContent-Disposition: form-data; name="username"\r\n\r\nfuzzer\r\n--fuzz--\r\n',
)


def _mutated(body: bytes, at: int, inserted: bytes, dropped: int) -> bytes:
    """A valid body with bytes put in and taken out somewhere: deep into each parser."""
    cut = at % (len(body) + 1)
    return body[:cut] + inserted + body[cut + dropped :]


BODIES = st.one_of(
    st.binary(max_size=512),
    st.builds(
        _mutated,
        st.sampled_from(VALID),
        st.integers(0, 200),
        st.binary(min_size=1, max_size=16),
        st.integers(0, 8),
    ),
    st.builds(lambda n: b"[" * n + b"]" * n, st.integers(30, 5000)),
)


@pytest.mark.slow
def test_raw_bytes_into_every_body_route_never_answer_5xx(server: LiveServer) -> None:
    credentials = {"username": "bytes-fuzzer", "password": "correct horse battery"}
    _post_json(f"{server.url}/api/users/", credentials)
    token = _post_json(f"{server.url}/api/token/", credentials)["access_token"]
    auth = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=server.url, timeout=10) as client:
        task = client.post("/api/tasks/", json={"title": "t", "duration": 1}, headers=auth).json()
        answers: list[tuple[int, str, str, bytes]] = []

        @hypothesis.settings(
            max_examples=400,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(hypothesis.HealthCheck),
        )
        @hypothesis.given(
            route=st.sampled_from(BODY_ROUTES),
            content_type=st.sampled_from(CONTENT_TYPES),
            body=BODIES,
        )
        def send(route: tuple[str, str], content_type: str, body: bytes) -> None:
            method, path = route
            response = client.request(
                method,
                path.format(task=task["id"]),
                content=body,
                headers={**auth, "Content-Type": content_type},
            )
            answers.append((response.status_code, method, path, body))
            assert response.status_code < 500, (method, path, content_type, body)

        send()
    assert len(answers) >= 400
    assert {status for status, *_ in answers} & {400, 415}
    assert "Traceback" not in server.log()
