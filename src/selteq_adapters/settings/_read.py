"""Turn the environment into Settings: every field converted by its declared type, every
problem collected so one message names them all, unknown ``SELTEQ_*`` variables named."""

from __future__ import annotations

import difflib
import os
import types
import typing
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import attrs

from selteq_adapters.db.url import parse_database_url

from ._declare import PREFIX, SettingsError, declared, env_name
from ._secret import HOW_TO_MAKE, MIN_SECRET_BYTES, read_kept_secret, secret_path, weak_secret

if TYPE_CHECKING:
    from ._model import Settings

# SELTEQ_ variables read by something other than Settings, so they are not "unknown".
ALSO_READ = ("SELTEQ_PASSWORD", "SELTEQ_URL", "SELTEQ_REQUIRE_SERVICES")
ALSO_READ_PREFIXES = ("SELTEQ_TEST_", "SELTEQ_BENCH_")
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}
_REDIS_SCHEMES = ("redis", "rediss", "unix")


def read(
    cls: type[Settings],
    environ: Mapping[str, str] | None,
    *,
    var_dir: str,
    warn: Callable[[str], object] | None,
) -> Settings:
    env = os.environ if environ is None else environ
    hints = typing.get_type_hints(cls)
    values: dict[str, Any] = {}
    problems: list[str] = []
    for field in attrs.fields(cls):
        name, raw = env_name(field), env.get(env_name(field))
        if raw is None or raw.strip() == "":
            continue
        try:
            values[field.name] = _convert(field, hints[field.name], raw)
        except ValueError as error:
            problems.append(f"{name} {error}")
    production = values.get("env") == "production"
    for message in unknown_variables(env, cls):
        if production:
            problems.append(message)
        elif warn is not None:
            warn(f"warning: {message}")
    problems += _urls(values)
    problems += _secret(values, production, var_dir)
    if production and "*" in values.get("cors_origins", ()):
        problems.append("SELTEQ_CORS_ORIGINS must list the origins it allows, not '*'")
    if production and str(values.get("database_url", "sqlite:")).lower().startswith("sqlite:"):
        problems.append("SELTEQ_DATABASE_URL must name a server database, not SQLite")
    workers = values.get("workers", attrs.fields(cls).workers.default)
    if production and workers > 1 and values.get("redis_url") is None:
        # Rate limits need one store for every worker (docs/decisions/0242).
        problems.append(
            "SELTEQ_REDIS_URL must be set when SELTEQ_WORKERS is above 1, so every worker"
            " counts failed logins and sign-ups in one store"
        )
    if problems:
        raise SettingsError(problems)
    return cls(**values)


def known_variables(cls: type[Settings]) -> list[str]:
    return [env_name(field) for field in attrs.fields(cls)]


def unknown_variables(env: Mapping[str, str], cls: type[Settings]) -> list[str]:
    """A message per ``SELTEQ_*`` variable nothing reads, with the likeliest intended name."""
    known = known_variables(cls)
    messages = []
    for name in sorted(env):
        if not name.startswith(PREFIX) or name in known or name in ALSO_READ:
            continue
        if name.startswith(ALSO_READ_PREFIXES):
            continue
        close = difflib.get_close_matches(name, [*known, *ALSO_READ], n=1, cutoff=0.6)
        hint = f" (did you mean {close[0]}?)" if close else ""
        messages.append(f"unknown variable {name}{hint}")
    return messages


def _convert(field: attrs.Attribute[Any], kind: Any, raw: str) -> object:
    spec = declared(field)
    text = spec.normalize(raw)
    if spec.parse is not None:
        return spec.parse(text)
    if typing.get_origin(kind) in (typing.Union, types.UnionType):
        kind = next(arg for arg in typing.get_args(kind) if arg is not type(None))
    if spec.choices and text not in spec.choices:
        raise ValueError(f"must be one of {', '.join(spec.choices)}, got {raw!r}")
    if kind is bool:
        if text.lower() in _TRUE | _FALSE:
            return text.lower() in _TRUE
        raise ValueError(f"must be true or false, got {raw!r}")
    if kind is int:
        return _int(text, raw, spec.minimum, spec.maximum)
    return text


def _int(text: str, raw: str, minimum: int | None, maximum: int | None) -> int:
    low = -(2**31) if minimum is None else minimum
    high = 2**31 - 1 if maximum is None else maximum
    try:
        value = int(text)
    except ValueError:
        raise ValueError(f"must be a whole number from {low} to {high}, got {raw!r}") from None
    if not low <= value <= high:
        raise ValueError(f"must be a whole number from {low} to {high}, got {value}")
    return value


def _urls(values: Mapping[str, Any]) -> list[str]:
    problems = []
    if "database_url" in values:
        try:
            parse_database_url(values["database_url"])
        except ValueError as error:
            problems.append(f"SELTEQ_DATABASE_URL: {error}")
    if values.get("redis_url") is not None:
        reason = redis_url_problem(values["redis_url"])
        if reason is not None:
            problems.append(f"SELTEQ_REDIS_URL: {reason}")
    return problems


def redis_url_problem(url: str) -> str | None:
    """Why redis-py could not use ``url``, checked without connecting; None when fine."""
    scheme, separator, _ = url.partition("://")
    if not separator or scheme.lower() not in _REDIS_SCHEMES:
        return "the Redis URL must start with redis://, rediss:// or unix://"
    parts = urlsplit(url)
    if scheme.lower() == "unix":
        return None if parts.path else "a unix:// Redis URL names the socket's path"
    try:
        parts.port  # noqa: B018 - parsing the port is the check
    except ValueError:
        return "the Redis URL's port must be a number from 1 to 65535"
    if not parts.hostname:
        return "the Redis URL names no host, e.g. redis://127.0.0.1:6379/0"
    database = parts.path.strip("/")
    if database and not database.isdigit():
        return f"the Redis database after the host must be a number, got {database!r}"
    return None


def _secret(values: dict[str, Any], production: bool, var_dir: str) -> list[str]:
    secret: str = values.get("jwt_secret", "")
    if production:
        reason = weak_secret(secret)
        return [] if reason is None else [reason]
    if secret:
        if len(secret.encode()) < MIN_SECRET_BYTES:
            return [
                f"SELTEQ_JWT_SECRET must be at least {MIN_SECRET_BYTES} bytes"
                f" (make one with: {HOW_TO_MAKE})"
            ]
        return []
    kept = read_kept_secret(var_dir)
    if kept is None:
        return [
            f"SELTEQ_JWT_SECRET is not set and {secret_path(var_dir)} does not exist:"
            " run `make run` or `selteq secret` to make one"
        ]
    values["jwt_secret"] = kept
    return []
