"""``load_settings``: what every entry point calls before it builds or listens on anything."""

from __future__ import annotations

import sys
from collections.abc import Mapping

from ._declare import SettingsError
from ._model import Settings


def load_settings(
    prog: str, environ: Mapping[str, str] | None = None, *, var_dir: str = "var"
) -> Settings:
    """The settings, or exit status 2 after one line on stderr naming every problem.

    Unknown ``SELTEQ_*`` variables are a warning line each outside production, and one of
    the refused problems in production."""

    def warn(message: str) -> None:
        print(f"{prog}: {message}", file=sys.stderr)  # noqa: T201 - before logging exists

    try:
        return Settings.from_env(environ, var_dir=var_dir, warn=warn)
    except SettingsError as error:
        print(f"{prog}: {error}", file=sys.stderr)  # noqa: T201
        raise SystemExit(2) from None
