"""Settings: read from the environment once, at the edge, into one frozen object.

Every entry point calls :func:`load_settings`; tests build :class:`Settings` directly."""

from selteq_adapters.db.url import redact_url

from ._declare import Rate, SettingsError
from ._load import load_settings
from ._model import DEFAULT_DATABASE_URL, Settings
from ._secret import MIN_SECRET_BYTES, make_secret, weak_secret

__all__ = [
    "DEFAULT_DATABASE_URL",
    "MIN_SECRET_BYTES",
    "Rate",
    "Settings",
    "SettingsError",
    "load_settings",
    "make_secret",
    "redact_url",
    "weak_secret",
]
