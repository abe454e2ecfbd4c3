"""A login flood cannot take the worker threads the task routes need.

Sync handlers share the event loop's small default executor. Here every password check is
held at a gate the test controls, while more logins than that executor has threads are in
flight: the task list must still be served. Without the hashing gate the stuck logins
would hold every thread and the list would wait until the checks were released.
"""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

import httpx

from selteq_adapters.container import Overrides, bootstrap
from selteq_adapters.hashing import Argon2PasswordHasher
from selteq_adapters.settings import Rate, Settings
from selteq_http.server.app import create_app

PASSWORD = "correct horse battery"
CHEAP = {"time_cost": 1, "memory_cost": 8, "parallelism": 1}
LOGINS = 16  # more than the default executor's threads (min(32, cores + 4))


class HeldHasher(Argon2PasswordHasher):
    """Password checks wait until the test lets them go."""

    def __init__(self) -> None:
        super().__init__(**CHEAP)
        self.release = threading.Event()
        self.waiting = 0

    def _verify(self, password_hash: str, secret: bytes) -> bool:
        self.waiting += 1
        self.release.wait(timeout=60)
        return super()._verify(password_hash, secret)


def test_the_task_list_is_served_while_password_checks_are_stuck(tmp_path: Path) -> None:
    settings = Settings(
        env="test",
        database_url=f"sqlite:///{tmp_path}/flood.db",
        jwt_secret="test-secret-that-is-at-least-32-bytes-long",
        login_rate=Rate(1000, 60),
        login_rate_per_address=Rate(1000, 60),
    )
    hasher = HeldHasher()
    container = bootstrap(settings, Overrides(hasher=hasher))
    container.migrate()
    container.register_user("alice", PASSWORD)
    hasher.release.set()
    session = container.login("alice", PASSWORD)
    hasher.release.clear()
    auth = {"Authorization": f"Bearer {session.access_token}"}
    credentials = {"username": "alice", "password": PASSWORD}

    async def scenario() -> tuple[int, list[int]]:
        app = create_app(container)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://selteq") as client:
            logins = [
                asyncio.create_task(client.post("/api/token/", json=credentials))
                for _ in range(LOGINS)
            ]
            while hasher.waiting < 1:  # the first check is stuck inside argon2's thread
                await asyncio.sleep(0.01)
            listed = await asyncio.wait_for(client.get("/api/tasks/", headers=auth), 30)
            hasher.release.set()
            answers = await asyncio.gather(*logins)
        return listed.status_code, [answer.status_code for answer in answers]

    listed, logins = asyncio.run(scenario())
    container.close()
    assert listed == 200
    assert logins == [200] * LOGINS
