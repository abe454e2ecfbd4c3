"""The database goes away: every form shows 503 with Retry-After and what was typed, and
the session survives to be used once the database is back. PostgreSQL through pyodbc,
behind a relay the test cuts and restores."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from litestar.testing import TestClient

from selteq_adapters.settings import Settings
from selteq_core.memory import ManualClock
from tests import services
from tests.integration.http.conftest import PASSWORD, running
from tests.integration.http.postgres import fresh_database
from tests.integration.http.relay import Relay

from .conftest import Browser

DOWN = "cannot reach its database right now"


@pytest.fixture
def postgres_database() -> Iterator[str]:
    with fresh_database() as name:
        yield name


def test_every_form_says_503_and_keeps_the_input(
    postgres_database: str, clock: ManualClock
) -> None:
    with Relay((services.POSTGRES_HOST, services.POSTGRES_PORT)) as relay:
        settings = Settings(
            env="test",
            database_url=f"postgresql://postgres@127.0.0.1:{relay.port}/{postgres_database}",
            jwt_secret="test-secret-that-is-at-least-32-bytes-long",
        )
        with running(settings, clock) as api:
            browser = Browser(api.client).person("alice")
            browser.create("Survives", "5")
            stranger = Browser(TestClient(api.client.app))
            stranger.get("/sign-in")
            root_id = api.container.register_user("root", PASSWORD, staff=True).id.value
            root = Browser(TestClient(api.client.app))
            root.sign_in("root")
            alice_id = api.container.list_users(root_id, "alice").users[0].id.value
            root.get(f"/admin/users/{alice_id}/password")

            relay.stop()
            tasks = browser.post("/tasks", {"title": "Typed", "duration": "12"}, status=503)
            signing_in = stranger.post(
                "/sign-in", {"username": "alice", "password": PASSWORD}, status=503
            )
            signing_up = stranger.post(
                "/sign-up",
                {"username": "newcomer", "password": PASSWORD, "password_confirm": PASSWORD},
                status=503,
            )
            password = browser.post(
                "/account/password",
                {
                    "current_password": PASSWORD,
                    "new_password": "a new password",
                    "new_password_confirm": "a new password",
                },
                status=503,
            )
            reset = root.post(
                f"/admin/users/{alice_id}/password", {"new_password": "reset by staff"}, status=503
            )
            deactivate = root.post(f"/admin/users/{alice_id}/deactivate", {}, status=503)
            for response in (tasks, signing_in, signing_up, password, reset, deactivate):
                assert DOWN in response.text
                assert int(response.headers["retry-after"]) > 0
                assert "Traceback" not in response.text
            assert 'value="Typed"' in tasks.text
            assert 'value="12"' in tasks.text
            assert 'value="alice"' in signing_in.text
            assert 'value="newcomer"' in signing_up.text
            listing = browser.get("/", status=503)
            assert DOWN in listing.text

            relay.start()
            assert "Survives" in browser.get("/").text
            api.login("alice")  # neither password changed
            assert "alice" in root.get("/admin/users").text
