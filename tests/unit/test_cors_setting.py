"""SELTEQ_CORS_ORIGINS: origins as a browser writes them, none by default, '*' alone and
never in production."""

from __future__ import annotations

from pathlib import Path

import pytest

from selteq_adapters.settings import SettingsError
from tests.unit.test_settings import PG, SECRET, dev, load


def test_no_origin_by_default(tmp_path: Path) -> None:
    assert dev(tmp_path).cors_origins == ()
    assert dev(tmp_path, SELTEQ_CORS_ORIGINS=" , ").cors_origins == ()


def test_origins_are_written_as_a_browser_sends_them(tmp_path: Path) -> None:
    given = "HTTPS://App.Example.com:443, http://localhost:5173,http://[::1]:8080, https://app.example.com"
    assert dev(tmp_path, SELTEQ_CORS_ORIGINS=given).cors_origins == (
        "https://app.example.com",
        "http://localhost:5173",
        "http://[::1]:8080",
    )


@pytest.mark.parametrize(
    "bad",
    [
        "app.example.com",
        "ftp://app.example.com",
        "https://app.example.com/",
        "https://app.example.com/path",
        "https://app.example.com?x=1",
        "https://user@app.example.com",
        "https://*.example.com",
        "https://app.example.com:99999",
        "https://app_example.com",
        "*, https://app.example.com",
    ],
)
def test_anything_but_an_origin_is_refused_naming_the_variable(tmp_path: Path, bad: str) -> None:
    with pytest.raises(SettingsError, match="SELTEQ_CORS_ORIGINS"):
        dev(tmp_path, SELTEQ_CORS_ORIGINS=bad)


def test_star_is_any_origin_in_development_and_refused_in_production(tmp_path: Path) -> None:
    assert dev(tmp_path, SELTEQ_CORS_ORIGINS="*").cors_origins == ("*",)
    production = {
        "SELTEQ_ENV": "production",
        "SELTEQ_DATABASE_URL": PG,
        "SELTEQ_JWT_SECRET": SECRET,
        "SELTEQ_WORKERS": "1",
    }
    with pytest.raises(SettingsError, match="SELTEQ_CORS_ORIGINS must list the origins"):
        load(tmp_path, SELTEQ_CORS_ORIGINS="*", **production)
    listed = load(tmp_path, SELTEQ_CORS_ORIGINS="https://app.example.com", **production)
    assert listed.cors_origins == ("https://app.example.com",)
