"""Shared fixtures. Engine- and service-specific fixtures live next to their tests."""

from __future__ import annotations

import logging

import pytest

from selteq_adapters.settings import Settings


@pytest.fixture
def settings(tmp_path: object) -> Settings:
    """Test settings on a temporary SQLite file with a fixed, long enough secret."""
    return Settings(
        env="test",
        database_url=f"sqlite:///{tmp_path}/selteq.db",
        jwt_secret="test-secret-that-is-at-least-32-bytes-long",
    )


@pytest.fixture(autouse=True)
def _quiet_third_party_logs() -> None:
    logging.getLogger("dramatiq").setLevel(logging.WARNING)
