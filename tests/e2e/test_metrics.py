"""``/metrics`` of a real ``selteq-api`` in production with two server workers: after a
known mix of requests, one scrape has the exact count of each, summed over both workers."""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from prometheus_client.parser import text_string_to_metric_families
from prometheus_client.samples import Sample

from tests import services
from tests.integration.http.postgres import fresh_database

from .server import LiveServer, live_server

PASSWORD = "correct horse battery"
Call = tuple[str, str, dict[str, Any] | None, bool]


def call(server: LiveServer, method: str, path: str, body: Any = None, token: str = "") -> int:
    """One request on a connection of its own (so the kernel spreads them over workers)."""
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(server.url + path, data, headers, method=method)  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            status: int = response.status
            return status
    except urllib.error.HTTPError as error:
        return error.code


def token_of(server: LiveServer, username: str) -> str:
    request = urllib.request.Request(  # noqa: S310
        f"{server.url}/api/token/",
        json.dumps({"username": username, "password": PASSWORD}).encode(),
        {"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        token: str = json.load(response)["access_token"]
    return token


def samples(text: str) -> dict[str, list[Sample]]:
    by_name: dict[str, list[Sample]] = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            by_name.setdefault(sample.name, []).append(sample)
    return by_name


def value(found: dict[str, list[Sample]], name: str, **labels: str) -> float:
    return sum(s.value for s in found.get(name, []) if labels.items() <= s.labels.items())


@pytest.mark.slow
def test_one_scrape_counts_every_request_of_both_workers(tmp_path: Path) -> None:
    with fresh_database() as name:
        extra = {
            "SELTEQ_ENV": "production",
            "SELTEQ_WORKERS": "2",
            "SELTEQ_DATABASE_URL": f"postgresql://postgres@127.0.0.1:5432/{name}",
            "SELTEQ_METRICS": "true",
            # production refuses several workers without a shared throttle store
            "SELTEQ_REDIS_URL": services.REDIS_URL,
            "SELTEQ_BROKER_NAMESPACE": f"metrics-{name}",
        }
        with live_server(tmp_path, **extra) as server:
            signups = [
                ("POST", "/api/users/", {"username": u, "password": PASSWORD}, "")
                for u in ("alice", "bob")
            ]
            assert [call(server, *c) for c in signups] == [201, 201]
            token = token_of(server, "alice")
            mix = (
                [("POST", "/api/token/", {"username": "alice", "password": "not it at all"}, "")]
                * 3
                + [("POST", "/api/tasks/", {"title": "Write", "duration": 5}, token)] * 4
                + [("GET", "/api/tasks/", None, token)] * 12
                + [("GET", "/api/tasks/", None, "")] * 6
                + [("GET", "/api/tasks/999999/", None, token)] * 5
                + [("GET", "/no/such/page", None, "")] * 7
            )
            with ThreadPoolExecutor(8) as pool:
                statuses = Counter(pool.map(lambda c: (c[0], c[1], call(server, *c)), mix))
            assert statuses == {
                ("POST", "/api/token/", 401): 3,
                ("POST", "/api/tasks/", 201): 4,
                ("GET", "/api/tasks/", 200): 12,
                ("GET", "/api/tasks/", 401): 6,
                ("GET", "/api/tasks/999999/", 404): 5,
                ("GET", "/no/such/page", 404): 7,
            }
            with urllib.request.urlopen(f"{server.url}/metrics", timeout=10) as response:  # noqa: S310
                kind = response.headers["Content-Type"]
                assert kind.startswith("text/plain; version=")
                assert kind.count("charset") == 1
                text = response.read().decode()
            directory = re.search(r"metrics of every worker are gathered in (\S+)", server.log())
            assert directory is not None
            writers = {p.name for p in Path(directory[1]).glob("counter_*.db")}

    assert len(writers) == 2, writers  # both workers answered some of the requests
    found = samples(text)
    requests = "selteq_http_requests_total"
    expected = {
        ("POST", "/api/users", "201"): 2,
        ("POST", "/api/token", "200"): 1,
        ("POST", "/api/token", "401"): 3,
        ("POST", "/api/tasks", "201"): 4,
        ("GET", "/api/tasks", "200"): 12,
        ("GET", "/api/tasks", "401"): 6,
        ("GET", "/api/tasks/{task_id}", "404"): 5,
        ("GET", "<unmatched>", "404"): 7,
    }
    counted = {
        (s.labels["method"], s.labels["route"], s.labels["status"]): s.value
        for s in found[requests]
        if not s.labels["route"].startswith(("/health", "/metrics"))
    }
    assert counted == expected
    assert value(found, requests, route="/health/live", status="200") >= 1  # the start-up polls

    for method, route in {(m, r) for m, r, _ in expected} | {("GET", "/health/live")}:
        labels = {"method": method, "route": route}
        buckets = sorted(
            (float(s.labels["le"]), s.value)
            for s in found["selteq_http_request_duration_seconds_bucket"]
            if labels.items() <= s.labels.items()
        )
        counts = [count for _, count in buckets]
        assert counts == sorted(counts), (route, buckets)  # cumulative
        total = value(found, requests, **labels)
        assert buckets[-1] == (float("inf"), total)
        assert value(found, "selteq_http_request_duration_seconds_count", **labels) == total

    assert value(found, "selteq_logins_total", outcome="success") == 1
    assert value(found, "selteq_logins_total", outcome="wrong_password") == 3
    assert value(found, "selteq_logins_total", outcome="throttled") == 0
    assert value(found, "selteq_password_checks", state="waiting") == 0
    assert value(found, "selteq_password_checks", state="running") == 0
    assert value(found, "selteq_http_requests_in_flight") == 1  # the scrape itself
    assert value(found, "selteq_db_pool_size") == 2 * 8  # two workers' pools of eight
    assert value(found, "selteq_db_pool_waiting") == 0
    assert value(found, "selteq_db_unavailable_total") == 0


@pytest.mark.slow
def test_metrics_stay_off_unless_switched_on_and_answer_only_the_allow_list(
    tmp_path: Path,
) -> None:
    (tmp_path / "off").mkdir()
    (tmp_path / "elsewhere").mkdir()
    with live_server(tmp_path / "off") as server:
        assert call(server, "GET", "/metrics") == 404
    with live_server(
        tmp_path / "elsewhere", SELTEQ_METRICS="true", SELTEQ_METRICS_ALLOW="192.0.2.0/24"
    ) as server:
        assert call(server, "GET", "/metrics") == 404
        with urllib.request.urlopen(f"{server.url}/schema/openapi.json", timeout=10) as response:  # noqa: S310
            assert "/metrics" not in json.load(response)["paths"]
