"""One cluster per module, torn down whatever happens; the numbers printed at the end of the run.

Needs root, working ``ip netns``, HAProxy, Redis and a PostgreSQL server installed. Without
them the tests skip, naming what is missing; with SELTEQ_REQUIRE_SERVICES=1 they fail.
"""

from __future__ import annotations

import collections
import concurrent.futures
import pwd
import secrets
import shutil
import tempfile
from collections.abc import Generator, Iterator
from pathlib import Path

import attrs
import httpx
import pytest

from tests import services

from .netns import namespaces_work, network
from .stack import Cluster, build, missing_tools

NUMBERS = pytest.StashKey[list[str]]()
PASSWORD = "cluster password 1234"


@attrs.frozen
class Numbers:
    """Lines for the run's closing summary, so CI's log shows what the cluster did."""

    lines: list[str]

    def add(self, line: str) -> None:
        self.lines.append(line)


@pytest.fixture(scope="session")
def numbers(request: pytest.FixtureRequest) -> Numbers:
    return Numbers(request.config.stash.setdefault(NUMBERS, []))


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    lines = terminalreporter.config.stash.get(NUMBERS, [])
    if lines:
        terminalreporter.section("selteq cluster: the numbers")
        for line in lines:
            terminalreporter.write_line(line)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """A failed cluster test's report carries the end of every process's output."""
    report = yield
    running = getattr(item, "funcargs", {}).get("cluster")
    if report.failed and isinstance(running, Cluster):
        report.sections.append(("cluster processes", running.net.tails()))
    return report


def _capable() -> None:
    why = namespaces_work()
    if why is not None:
        services.missing(why)
    absent = missing_tools()
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        absent.append("the postgres OS user")
    if absent:
        services.missing(f"the cluster test needs {', '.join(absent)}")


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    _capable()
    workdir = Path(tempfile.mkdtemp(prefix="selteq-cluster-"))
    workdir.chmod(0o755)  # the postgres user reaches its data folder through it
    try:
        with network(workdir) as net:
            try:
                running = build(net, workdir)
            except Exception as exc:
                raise RuntimeError(f"the cluster did not start: {exc}\n{net.tails()}") from exc
            yield running
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


@attrs.frozen
class Accounts:
    """The users the tests sign in as; ``reporter`` is user 1, whose tasks the job logs."""

    reporter: int
    marker: str
    loader: int


@pytest.fixture(scope="module")
def accounts(cluster: Cluster) -> Accounts:
    def create(name: str) -> object:
        return cluster.selteq("user", "--username", name, "--no-input", SELTEQ_PASSWORD=PASSWORD)

    create("reporter")  # first, so that it is user 1
    with concurrent.futures.ThreadPoolExecutor(3) as pool:
        list(pool.map(create, ("loader", "throttled", "refresher")))
    ids = dict(row.split("|") for row in cluster.sql("SELECT username || '|' || id FROM users"))
    assert ids["reporter"] == "1", ids
    marker = f"cluster-marker-{secrets.token_hex(8)}"
    with httpx.Client(base_url=cluster.url, timeout=10) as client:
        token = login(client, "reporter")
        created = client.post(
            "/api/tasks/", json={"title": marker, "duration": 5}, headers=bearer(token)
        )
        assert created.status_code == 201, created.text
    return Accounts(reporter=1, marker=marker, loader=int(ids["loader"]))


def login(client: httpx.Client, username: str, password: str = PASSWORD) -> str:
    answer = client.post("/api/token/", json={"username": username, "password": password})
    assert answer.status_code == 200, answer.text
    token: str = answer.json()["access_token"]
    return token


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def served_by(answers: list[httpx.Response]) -> collections.Counter[str]:
    return collections.Counter(a.headers.get("x-served-by", "?") for a in answers)
