"""A bounded create load through the balancer: a few clients posting tasks until told to stop.

Each answer is kept with the moment its request started and the host that served it, so a
test can tell what was acknowledged (a 201 and its id) and what happened after a host died.
"""

from __future__ import annotations

import collections
import threading
import time

import attrs
import httpx

MAX_SECONDS = 60.0
MAX_PER_CLIENT = 3000


@attrs.frozen
class Outcome:
    started: float
    status: int
    """The HTTP status, or 0 when no answer came (the connection broke)."""
    task_id: int | None
    served_by: str | None
    error: str | None = None
    """The client's exception when no answer came (the balancer closed the connection)."""

    @property
    def kind(self) -> str:
        return self.error or str(self.status)


class CreateLoad:
    """``clients`` threads creating tasks titled ``{prefix} {client}-{n}`` with one token."""

    def __init__(self, url: str, token: str, prefix: str, clients: int = 6) -> None:
        self._url = url
        self._headers = {"Authorization": f"Bearer {token}"}
        self._prefix = prefix
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._outcomes: list[Outcome] = []
        self._threads = [
            threading.Thread(target=self._run, args=(n,), name=f"load-{n}", daemon=True)
            for n in range(clients)
        ]

    def __enter__(self) -> CreateLoad:
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stop()

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=30)

    def outcomes(self) -> list[Outcome]:
        with self._lock:
            return list(self._outcomes)

    def count(self, *, status: int | None = None, started_after: float = 0.0) -> int:
        return sum(
            1
            for o in self.outcomes()
            if o.started > started_after and (status is None or o.status == status)
        )

    def _run(self, client_no: int) -> None:
        deadline = time.monotonic() + MAX_SECONDS
        with httpx.Client(base_url=self._url, headers=self._headers, timeout=10) as client:
            for n in range(MAX_PER_CLIENT):
                if self._stop.is_set() or time.monotonic() > deadline:
                    return
                self._record(client, {"title": f"{self._prefix} {client_no}-{n}", "duration": 5})

    def _record(self, client: httpx.Client, body: dict[str, object]) -> None:
        started = time.monotonic()
        try:
            answer = client.post("/api/tasks/", json=body)
        except httpx.HTTPError as exc:
            outcome = Outcome(started, 0, None, None, f"{type(exc).__name__}: {exc}")
        else:
            task_id = answer.json()["id"] if answer.status_code == 201 else None
            outcome = Outcome(
                started, answer.status_code, task_id, answer.headers.get("x-served-by")
            )
        with self._lock:
            self._outcomes.append(outcome)


def summary(outcomes: list[Outcome]) -> str:
    """``n creates (per host), failures`` for one phase of the load."""
    hosts = collections.Counter(o.served_by for o in outcomes if o.served_by)
    failed = collections.Counter(o.kind for o in outcomes if o.status != 201)
    text = f"{len(outcomes)} creates {dict(sorted(hosts.items()))}"
    return text + (f", not acknowledged {dict(failed)}" if failed else "")
